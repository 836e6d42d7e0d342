"""Each kind of broken data gives one precise message, and nothing but CatalogError escapes."""

from __future__ import annotations

import string
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .. import CatalogError, Measure, Signal, load_catalog
from .fixtures import CATALOG, KIND_FILES, SRC, edit, problems_in, write_data

SIGNALS = KIND_FILES["signals"]
MEASURES = KIND_FILES["measures"]
CODE_RULE = "(use lowercase letters, digits and _, starting with a letter)"


def test_the_fixture_is_valid(tmp_path: Path) -> None:
    catalog = load_catalog(write_data(tmp_path))
    assert catalog.version == "test.1"
    assert [s.code for s in catalog.signals] == ["restless_chaotic", "math_difficulties"]
    signal = catalog.get("signals", "restless_chaotic")
    assert isinstance(signal, Signal)
    assert signal.label.get("en") == "Restless and chaotic"
    assert signal.label.get("fy") == "Druk en chaotisch"  # unknown language: Dutch
    assert signal.pattern_codes == ("avoidant",)
    assert catalog.signals_for_pattern("avoidant") == (signal,)
    assert [d.code for d in catalog.disorders_for_pattern("avoidant")] == ["rad"]
    assert [m.code for m in catalog.measures_for_signal("restless_chaotic")] == ["sticordi_01"]
    assert [m.code for m in catalog.tips_for_measure("sticordi_01")] == ["tip_01"]
    assert [i.ref for i in catalog.linked_from("signals", "restless_chaotic")] == [
        "measures/sticordi_01",
        "topics/circle_of_security",
    ]
    assert catalog.vocabularies["levels"]["parent"].en == "Parent"
    assert catalog.seed("000_test.txt").title == "Testbron"
    with pytest.raises(KeyError, match="no catalog item signals/nope"):
        catalog.get("signals", "nope")


def test_items_are_immutable(tmp_path: Path) -> None:
    measure = load_catalog(write_data(tmp_path)).measures[0]
    assert isinstance(measure, Measure)
    with pytest.raises(AttributeError):
        measure.code = "other"  # type: ignore[misc]
    assert isinstance(measure.addresses, tuple)


def test_the_content_hash_follows_the_data_not_the_comments(tmp_path: Path) -> None:
    """The version tag a focus-card snapshot keeps (docs/catalog-format.md): the same data
    gives the same hash; a changed value or order changes it, a comment or blank line does not."""
    base = load_catalog(write_data(tmp_path / "base"))
    assert len(base.content_hash) == 64
    assert base.version_tag == f"test.1+{base.content_hash[:12]}"
    assert load_catalog(write_data(tmp_path / "again")).content_hash == base.content_hash
    commented = "# a note for maintainers\n\n" + SIGNALS.replace("\n[[item]]", "\n\n[[item]]")
    assert load_catalog(write_data(tmp_path / "c", signals=commented)).content_hash == (
        base.content_hash
    )
    relabelled = edit(SIGNALS, 'en = "Moves a lot."', 'en = "Moves about a lot."')
    changed = load_catalog(write_data(tmp_path / "v", signals=relabelled))
    assert changed.version == base.version and changed.content_hash != base.content_hash
    assert changed.version_tag != base.version_tag


