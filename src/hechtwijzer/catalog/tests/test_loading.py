"""The real catalog loads and holds everything ../shared/CATALOG.md promises.

The expected codes are written out here on purpose: they are permanent identifiers that
imports, exports and URLs depend on, so a rename or a lost item must fail a test.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .. import Catalog, Measure, Pattern, Signal, get_catalog, load_catalog, loader

# CATALOG.md §1, per group, in the Focuskaart's order.
SIGNALS = {
    "behaviour": [
        "restless_chaotic", "quick_anger", "over_adapted", "two_faces", "physically_clingy",
        "withdrawn", "superficial_contact", "tense_nervous", "manipulative",
        "attract_repel_peers", "fleeting_contacts", "distrust_adults", "authority_problems",
    ],
    "learning": [
        "math_difficulties", "cause_effect", "concentration", "low_interest",
        "variable_motivation", "fear_of_failure", "careless_materials", "planning_time",
    ],
    "inhibited": [
        "hypervigilant", "rejects_contact", "withdrawn_listless", "apathetic_no_crying",
        "plays_joyless",
    ],
    "disinhibited": [
        "indiscriminate_contact", "cannot_keep_relationships", "boundary_crossing",
        "easily_frustrated", "not_comforted", "learns_little", "egocentric", "impulsive",
    ],
}  # fmt: skip
# CATALOG.md §1, group `pattern`: at least these, each described under its pattern.
PATTERN_SIGNALS = {
    "avoidant": [
        "avoids_contact", "no_reunion_response", "object_focused", "friendly_to_strangers",
        "suppresses_fear", "pseudo_independent", "seeks_no_comfort",
    ],
    "ambivalent": [
        "claims_contact", "clings_and_angry", "hard_to_comfort", "watches_caregiver",
        "little_exploration", "strong_separation_reaction",
    ],
    "disorganised": [
        "contradictory_behaviour", "fearful_bizarre", "freezes", "approach_then_stops",
        "switches_strategy", "overwhelmed_by_emotion",
    ],
}  # fmt: skip
PATTERNS = {"pattern": ["secure", "avoidant", "ambivalent", "disorganised"]}
TYPES = ["inhibited", "disinhibited"]
DSM5TR = ["rad", "dsed"]
BRISCH = [
    "brisch_no_attachment", "brisch_undifferentiated", "brisch_exaggerated_clinging",
    "brisch_inhibited", "brisch_aggressive", "brisch_role_reversal", "brisch_psychosomatic",
]  # fmt: skip
CARD_MEASURES = [f"sticordi_{n:02}" for n in range(1, 30)]
TIPS = [f"tip_{n:02}" for n in range(1, 18)]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return get_catalog()


def codes(items: tuple) -> list[str]:
    return [item.code for item in items]


def in_order(expected: list[str], actual: list[str]) -> bool:
    """`expected` occurs in `actual` in the same order (other codes may come between)."""
    remaining = iter(actual)
    return all(code in remaining for code in expected)


def test_get_catalog_loads_once(catalog: Catalog) -> None:
    assert get_catalog() is catalog


@pytest.mark.parametrize("group", SIGNALS)
def test_signals_of_each_group_in_order(catalog: Catalog, group: str) -> None:
    actual = codes(tuple(s for s in catalog.signals if s.group == group))
    missing = [code for code in SIGNALS[group] if code not in actual]
    assert not missing, f"group {group} lacks {missing}"
    assert in_order(SIGNALS[group], actual), f"group {group} is out of order: {actual}"


@pytest.mark.parametrize("pattern", PATTERN_SIGNALS)
def test_pattern_signals_are_described_under_their_pattern(catalog: Catalog, pattern: str) -> None:
    for code in PATTERN_SIGNALS[pattern]:
        signal = catalog.by_code["signals"].get(code)
        assert isinstance(signal, Signal), f"signal {code} is missing"
        assert signal.group == "pattern", f"signal {code} is in group {signal.group}"
        assert pattern in signal.pattern_codes, f"signal {code} is not linked to {pattern}"


@pytest.mark.parametrize(
    ("group", "type_"), [("inhibited", "inhibited"), ("disinhibited", "disinhibited")]
)
def test_type_signals_are_described_under_their_type(
    catalog: Catalog, group: str, type_: str
) -> None:
    unlinked = [
        s.code for s in catalog.signals if s.group == group and type_ not in s.pattern_codes
    ]
    assert not unlinked, f"signals of group {group} not linked to {type_}: {unlinked}"


def test_patterns_and_types(catalog: Catalog) -> None:
    by_type = {
        t: codes(tuple(p for p in catalog.patterns if p.type == t)) for t in ("pattern", "type")
    }
    assert in_order(PATTERNS["pattern"], by_type["pattern"]), by_type
    assert set(PATTERNS["pattern"]) <= set(by_type["pattern"])
    assert set(TYPES) <= set(by_type["type"]), by_type
    ambivalent = catalog.get("patterns", "ambivalent")
    assert isinstance(ambivalent, Pattern)
    other_names = " ".join(ambivalent.also_called.nl).lower()
    assert "resistent" in other_names and "afwerend" in other_names
    for code in TYPES:  # inhibited looks like autism, disinhibited like ADHD: say so
        pattern = catalog.get("patterns", code)
        assert isinstance(pattern, Pattern) and pattern.cautions, f"{code} has no cautions"


def test_disorders(catalog: Catalog) -> None:
    by_class = {
        c: codes(tuple(d for d in catalog.disorders if d.classification == c))  # type: ignore[attr-defined]
        for c in ("dsm5tr", "dsm4", "brisch")
    }
    assert set(DSM5TR) <= set(by_class["dsm5tr"]), by_class
    assert by_class["dsm4"], "the outdated DSM-IV subtypes are missing"
    assert in_order(BRISCH, by_class["brisch"]) and set(BRISCH) <= set(by_class["brisch"]), by_class


@pytest.mark.parametrize("kind", ["risk_factors", "protective_factors"])
def test_factor_levels(catalog: Catalog, kind: str) -> None:
    levels = {item.level for item in catalog.items(kind)}  # type: ignore[attr-defined]
    expected = {"child", "parent", "environment"} if kind == "risk_factors" else set()
    assert catalog.items(kind), f"no {kind}"
    assert expected <= levels, f"{kind} levels present: {sorted(levels)}"


def test_rules_cover_every_effect(catalog: Catalog) -> None:
    effects = {rule.effect for rule in catalog.rules}
    assert effects >= {"heaviest", "can_offset", "cannot_offset", "indirect"}, effects


def test_focus_card_measures_and_tips_in_order(catalog: Catalog) -> None:
    cards = [m for m in catalog.measures if m.type == "card"]
    assert codes(tuple(cards)) == CARD_MEASURES
    assert [m.number for m in cards] == list(range(1, 30))
    assert all(m.category and m.redicodis for m in cards)
    tips = [m for m in catalog.measures if m.type == "tip"]
    assert codes(tuple(tips)) == TIPS
    assert any(m.type == "attitude" for m in catalog.measures), "no teacher-attitude principles"


def test_tips_are_numbered_apart_from_the_card(catalog: Catalog) -> None:
    """Card measure 7 and tip 7 are different measures: a tip's number never stands bare."""
    labels = {m.code: m.number_label for m in catalog.measures}
    assert labels["sticordi_07"] == "7" and labels["tip_07"] == "T7"
    assert [labels[f"tip_{n:02}"] for n in range(1, 18)] == [f"T{n}" for n in range(1, 18)]
    assert labels["attitude_warm_neutral"] == ""
    shown = [label for label in labels.values() if label]
    assert len(shown) == len(set(shown)) == 29 + 17


