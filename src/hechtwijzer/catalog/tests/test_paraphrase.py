"""No sentence of a seed document is copied into the catalog (ten words in a row = copied)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .. import Catalog, Signal, Source, Text, get_catalog
from ..paraphrase import Overlap, find_overlaps, words


def seeds_dir() -> Path:
    """$HECHTWIJZER_SEEDS, else ../shared/seeds next to the repository (the folder holding
    pyproject.toml). Missing seeds fail the test: skipping would hide copied text."""
    here = Path(__file__).resolve()
    candidates = []
    if os.environ.get("HECHTWIJZER_SEEDS"):
        candidates.append(Path(os.environ["HECHTWIJZER_SEEDS"]))
    root = next((p for p in here.parents if (p / "pyproject.toml").is_file()), None)
    if root is not None:
        candidates.append(root.parent / "shared" / "seeds")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    looked = ", ".join(map(str, candidates)) or "nowhere"
    why = "" if root else f" (no pyproject.toml above {here.parent}, so no default folder)"
    pytest.fail(
        f"seed texts not found; looked in: {looked}{why}."
        " Set HECHTWIJZER_SEEDS to the folder holding the seed .txt files."
    )


def test_catalog_copies_no_seed_sentences() -> None:
    catalog = get_catalog()
    directory = seeds_dir()
    missing = [s.file for s in catalog.seeds if not (directory / s.file).is_file()]
    assert not missing, f"seed files missing from {directory}: {missing}"
    overlaps = find_overlaps(catalog, directory)
    report = "\n".join(f"{o.ref} {o.field}: '{o.words}' ({o.seed})" for o in overlaps)
    assert not overlaps, f"{len(overlaps)} runs of 10+ words copied from a seed:\n{report}"


def _sources(value: object) -> Iterator[Source]:
    """Every source in an item, including those of its links, prevalence figures and cautions."""
    if isinstance(value, Source):
        yield value
    elif isinstance(value, tuple):
        for element in value:
            yield from _sources(element)
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from _sources(getattr(value, field.name))


def test_source_sections_are_headings_of_their_seed() -> None:
    # The format asks for the heading "as written there"; a reader must be able to find it.
    directory = seeds_dir()
    seeds = {
        p.name: " ".join(p.read_text(encoding="utf-8").split()) for p in directory.glob("*.txt")
    }
    missing = sorted(
        {
            f"{item.ref}: '{source.section}' not in {source.seed}"
            for item in get_catalog().all_items()
            for source in _sources(item)
            if source.seed in seeds
            and source.section
            and " ".join(source.section.split()) not in seeds[source.seed]
        }
    )
    assert not missing, "\n".join(missing)


def _catalog(*texts: str) -> Catalog:
    signals = tuple(
        Signal(
            code=f"s{i}",
            label=Text(nl="Label", en="Label"),
            description=Text(nl=text, en="Own words."),
            sources=(Source(ref="Test"),),
            group="behaviour",
            patterns=(),
        )
        for i, text in enumerate(texts)
    )
    return Catalog(version="t", seeds=(), vocabularies={}, signals=signals)


SEED_TEXT = """\
Een kind dat onveilig gehecht is, heeft weinig vertrouwen
in anderen en   in zichzelf; dat heeft gevolgen voor relaties.
"""


def test_detector_finds_a_copied_run(tmp_path: Path) -> None:
    (tmp_path / "001_test.txt").write_text(SEED_TEXT, encoding="utf-8")
    catalog = _catalog(
        # 11 words copied, with other case, punctuation and line breaks: still a copy.
        "Zo geldt: EEN kind dat onveilig gehecht is heeft weinig\nvertrouwen in anderen. Klaar.",
        # 9 words in a row: allowed.
        "Een kind dat onveilig gehecht is, heeft weinig vertrouwen, zegt men.",
        "Eigen woorden, niets overgenomen.",
    )
    assert find_overlaps(catalog, tmp_path) == [
        Overlap(
            seed="001_test.txt",
            ref="signals/s0",
            field="description.nl",
            words="een kind dat onveilig gehecht is heeft weinig vertrouwen in anderen",
        )
    ]


def test_detector_reports_separate_runs_and_other_fields(tmp_path: Path) -> None:
    (tmp_path / "001_test.txt").write_text(SEED_TEXT, encoding="utf-8")
    copied = "heeft weinig vertrouwen in anderen en in zichzelf dat heeft gevolgen"
    found = find_overlaps(_catalog(f"{copied} -- eigen zin -- {copied}"), tmp_path)
    assert [(o.field, o.words) for o in found] == [("description.nl", copied)] * 2
    assert find_overlaps(_catalog(copied), tmp_path, min_words=12) == []


def test_words_fold_case_punctuation_and_whitespace() -> None:
    assert words("Één  kind,\n\tdát  gaat!") == ["één", "kind", "dát", "gaat"]