# (file to break, text to replace, replacement, expected problems)
CASES = {
    "missing label language": (
        "signals",
        'label = { nl = "Druk en chaotisch", en = "Restless and chaotic" }',
        'label = { nl = "Druk en chaotisch" }',
        ["signals.toml: item 'restless_chaotic': field 'label.en' is missing"],
    ),
    "empty text": (
        "signals",
        'description.nl = "Beweegt veel."',
        'description.nl = "  "',
        ["signals.toml: item 'restless_chaotic': field 'description.nl' is empty"],
    ),
    "malformed code": (
        "signals",
        'code = "math_difficulties"',
        'code = "Bad Code"',
        [f"signals.toml: item 2: code 'Bad Code' is malformed {CODE_RULE}"],
    ),
    "duplicate code": (
        "signals",
        'code = "math_difficulties"',
        'code = "restless_chaotic"',
        ["signals.toml: item 2: code 'restless_chaotic' is already used by item 1"],
    ),
    "typo in a field name": (
        "signals",
        "synonyms = {",
        "synonym = {",
        [
            "signals.toml: item 'restless_chaotic': unknown field 'synonym'"
            " (did you mean 'synonyms'?)"
        ],
    ),
    "unknown key in a nested table": (
        "signals",
        'en = "Restless and chaotic" }',
        'en = "Restless and chaotic", de = "Unruhig" }',
        ["signals.toml: item 'restless_chaotic': unknown field 'label.de'"],
    ),
    "wrong type": (
        "measures",
        "number = 1\ncategory",
        'number = "1"\ncategory',
        [
            "measures.toml: item 'sticordi_01': field 'number' must be an integer, not a string",
        ],
    ),
    "boolean where a number belongs": (
        "referrals",
        "min_age = 4",
        "min_age = true",
        ["referrals.toml: item 'emdr': field 'min_age' must be an integer, not a boolean"],
    ),
    "negative age": (
        "referrals",
        "min_age = 4",
        "min_age = -1",
        ["referrals.toml: item 'emdr': field 'min_age' must be at least 0, not -1"],
    ),
    "ages the wrong way round": (
        "referrals",
        "max_age = 18",
        "max_age = 2",
        ["referrals.toml: item 'emdr': field 'min_age' (4) is greater than 'max_age' (2)"],
    ),
    "unknown group": (
        "signals",
        'group = "behaviour"',
        'group = "behavior"',
        [
            "signals.toml: item 'restless_chaotic': field 'group' has unknown value 'behavior'"
            " (expected one of: behaviour, learning)"
        ],
    ),
    "unknown level": (
        "risk_factors",
        'level = "child"',
        'level = "kid"',
        [
            "risk_factors.toml: item 'adoption': field 'level' has unknown value 'kid'"
            " (expected one of: child, parent, environment)"
        ],
    ),
    "unknown pattern type": (
        "patterns",
        'type = "pattern"',
        'type = "style"',
        [
            "patterns.toml: item 'avoidant': field 'type' has unknown value 'style'"
            " (expected one of: pattern, type)"
        ],
    ),
    "unknown category": (
        "measures",
        'category = "stimuleren"',
        'category = "remediëren"',
        [
            "measures.toml: item 'sticordi_01': field 'category' has unknown value 'remediëren'"
            " (expected one of: stimuleren, compenseren)"
        ],
    ),
    "unknown theme": (
        "topics",
        'theme = "attachment"',
        'theme = "bonding"',
        [
            "topics.toml: item 'circle_of_security': field 'theme' has unknown value 'bonding'"
            " (expected one of: attachment)"
        ],
    ),
    "unknown classification": (
        "disorders",
        'classification = "dsm5tr"',
        'classification = "dsm5"',
        [
            "disorders.toml: item 'rad': field 'classification' has unknown value 'dsm5'"
            " (expected one of: dsm5tr, dsm4, brisch)"
        ],
    ),
    "unknown rule effect": (
        "rules",
        'effect = "heaviest"',
        'effect = "heavy"',
        [
            "rules.toml: item 'parent_risk_heaviest': field 'effect' has unknown value 'heavy'"
            " (expected one of: heaviest, can_offset, cannot_offset, indirect, indication,"
            " recommendation, consult_now, map_signals)"
        ],
    ),
    "unknown stage": (
        "referrals",
        'stage = "baby"',
        'stage = "toddler"',
        [
            "referrals.toml: item 'early_signs_baby': field 'stage' has unknown value 'toddler'"
            " (expected one of: baby)"
        ],
    ),
    "no sources": (
        "protective_factors",
        f"sources = [{SRC}]",
        "sources = []",
        [
            "protective_factors.toml: item 'wanted_child': field 'sources' is empty"
            " (every item needs at least one source)"
        ],
    ),
    "sources left out": (
        "protective_factors",
        f"sources = [{SRC}]\n",
        "",
        ["protective_factors.toml: item 'wanted_child': field 'sources' is missing"],
    ),
    "source with neither seed nor ref": (
        "protective_factors",
        f"sources = [{SRC}]",
        f'sources = [{SRC}, {{ section = "2" }}]',
        ["protective_factors.toml: item 'wanted_child': sources[1] has neither 'seed' nor 'ref'"],
    ),
    "source with both seed and ref": (
        "protective_factors",
        f"sources = [{SRC}]",
        'sources = [{ seed = "000_test.txt", ref = "Bowlby (1969)" }]',
        [
            "protective_factors.toml: item 'wanted_child': sources[0] has both 'seed' and 'ref'"
            " (give each source its own entry)"
        ],
    ),
    "seed not listed": (
        "protective_factors",
        f"sources = [{SRC}]",
        'sources = [{ seed = "009_other.txt" }]',
        [
            "protective_factors.toml: item 'wanted_child': sources[0].seed '009_other.txt'"
            " is not a seed listed in catalog.toml"
        ],
    ),
    "link to an unknown code": (
        "measures",
        'addresses = [{ code = "restless_chaotic"',
        f'addresses = [{{ code = "restless_chaotic", source = {SRC}, why = "a" }},'
        f' {{ code = "math_difficulties", source = {SRC}, why = "b" }},'
        ' { code = "foo"',
        ["measures.toml: item 'sticordi_01': addresses[2] links to unknown signal 'foo'"],
    ),
    "link without a reason": (
        "signals",
        ', why = "Listed there." }',
        " }",
        ["signals.toml: item 'restless_chaotic': field 'patterns[0].why' is missing"],
    ),
    "see_also to an unknown item": (
        "topics",
        '"signals/restless_chaotic"]',
        '"signals/restless_chaotic", "patterns/secure"]',
        [
            "topics.toml: item 'circle_of_security': see_also[2] links to unknown item"
            " 'patterns/secure'"
        ],
    ),
    "see_also to an unknown kind": (
        "topics",
        '"patterns/avoidant"',
        '"pattern/avoidant"',
        [
            "topics.toml: item 'circle_of_security': see_also[0] names unknown kind 'pattern'"
            " (did you mean 'patterns'?)"
        ],
    ),
    "see_also not a reference": (
        "topics",
        '"patterns/avoidant"',
        '"avoidant"',
        [
            "topics.toml: item 'circle_of_security': see_also[0] 'avoidant' is not of the form"
            " '<kind>/<code>'"
        ],
    ),
    "card measure without category": (
        "measures",
        'category = "stimuleren"\nredicodis = "compenseren"\ncategory_why = "It encourages."\n',
        "",
        [
            "measures.toml: item 'sticordi_01': field 'category' is missing"
            " (required for card measures)"
        ],
    ),
    "category without redicodis": (
        "measures",
        'redicodis = "compenseren"\n',
        "",
        [
            "measures.toml: item 'sticordi_01': field 'redicodis' is missing"
            " (required with 'category')"
        ],
    ),
    "category without a reason": (
        "measures",
        'category_why = "It encourages."\n',
        "",
        [
            "measures.toml: item 'sticordi_01': field 'category_why' is missing"
            " (required with 'category')"
        ],
    ),
    "card number that contradicts the code": (
        "measures",
        "number = 1\ncategory",
        "number = 2\ncategory",
        ["measures.toml: item 'sticordi_01': field 'number' is 2 but the code says 1"],
    ),
    "card code that does not fit the type": (
        "measures",
        '[[item]]\ncode = "sticordi_01"',
        '[[item]]\ncode = "sticordi_1"',
        [
            "measures.toml: item 'sticordi_1': code 'sticordi_1' does not fit type 'card'"
            " (use sticordi_01, sticordi_02, …)",
            "measures.toml: item 'tip_01': matches links to unknown measure 'sticordi_01'",
            "measures.toml: item 'attitude_warm': see_also[0] links to unknown item"
            " 'measures/sticordi_01'",
        ],
    ),
    "tip that matches another tip": (
        "measures",
        'matches = { code = "sticordi_01"',
        'matches = { code = "tip_01"',
        ["measures.toml: item 'tip_01': matches links to 'tip_01', which is not a card measure"],
    ),
    "early signs without a stage": (
        "referrals",
        'stage = "baby"\n',
        "",
        [
            "referrals.toml: item 'early_signs_baby': field 'stage' is missing"
            " (required for early signs)"
        ],
    ),
    "stage on a treatment": (
        "referrals",
        'type = "treatment"',
        'type = "treatment"\nstage = "baby"',
        ["referrals.toml: item 'emdr': field 'stage' is only for early signs"],
    ),
    "matches on a card measure": (
        "measures",
        'category_why = "It encourages."',
        'category_why = "It encourages."\n'
        f'matches = {{ code = "sticordi_01", source = {SRC}, why = "x" }}',
        ["measures.toml: item 'sticordi_01': field 'matches' is only for tips"],
    ),
    "kind that does not match the file": (
        "rules",
        'kind = "rules"',
        'kind = "rule"',
        ["rules.toml: kind = 'rule' does not match the file name (expected 'rules')"],
    ),
    "kind left out": (
        "rules",
        'kind = "rules"\n',
        "",
        ["rules.toml: top-level 'kind' is missing (expected kind = \"rules\")"],
    ),
    "items written as [[items]]": (
        "rules",
        "[[item]]",
        "[[items]]",
        ["rules.toml: unknown top-level key 'items' (did you mean 'item'?)"],
    ),
    "TOML syntax error": (
        "rules",
        'effect = "heaviest"',
        'effect = "heaviest',
        [
            "rules.toml: TOML syntax error: Illegal character '\\n' (at line 8, column 19)",
        ],
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_broken_data_gives_a_precise_message(tmp_path: Path, case: str) -> None:
    kind, old, new, expected = CASES[case]
    directory = write_data(tmp_path, **{kind: edit(KIND_FILES[kind], old, new)})
    assert problems_in(directory) == expected


def test_missing_file(tmp_path: Path) -> None:
    assert problems_in(write_data(tmp_path, topics=None)) == ["topics.toml: file is missing"]


def test_missing_file_does_not_make_every_link_to_it_a_problem(tmp_path: Path) -> None:
    assert problems_in(write_data(tmp_path, patterns=None)) == ["patterns.toml: file is missing"]


def test_missing_data_directory(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    assert problems_in(missing) == [f"{missing}: catalog data directory does not exist"]


def test_unexpected_file(tmp_path: Path) -> None:
    directory = write_data(tmp_path)
    (directory / "signal.toml").write_text('kind = "signal"\n')
    assert problems_in(directory) == [
        "signal.toml: unexpected file (the catalog reads catalog.toml and one file per kind)"
    ]


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    directory = write_data(tmp_path)
    (directory / "rules.toml").write_bytes(b'kind = "rules"\n# \xff\n')
    assert problems_in(directory) == ["rules.toml: file is not valid UTF-8 (byte 17)"]


def test_item_that_is_not_a_table(tmp_path: Path) -> None:
    directory = write_data(tmp_path, rules='kind = "rules"\nitem = [1]\n')
    assert problems_in(directory) == ["rules.toml: item 1: must be a table, not an integer"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('version = "test.1"\n', "", ["catalog.toml: field 'version' is missing"]),
        (
            'year = ""',
            "year = 2019",
            ["catalog.toml: field 'seed[0].year' must be a string, not an integer"],
        ),
        (
            # Values that use a missing vocabulary are not reported too: one cause, one message.
            '[vocabularies.stages]\nbaby = { nl = "Baby", en = "Baby" }\n',
            "",
            ["catalog.toml: field 'vocabularies.stages' is missing"],
        ),
        (
            "[vocabularies.stages]",
            "[vocabularies.stage]",
            [
                "catalog.toml: field 'vocabularies.stages' is missing",
                "catalog.toml: unknown field 'vocabularies.stage' (did you mean 'stages'?)",
            ],
        ),
        (
            'baby = { nl = "Baby", en = "Baby" }',
            'baby = { nl = "Baby" }',
            ["catalog.toml: field 'vocabularies.stages.baby.en' is missing"],
        ),
        (
            'title = "Testbron"',
            'title = "Testbron"\n\n[[seed]]\nfile = "000_test.txt"\ntitle = "Again"',
            ["catalog.toml: seed[1].file '000_test.txt' is listed twice"],
        ),
    ],
)
def test_broken_catalog_toml(tmp_path: Path, old: str, new: str, expected: list[str]) -> None:
    assert problems_in(write_data(tmp_path, catalog=edit(CATALOG, old, new))) == expected


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    directory = write_data(
        tmp_path,
        signals=edit(SIGNALS, 'group = "learning"', 'group = "leren"'),
        measures=edit(MEASURES, 'type = "attitude"', 'type = "attitude"\nnumber = 3'),
        topics=None,
    )
    assert problems_in(directory) == [
        "signals.toml: item 'math_difficulties': field 'group' has unknown value 'leren'"
        " (expected one of: behaviour, learning)",
        "measures.toml: item 'attitude_warm': field 'number' is only for card measures and tips",
        "topics.toml: file is missing",
    ]


def test_error_message_lists_every_problem(tmp_path: Path) -> None:
    directory = write_data(tmp_path, rules=None, topics=None)
    with pytest.raises(CatalogError) as caught:
        load_catalog(directory)
    assert str(caught.value) == "rules.toml: file is missing\ntopics.toml: file is missing"


# -- fuzzing: whatever the data, the loader answers with a Catalog or a CatalogError -----------

# Keys the loader knows plus a few it does not, so that fields are both hit and missed.
KEYS = ["code", "label", "description", "sources", "see_also", "group", "patterns", "seed",
        "ref", "section", "nl", "en", "why", "type", "number", "category", "matches", "kind",
        "item", "x"]  # fmt: skip
SCALARS = (
    st.text(alphabet=string.ascii_lowercase + "_/ .É", max_size=12)
    | st.sampled_from(["restless_chaotic", "avoidant", "sticordi_01", "000_test.txt", ""])
    | st.integers(-3, 40)
    | st.booleans()
    | st.floats(allow_nan=False, allow_infinity=False)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)
    ),
    max_leaves=12,
)


