"""Find catalog text copied from the seed documents.

The seeds are copyrighted: the catalog may carry their facts, terms and short labels, but its
sentences must be its own. A run of ten or more consecutive words shared with a seed is the
project's working definition of a copied sentence (docs/catalog-format.md).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .model import Catalog

MIN_WORDS = 10
WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class Overlap:
    """A run of words found both in a seed and in one text of a catalog item."""

    seed: str  # file name of a seed containing the run's first words
    ref: str  # "<kind>/<code>" of the item
    field: str  # e.g. "description.nl", "sections[1].body.en"
    words: str  # the shared run: lower-case words joined by single spaces


def words(text: str) -> list[str]:
    """Lower-cased words; punctuation, line breaks and runs of spaces do not count."""
    return WORD_RE.findall(text.lower())


def find_overlaps(
    catalog: Catalog, seeds_dir: str | os.PathLike[str], min_words: int = MIN_WORDS
) -> list[Overlap]:
    """Every maximal run of `min_words` or more words shared by a seed (*.txt in `seeds_dir`)
    and a user-facing text of the catalog (see Item.texts), in catalog order."""
    # Every window of min_words seed words, pointing to a seed it comes from.
    windows: dict[tuple[str, ...], str] = {}
    for path in sorted(Path(seeds_dir).glob("*.txt")):
        seed = words(path.read_text(encoding="utf-8"))
        for i in range(len(seed) - min_words + 1):
            windows.setdefault(tuple(seed[i : i + min_words]), path.name)

    found = []
    for item in catalog.all_items():
        for field, text in item.texts():
            tokens = words(text)
            i = 0
            while i <= len(tokens) - min_words:
                seed = windows.get(tuple(tokens[i : i + min_words]))
                if seed is None:
                    i += 1
                    continue
                # Extend while the next window matches too, so one copied passage is one hit.
                end = i + min_words
                while end < len(tokens) and tuple(tokens[end - min_words + 1 : end + 1]) in windows:
                    end += 1
                found.append(Overlap(seed, item.ref, field, " ".join(tokens[i:end])))
                i = end - min_words + 1  # that window did not match; a new run may start after it
    return found
