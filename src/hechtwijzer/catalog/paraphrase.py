"""Find catalog text copied from the seed documents.

The seeds are copyrighted: the catalog may carry their facts, terms and short labels, but its
sentences must be its own. A run of ten or more consecutive words shared with a seed is the
project's working definition of a copied sentence (docs/catalog-format.md).

`find_overlaps` checks the catalog against the seed texts themselves. Those texts are not in
the repository (copyright), yet a clean clone must check the rule too, so the package carries
`seed_fingerprints.json`, written by `hechtwijzer catalog fingerprint --seeds DIR` (its format
is in docs/catalog-format.md). Per seed it holds:

* `sha256`: the SHA-256 of the file's bytes, as `sha256sum` prints it. It tells whoever has the
  seeds whether theirs are the ones fingerprinted, and it makes any change to a seed, even one
  that moves no word (white space, line breaks), show up as a stale file.
* `windows`: the digest of every window of MIN_WORDS consecutive words (as `words()` splits
  them), sorted, packed and base64-encoded. `find_fingerprint_overlaps` digests every window of
  the catalog's texts the same way; a hit is a copied run, reported in the catalog's own words.
* `sections`: digests of the section headings the catalog cited when the file was written, each
  of which the command then found in the seed's text (runs of whitespace collapsed, as
  `missing_sections` compares). `unverified_sections` checks the cited headings against them.
  Only cited headings: plain text marks no headings (the seeds are web pages and PDF extracts,
  where a numbered list item looks like a heading and a heading may wrap), so "every heading"
  would be a guess, and no check needs the headings nobody cites.

A digest is BLAKE2b keyed with the file's random salt, truncated to 8 bytes. Trade-offs:

* Reading back. The file holds no words, so the text cannot be read, grepped or copied out of
  it. It is, though, a membership test for ten-word runs, and any file that catches every
  copied ten-word run offline has to be one: someone who already knows nine consecutive words
  of a seed can try a vocabulary for the tenth and step along. The salt stops precomputed
  tables and comparison with digests made elsewhere; it cannot be secret, because the tests on
  a clean clone need it. So the file keeps the text out of the repository; it does not stop a
  patient guesser who starts from a known passage.
* False hits. About 13,500 windows among 2**64 digests: the chance that any window of the
  catalog's tens of thousands of windows collides with one is below 1e-9: a hit is a copy.
* Headings. A digest set can only confirm a heading it was given, not search the text, so a
  section first cited after the file was written fails the clean-clone test until someone
  with the seeds reruns the command, which checks it against the real text. Digests of every
  line of the seeds would let new headings pass without the seeds, but would miss headings
  that wrap or carry extra text on their line, and would add a larger oracle for little gain.
* Staleness. Where the seeds are at hand ($HECHTWIJZER_SEEDS or ../shared/seeds beside the
  repository), the tests also run the full-text checks and rebuild the file with its own salt
  to check that the committed one is current (`stale_fingerprints` says what differs: a seed's
  SHA-256, its windows or its verified headings).
* Size. 8 bytes a window, about 150 KB of JSON for the five seeds.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import re
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .model import Catalog, Item, Source

MIN_WORDS = 10
WORD_RE = re.compile(r"\w+")
# The committed fingerprints of the seeds (package data; see the module docstring).
FINGERPRINTS_FILE = Path(__file__).resolve().parent / "seed_fingerprints.json"
FORMAT = 2  # 2: each seed's sha256 added
DIGEST_SIZE = 8


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
    return _runs(catalog, windows.get, min_words)


def _runs(
    catalog: Catalog, seed_of: Callable[[tuple[str, ...]], str | None], min_words: int
) -> list[Overlap]:
    """Every maximal run of windows of `min_words` words for which `seed_of` names a seed."""
    found = []
    for item in catalog.all_items():
        for field, text in item.texts():
            tokens = words(text)
            i = 0
            while i <= len(tokens) - min_words:
                seed = seed_of(tuple(tokens[i : i + min_words]))
                if seed is None:
                    i += 1
                    continue
                # Extend while the next window matches too, so one copied passage is one hit.
                end = i + min_words
                while (
                    end < len(tokens)
                    and seed_of(tuple(tokens[end - min_words + 1 : end + 1])) is not None
                ):
                    end += 1
                found.append(Overlap(seed, item.ref, field, " ".join(tokens[i:end])))
                i = end - min_words + 1  # that window did not match; a new run may start after it
    return found


# Section headings -------------------------------------------------------------------------


def _sources(value: object) -> Iterator[Source]:
    """Every source in a value, including those of its links, prevalence figures and cautions."""
    if isinstance(value, Source):
        yield value
    elif isinstance(value, tuple):
        for element in value:
            yield from _sources(element)
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from _sources(getattr(value, field.name))


def normalise_section(section: str) -> str:
    """A heading as it is compared: runs of whitespace (line breaks too) become one space."""
    return " ".join(section.split())


def cited_sections(catalog: Catalog) -> Iterator[tuple[Item, str, str]]:
    """(item, seed file, section as written) for every seed source that names a section."""
    for item in catalog.all_items():
        for source in _sources(item):
            if source.seed and source.section:
                yield item, source.seed, source.section


def missing_sections(catalog: Catalog, seed_texts: Mapping[str, str]) -> list[str]:
    """A sorted line "<ref>: '<section>' not in <seed>" for every section cited from a seed in
    `seed_texts` (file name -> text) that does not occur in that text."""
    texts = {name: normalise_section(text) for name, text in seed_texts.items()}
    return sorted(
        {
            f"{item.ref}: '{section}' not in {seed}"
            for item, seed, section in cited_sections(catalog)
            if seed in texts and normalise_section(section) not in texts[seed]
        }
    )


# Fingerprints: the checks without the seed texts (see the module docstring) ----------------


class SeedsError(Exception):
    """The seeds folder, or a seed that catalog.toml lists, is not there or not UTF-8 (a
    one-line message)."""


@dataclass(frozen=True)
class SeedPrint:
    """What is kept of one seed: the SHA-256 of its bytes (hex), the digests of its word
    windows and those of the cited headings found in it."""

    sha256: str
    windows: frozenset[bytes]
    sections: frozenset[bytes]


@dataclass(frozen=True)
class Fingerprints:
    """What `seed_fingerprints.json` holds: the salt, and the digests of each seed."""

    salt: bytes
    seeds: Mapping[str, SeedPrint]  # seed file name -> its digests
    window: int = MIN_WORDS

    def _digest(self, text: str, person: bytes) -> bytes:
        return hashlib.blake2b(
            text.encode("utf-8"), digest_size=DIGEST_SIZE, key=self.salt, person=person
        ).digest()

    def window_digest(self, window: Sequence[str]) -> bytes:
        """The digest of a run of words (as `words()` returns them)."""
        return self._digest(" ".join(window), b"hw-window")

    def section_digest(self, section: str) -> bytes:
        return self._digest(normalise_section(section), b"hw-section")

    def to_json(self) -> str:
        """The file's text: stable for the same seeds, cited headings and salt."""
        data = {
            "about": (
                "Digests of the seed texts, not the texts: see hechtwijzer/catalog/paraphrase.py."
                " Regenerate with: hechtwijzer catalog fingerprint --seeds DIR"
            ),
            "format": FORMAT,
            "hash": "blake2b, key = salt, person = hw-window or hw-section; sha256 of the file",
            "digest_size": DIGEST_SIZE,
            "window": self.window,
            "salt": self.salt.hex(),
            "seeds": {
                name: {
                    "sha256": prints.sha256,
                    "sections": sorted(digest.hex() for digest in prints.sections),
                    "windows": base64.b64encode(b"".join(sorted(prints.windows))).decode("ascii"),
                }
                for name, prints in sorted(self.seeds.items())
            },
        }
        return json.dumps(data, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Fingerprints:
        data = json.loads(text)
        if data.get("format") != FORMAT or data.get("digest_size") != DIGEST_SIZE:
            raise ValueError(
                f"seed fingerprints: expected format {FORMAT} with {DIGEST_SIZE}-byte digests"
            )
        seeds = {}
        for name, prints in data["seeds"].items():
            packed = base64.b64decode(prints["windows"])
            if len(packed) % DIGEST_SIZE:
                raise ValueError(f"seed fingerprints: windows of {name} are cut short")
            seeds[name] = SeedPrint(
                sha256=prints["sha256"],
                windows=frozenset(
                    packed[i : i + DIGEST_SIZE] for i in range(0, len(packed), DIGEST_SIZE)
                ),
                sections=frozenset(bytes.fromhex(digest) for digest in prints["sections"]),
            )
        return cls(salt=bytes.fromhex(data["salt"]), seeds=seeds, window=data["window"])


def load_fingerprints(path: str | os.PathLike[str] = FINGERPRINTS_FILE) -> Fingerprints:
    return Fingerprints.from_json(Path(path).read_text(encoding="utf-8"))


def salt_of(path: str | os.PathLike[str]) -> bytes:
    """The salt of an existing fingerprint file, of any format, so that rewriting it changes
    only what the seeds or the cited headings changed; a new random salt when there is no
    readable file."""
    try:
        salt = bytes.fromhex(json.loads(Path(path).read_text(encoding="utf-8"))["salt"])
    except (OSError, ValueError, KeyError, TypeError):
        return secrets.token_bytes(16)
    return salt if len(salt) == 16 else secrets.token_bytes(16)


def read_seeds(catalog: Catalog, seeds_dir: str | os.PathLike[str]) -> dict[str, str]:
    """The text of every seed the catalog lists (file name -> text), read from `seeds_dir`.
    Decoded as UTF-8 without translating line ends, so a text encodes back to the file's exact
    bytes (what `fingerprint_seeds` hashes)."""
    directory = Path(seeds_dir)
    if not directory.is_dir():
        raise SeedsError(f"{directory}: seeds folder does not exist")
    missing = [seed.file for seed in catalog.seeds if not (directory / seed.file).is_file()]
    if missing:
        raise SeedsError(
            f"{directory}: seed files listed in catalog.toml are missing: {', '.join(missing)}"
        )
    texts = {}
    for seed in catalog.seeds:
        try:
            texts[seed.file] = (directory / seed.file).read_bytes().decode("utf-8")
        except UnicodeDecodeError as error:
            raise SeedsError(f"{directory / seed.file}: not UTF-8 ({error.reason})") from None
    return texts


def fingerprint_seeds(
    catalog: Catalog, seed_texts: Mapping[str, str], salt: bytes, min_words: int = MIN_WORDS
) -> Fingerprints:
    """The fingerprints of `seed_texts` (file name -> text, as `read_seeds` gives it): the
    SHA-256 of the text's UTF-8 bytes (the file's bytes), every window of `min_words` words, and
    each heading the catalog cites from the seed that occurs in its text (see
    `missing_sections` for the ones that do not; they are left out, so they stay unverified)."""
    hasher = Fingerprints(salt=salt, seeds={}, window=min_words)
    cited: dict[str, set[str]] = {name: set() for name in seed_texts}
    for _item, seed, section in cited_sections(catalog):
        if seed in cited:
            cited[seed].add(normalise_section(section))
    seeds = {}
    for name, text in seed_texts.items():
        tokens = words(text)
        flat = normalise_section(text)
        seeds[name] = SeedPrint(
            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            windows=frozenset(
                hasher.window_digest(tokens[i : i + min_words])
                for i in range(len(tokens) - min_words + 1)
            ),
            sections=frozenset(
                hasher.section_digest(section) for section in cited[name] if section in flat
            ),
        )
    return Fingerprints(salt=salt, seeds=seeds, window=min_words)


def find_fingerprint_overlaps(catalog: Catalog, fingerprints: Fingerprints) -> list[Overlap]:
    """`find_overlaps` against the fingerprints instead of the texts: every maximal run of
    `fingerprints.window` or more words of a catalog text whose windows are all digests of a
    seed's windows. The words reported are the catalog's own."""
    seed_of_digest: dict[bytes, str] = {}
    for name in sorted(fingerprints.seeds):
        for digest in fingerprints.seeds[name].windows:
            seed_of_digest.setdefault(digest, name)

    def seed_of(window: tuple[str, ...]) -> str | None:
        return seed_of_digest.get(fingerprints.window_digest(window))

    return _runs(catalog, seed_of, fingerprints.window)


def unverified_sections(catalog: Catalog, fingerprints: Fingerprints) -> list[str]:
    """A sorted line for every section the catalog cites that the fingerprints do not confirm:
    its seed has no fingerprint, or the heading was not found in (or not yet checked against)
    the seed's text when the fingerprints were written."""
    problems = set()
    for item, seed, section in cited_sections(catalog):
        prints = fingerprints.seeds.get(seed)
        if prints is None:
            problems.add(f"{item.ref}: seed {seed} has no fingerprint")
        elif fingerprints.section_digest(section) not in prints.sections:
            problems.add(f"{item.ref}: '{section}' not verified in {seed}")
    return sorted(problems)


def stale_fingerprints(committed: Fingerprints, current: Fingerprints) -> list[str]:
    """Why `committed` differs from `current`, the fingerprints made now from the seeds and the
    catalog with the committed salt: a line per seed added, dropped or changed (its SHA-256,
    its word windows, its verified headings); empty when the committed file is current."""
    if (committed.salt, committed.window) != (current.salt, current.window):
        return ["made with another salt or window size"]
    problems = []
    for name in sorted(committed.seeds.keys() | current.seeds.keys()):
        old, new = committed.seeds.get(name), current.seeds.get(name)
        if old is None:
            problems.append(f"{name}: a seed without fingerprints")
            continue
        if new is None:
            problems.append(f"{name}: fingerprinted, but no longer a seed")
            continue
        if old.sha256 != new.sha256:
            problems.append(f"{name}: the file changed (SHA-256 {old.sha256} -> {new.sha256})")
        for what, was, now in (
            ("word windows", old.windows, new.windows),
            ("verified headings", old.sections, new.sections),
        ):
            if was != now:
                problems.append(f"{name}: {len(now - was)} {what} new, {len(was - now)} gone")
    return problems
