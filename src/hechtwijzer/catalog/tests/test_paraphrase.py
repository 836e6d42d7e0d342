"""No sentence of a seed document is copied into the catalog (ten words in a row = copied),
and every section a source names is a heading of its seed.

The seed texts are not in the repository, so the checks that must run everywhere use the
committed fingerprint (catalog/seed_fingerprints.json, see paraphrase.py). Where the seeds are
at hand, the full-text checks run too, and so does a check that the fingerprint is current.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
from pathlib import Path

import pytest

from .. import Catalog, Seed, Signal, Source, Text, get_catalog, load_catalog
from ..cli import main
from ..paraphrase import (
    FINGERPRINTS_FILE,
    Fingerprints,
    Overlap,
    find_fingerprint_overlaps,
    find_overlaps,
    fingerprint_seeds,
    load_fingerprints,
    missing_sections,
    read_seeds,
    salt_of,
    stale_fingerprints,
    unverified_sections,
    words,
)
from .fixtures import write_data

REGENERATE = (
    "With the seed texts at hand, run `hechtwijzer catalog fingerprint --seeds DIR`"
    " (it checks every cited heading against the texts) and commit seed_fingerprints.json."
)


def seeds_dir() -> Path | None:
    """$HECHTWIJZER_SEEDS, else ../shared/seeds next to the repository (the folder holding
    pyproject.toml); None when there are none (a clean clone). A $HECHTWIJZER_SEEDS that names
    no folder fails: whoever set it expects the full-text checks to run."""
    if os.environ.get("HECHTWIJZER_SEEDS"):
        directory = Path(os.environ["HECHTWIJZER_SEEDS"])
        if not directory.is_dir():
            pytest.fail(f"HECHTWIJZER_SEEDS={directory} is not a folder")
        return directory
    here = Path(__file__).resolve()
    root = next((p for p in here.parents if (p / "pyproject.toml").is_file()), None)
    if root is not None and (root.parent / "shared" / "seeds").is_dir():
        return root.parent / "shared" / "seeds"
    return None


@pytest.fixture
def seed_texts() -> dict[str, str]:
    """The real seed texts (file name -> text); the test is skipped where they are absent."""
    directory = seeds_dir()
    if directory is None:
        pytest.skip(
            "seed texts not available (set HECHTWIJZER_SEEDS or put them in ../shared/seeds):"
            " the fingerprint checks ran instead"
        )
    return read_seeds(get_catalog(), directory)  # SeedsError names a missing seed


# Everywhere: against the committed fingerprints.


def test_fingerprints_cover_every_seed() -> None:
    prints = load_fingerprints()
    assert sorted(prints.seeds) == sorted(seed.file for seed in get_catalog().seeds), REGENERATE
    assert all(seed.windows for seed in prints.seeds.values())
    assert FINGERPRINTS_FILE.stat().st_size < 400_000


def test_catalog_copies_no_seed_sentences() -> None:
    overlaps = find_fingerprint_overlaps(get_catalog(), load_fingerprints())
    report = "\n".join(f"{o.ref} {o.field}: '{o.words}' ({o.seed})" for o in overlaps)
    assert not overlaps, f"{len(overlaps)} runs of 10+ words copied from a seed:\n{report}"


def test_source_sections_are_headings_of_their_seed() -> None:
    # The format asks for the heading "as written there"; a reader must be able to find it.
    unverified = unverified_sections(get_catalog(), load_fingerprints())
    assert not unverified, "\n".join([*unverified, REGENERATE])


# Where the seed texts are at hand: against the texts themselves.


def test_catalog_copies_no_seed_sentences_full_text(seed_texts: dict[str, str]) -> None:
    overlaps = find_overlaps(get_catalog(), seeds_dir())
    report = "\n".join(f"{o.ref} {o.field}: '{o.words}' ({o.seed})" for o in overlaps)
    assert not overlaps, f"{len(overlaps)} runs of 10+ words copied from a seed:\n{report}"


def test_source_sections_are_headings_of_their_seed_full_text(
    seed_texts: dict[str, str],
) -> None:
    missing = missing_sections(get_catalog(), seed_texts)
    assert not missing, "\n".join(missing)


def test_fingerprint_file_is_up_to_date(seed_texts: dict[str, str]) -> None:
    # Rebuilt from the seeds with the committed salt, the file must come out the same: the
    # seeds' SHA-256, every word window, the verified headings, and then byte for byte.
    committed = load_fingerprints()
    current = fingerprint_seeds(get_catalog(), seed_texts, committed.salt)
    stale = stale_fingerprints(committed, current)
    assert not stale, "seed_fingerprints.json is stale:\n" + "\n".join([*stale, REGENERATE])
    assert FINGERPRINTS_FILE.read_text(encoding="utf-8") == current.to_json(), (
        f"seed_fingerprints.json is not in the current format. {REGENERATE}"
    )


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


# The fingerprints: built from a small synthetic seed, they must catch what the texts catch.

SALT = bytes(range(16))
COPIED = "heeft weinig vertrouwen in anderen en in zichzelf dat heeft gevolgen"


def test_fingerprints_catch_a_copied_run_and_pass_a_paraphrase(tmp_path: Path) -> None:
    (tmp_path / "001_test.txt").write_text(SEED_TEXT, encoding="utf-8")
    catalog = _catalog(
        "Zo geldt: EEN kind dat onveilig gehecht is heeft weinig\nvertrouwen in anderen. Klaar.",
        "Een kind dat onveilig gehecht is, heeft weinig vertrouwen, zegt men.",  # 9 words
        f"{COPIED} -- eigen zin -- {COPIED}",
        # The same facts in the product's own sentence.
        "Wie onveilig gehecht is, vertrouwt anderen en zichzelf minder; relaties lijden eronder.",
    )
    prints = fingerprint_seeds(catalog, {"001_test.txt": SEED_TEXT}, SALT)
    found = find_fingerprint_overlaps(catalog, prints)
    assert found == find_overlaps(catalog, tmp_path)
    assert [(o.seed, o.ref, o.field, o.words) for o in found] == [
        (
            "001_test.txt",
            "signals/s0",
            "description.nl",
            "een kind dat onveilig gehecht is heeft weinig vertrouwen in anderen",
        ),
        ("001_test.txt", "signals/s2", "description.nl", COPIED),
        ("001_test.txt", "signals/s2", "description.nl", COPIED),
    ]
    assert find_fingerprint_overlaps(_catalog(catalog.signals[3].description.nl), prints) == []


def test_fingerprints_keep_no_words_and_depend_on_the_salt() -> None:
    prints = fingerprint_seeds(_catalog(), {"001_test.txt": SEED_TEXT}, SALT)
    text = prints.to_json()
    assert Fingerprints.from_json(text) == prints
    assert prints.seeds["001_test.txt"].sha256 == hashlib.sha256(SEED_TEXT.encode()).hexdigest()
    assert len(prints.seeds["001_test.txt"].windows) == len(words(SEED_TEXT)) - 9
    assert not {"onveilig", "gehecht", "vertrouwen", "zichzelf"} & set(words(text))
    other = fingerprint_seeds(_catalog(), {"001_test.txt": SEED_TEXT}, bytes(16))
    assert not prints.seeds["001_test.txt"].windows & other.seeds["001_test.txt"].windows
    assert find_fingerprint_overlaps(_catalog(COPIED), other) != []


def _citing(*sections: str, seed: str = "001_test.txt") -> Catalog:
    """A catalog whose signal i cites sections[i] of `seed`."""
    signals = tuple(
        dataclasses.replace(signal, sources=(Source(seed=seed, section=section),))
        for signal, section in zip(_catalog(*sections).signals, sections, strict=True)
    )
    seeds = (Seed(file=seed, title="T"),)
    return Catalog(version="t", seeds=seeds, vocabularies={}, signals=signals)


def test_fingerprints_confirm_only_the_headings_found_when_written() -> None:
    seed_text = "1. Kop\nEen alinea.\n2. Tweede\n   kop\n"
    catalog = _citing("1. Kop", "2. Tweede kop", "3. Verzonnen")
    texts = {"001_test.txt": seed_text}
    assert missing_sections(catalog, texts) == ["signals/s2: '3. Verzonnen' not in 001_test.txt"]
    prints = fingerprint_seeds(catalog, texts, SALT)
    assert unverified_sections(catalog, prints) == [
        "signals/s2: '3. Verzonnen' not verified in 001_test.txt"
    ]
    # A heading cited after the file was written fails until it is checked against the text,
    # even if it is in the text; a seed without fingerprints fails too.
    assert unverified_sections(_citing("1. Kop", "Een alinea."), prints) == [
        "signals/s1: 'Een alinea.' not verified in 001_test.txt"
    ]
    assert unverified_sections(_citing("1. Kop", seed="002_x.txt"), prints) == [
        "signals/s0: seed 002_x.txt has no fingerprint"
    ]


def test_stale_fingerprints_name_every_change() -> None:
    catalog = _citing("1. Kop")
    seed_text = f"1. Kop\n{SEED_TEXT}"
    committed = fingerprint_seeds(catalog, {"001_test.txt": seed_text}, SALT)
    assert stale_fingerprints(committed, committed) == []
    # One word of the seed changed: its file hash and every window holding the word differ.
    edited = fingerprint_seeds(catalog, {"001_test.txt": seed_text.replace("weinig", "veel")}, SALT)
    old, new = committed.seeds["001_test.txt"].sha256, edited.seeds["001_test.txt"].sha256
    assert stale_fingerprints(committed, edited) == [
        f"001_test.txt: the file changed (SHA-256 {old} -> {new})",
        "001_test.txt: 10 word windows new, 10 gone",
    ]
    # Only white space changed: the same words, but not the same file.
    spaced = fingerprint_seeds(catalog, {"001_test.txt": seed_text + "\n"}, SALT)
    assert [line.split(" (")[0] for line in stale_fingerprints(committed, spaced)] == [
        "001_test.txt: the file changed"
    ]
    # A heading cited since, a seed added, a seed dropped, another salt.
    citing_more = _citing("1. Kop", "Een kind dat")
    assert stale_fingerprints(
        committed, fingerprint_seeds(citing_more, {"001_test.txt": seed_text}, SALT)
    ) == ["001_test.txt: 1 verified headings new, 0 gone"]
    both = fingerprint_seeds(catalog, {"001_test.txt": seed_text, "002_x.txt": "x"}, SALT)
    assert stale_fingerprints(committed, both) == ["002_x.txt: a seed without fingerprints"]
    assert stale_fingerprints(both, committed) == ["002_x.txt: fingerprinted, but no longer a seed"]
    other_salt = fingerprint_seeds(catalog, {"001_test.txt": seed_text}, bytes(16))
    assert stale_fingerprints(committed, other_salt) == ["made with another salt or window size"]


# `catalog fingerprint`, on the fixture catalog (one seed, 000_test.txt, "1. Kop").


def run(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def test_fingerprint_command(tmp_path: Path) -> None:
    data, seeds, output = write_data(tmp_path / "data"), tmp_path / "seeds", tmp_path / "fp.json"
    seeds.mkdir()
    # Windows line ends: the hash is still the one of the file's own bytes (sha256sum's).
    seed = f"1. Kop\n\n{SEED_TEXT}".replace("\n", "\r\n").encode()
    (seeds / "000_test.txt").write_bytes(seed)
    options = ("--path", str(data), "--output", str(output))
    argv = ("fingerprint", "--seeds", str(seeds), *options)
    code, out, err = run(*argv)
    size = output.stat().st_size
    assert (code, err) == (0, "")
    assert out == (
        f"Wrote {output} ({size:,} bytes): the SHA-256 of 1 seeds, 12 word windows and 1"
        " verified section headings\n"
    )
    prints = load_fingerprints(output)
    assert prints.seeds["000_test.txt"].sha256 == hashlib.sha256(seed).hexdigest()
    catalog = load_catalog(data)
    assert unverified_sections(catalog, prints) == []
    assert find_fingerprint_overlaps(catalog, prints) == []
    assert [o.words for o in find_fingerprint_overlaps(_catalog(f"Kop: {COPIED}."), prints)] == [
        COPIED
    ]
    # Written again from the same seeds: the same salt, so the same file.
    first = output.read_text(encoding="utf-8")
    assert run(*argv)[0] == 0
    assert output.read_text(encoding="utf-8") == first


def test_rewriting_keeps_the_salt_of_an_older_format(tmp_path: Path) -> None:
    # A file of format 1 (no sha256) is rewritten with its salt: windows and headings keep
    # their digests, so the change shows only what the new format adds.
    old = tmp_path / "fp.json"
    old.write_text(json.dumps({"format": 1, "salt": SALT.hex(), "seeds": {}}), encoding="utf-8")
    assert salt_of(old) == SALT
    assert len(salt_of(tmp_path / "none.json")) == 16
    old.write_text("{}", encoding="utf-8")
    assert salt_of(old) != salt_of(old)  # unreadable: a new random salt each time


def test_fingerprint_without_the_seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data, output = write_data(tmp_path / "data"), tmp_path / "fp.json"
    options = ("--path", str(data), "--output", str(output))
    nowhere = tmp_path / "nowhere"
    assert run("fingerprint", "--seeds", str(nowhere), *options) == (
        2,
        "",
        f"{nowhere}: seeds folder does not exist\n",
    )
    assert run("fingerprint", "--seeds", str(tmp_path), *options) == (
        2,
        "",
        f"{tmp_path}: seed files listed in catalog.toml are missing: 000_test.txt\n",
    )
    (tmp_path / "000_test.txt").write_bytes(b"Kop \xff\n")
    assert run("fingerprint", "--seeds", str(tmp_path), *options) == (
        2,
        "",
        f"{tmp_path / '000_test.txt'}: not UTF-8 (invalid start byte)\n",
    )
    monkeypatch.delenv("HECHTWIJZER_SEEDS", raising=False)
    assert run("fingerprint", *options) == (
        2,
        "",
        "no seeds folder: give --seeds DIR or set HECHTWIJZER_SEEDS\n",
    )
    assert not output.exists()


def test_fingerprint_refuses_a_heading_not_in_its_seed(tmp_path: Path) -> None:
    data, output = write_data(tmp_path / "data"), tmp_path / "fp.json"
    (tmp_path / "000_test.txt").write_text(SEED_TEXT, encoding="utf-8")  # no "1. Kop"
    code, out, err = run(
        "fingerprint", "--seeds", str(tmp_path), "--path", str(data), "--output", str(output)
    )
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines and all(line.endswith(": '1. Kop' not in 000_test.txt") for line in lines)
    assert "signals/restless_chaotic: '1. Kop' not in 000_test.txt" in lines
    assert not output.exists()