def test_every_card_measure_and_tip_has_one_line_of_how_to(catalog: Catalog) -> None:
    for measure in catalog.measures:
        if measure.type == "attitude":
            continue
        for lang in ("nl", "en"):
            line = measure.how_to_line.get(lang)
            assert 20 <= len(line) <= 240 and "\n" not in line, (measure.code, lang, line)
            assert line[-1] in ".?!'’)", (measure.code, lang, line)
    # The first sentence, with a quotation closed where the sentence ends inside it.
    welcome = catalog.get("measures", "sticordi_03").how_to_line.nl
    assert welcome.startswith("Ontvang de leerling") and welcome.endswith("weer bent.'")
    # Where the description opens with an observation, the data gives the instruction.
    assert catalog.get("measures", "sticordi_22").how_to_line.en.startswith("Cut the work")


def test_early_signs_for_every_stage(catalog: Catalog) -> None:
    stages = {r.stage for r in catalog.referrals if r.type == "early_signs"}
    assert stages >= {"pregnancy", "baby", "child", "adult"}, stages


def test_topics_exist(catalog: Catalog) -> None:
    assert catalog.topics


def test_every_item_has_both_languages_and_a_source(catalog: Catalog) -> None:
    for item in catalog.all_items():
        for text in (item.label, item.description):
            assert text.nl.strip() and text.en.strip(), item.ref
        assert item.sources, item.ref
        for field, value in item.texts():
            assert value.strip(), f"{item.ref} {field} is empty"


def test_every_link_resolves(catalog: Catalog) -> None:
    for item in catalog.all_items():
        for field, kind, code in item.links():
            assert code in catalog.by_code[kind], f"{item.ref} {field} -> {kind}/{code}"
        if isinstance(item, Measure) and item.matches:
            assert catalog.get("measures", item.matches.code).type == "card"  # type: ignore[attr-defined]


def test_reverse_links(catalog: Catalog) -> None:
    for signal in catalog.signals:
        for code in signal.pattern_codes:
            assert signal in catalog.signals_for_pattern(code)
    for measure in catalog.measures:
        for code in measure.signal_codes:
            assert measure in catalog.measures_for_signal(code)


def test_every_source_seed_is_listed(catalog: Catalog) -> None:
    for item in catalog.all_items():
        for source in item.sources:
            if source.seed:
                catalog.seed(source.seed)


def test_load_catalog_reads_the_package_data_by_default(catalog: Catalog) -> None:
    fresh = load_catalog()
    assert fresh is not catalog and fresh.version == catalog.version
    assert codes(fresh.signals) == codes(catalog.signals)


def test_catalog_does_not_import_django() -> None:
    # The engine and command line use the catalog without Django; keep it that way.
    package = loader.__package__ or ""
    root = Path(loader.__file__).resolve().parents[package.count(".") + 1]
    modules = ", ".join(f"{package}.{m}" for m in ("loader", "export", "cli", "paraphrase"))
    code = (
        f"import sys; sys.path.insert(0, {str(root)!r}); import {modules}; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