def _toml(value: object) -> str:
    """Just enough of a TOML writer for the generated values (inline tables and arrays)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{ " + ", ".join(f'"{k}" = {_toml(v)}' for k, v in value.items()) + " }"


def _kind_file(kind: str, items: list[dict]) -> str:
    return f'kind = "{kind}"\n' + "".join(
        "\n[[item]]\n" + "".join(f'"{k}" = {_toml(v)}\n' for k, v in item.items()) for item in items
    )


FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(field=st.sampled_from(KEYS), value=VALUES)
def test_any_field_value_gives_a_catalog_or_a_catalog_error(
    tmp_path: Path, field: str, value: object
) -> None:
    # One field of a valid signal (or a new, unknown one) takes an arbitrary value.
    items = tomllib.loads(SIGNALS)["item"]
    items[0][field] = value
    try:
        load_catalog(write_data(tmp_path / "fuzz", signals=_kind_file("signals", items)))
    except CatalogError as error:
        assert error.problems and all("\n" not in p for p in error.problems)


@FUZZ
@given(items=st.lists(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=6), max_size=3))
def test_any_items_give_a_catalog_or_a_catalog_error(tmp_path: Path, items: list[dict]) -> None:
    try:
        load_catalog(write_data(tmp_path / "fuzz", measures=_kind_file("measures", items)))
    except CatalogError as error:
        assert error.problems
