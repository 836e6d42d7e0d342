"""The risk overview, one case per weighting rule of seed 002 ("Risico- en beschermingsfactoren",
after Rigter 2002 and Van IJzendoorn 1994), run against the real catalog."""

from __future__ import annotations

import pytest

from hechtwijzer.catalog import WEIGHING_EFFECTS, get_catalog

from ..risk import RiskOverview, RuleStatement, assess_risk

CATALOG = get_catalog()


def assess(risks: list[str], protections: list[str] = ()) -> RiskOverview:
    return assess_risk(risks, protections, catalog=CATALOG)


def test_parent_risk_weighs_heaviest() -> None:
    """A mother with psychological problems and an insecure attachment of her own, a pupil who
    was born early: what goes on with the parents weighs most (Van IJzendoorn, 1994)."""
    overview = assess(
        ["premature_birth", "parent_mental_health_problems", "parent_own_insecure_attachment"]
    )
    assert overview.statements[0] == RuleStatement(
        rule="parent_risk_weighs_heaviest",
        effect="heaviest",
        risk_factors=("parent_own_insecure_attachment", "parent_mental_health_problems"),
    )


def test_parent_protection_can_offset_child_risk_under_its_condition() -> None:
    """An adopted child with parents who are available and sensitive: the parents can make up
    for the child's risk, but only if they see the attachment problem and then really offer a
    secure bond. The engine cannot judge that condition; it says the offset is conditional."""
    overview = assess(["adoption"], ["available_parents", "sensitive_responsive_parents"])
    (statement,) = overview.statements
    assert statement == RuleStatement(
        rule="parent_protection_offsets_child_risk",
        effect="can_offset",
        risk_factors=("adoption",),
        protective_factors=("available_parents", "sensitive_responsive_parents"),
        conditional=True,
    )
    assert "only if the parents see" in overview.summary


def test_child_risk_without_parent_protection() -> None:
    """A child risk factor and nothing at parent level that could make up for it: the same rule
    explains it, with no protective factors."""
    (statement,) = assess(["foster_care"], ["wanted_child"]).statements
    assert (statement.rule, statement.protective_factors) == (
        "parent_protection_offsets_child_risk",
        (),
    )


def test_child_protection_cannot_offset_parent_risk() -> None:
    """A wanted, breastfed child does not escape the risks that lie with its parents
    (Rigter, 2002)."""
    overview = assess(["parent_unresolved_trauma"], ["wanted_child", "breastfeeding"])
    assert [s.rule for s in overview.statements] == [
        "parent_risk_weighs_heaviest",
        "child_protection_cannot_offset_parent_risk",
    ]
    assert overview.statements[1].protective_factors == ("wanted_child", "breastfeeding")


def test_parent_protection_is_not_said_to_offset_parent_risk() -> None:
    """The sources say nothing about parent protection against parent risk; neither does the
    engine."""
    overview = assess(["parent_unresolved_grief"], ["available_parents"])
    assert [s.rule for s in overview.statements] == ["parent_risk_weighs_heaviest"]


def test_environment_risk_acts_through_the_parents() -> None:
    """Poverty and a recent flight from the homeland work mostly indirectly, through how the
    parents cope."""
    (statement,) = assess(["flight_from_homeland", "poverty"]).statements
    assert (statement.rule, statement.effect) == ("environment_risk_indirect", "indirect")
    assert statement.risk_factors == ("poverty", "flight_from_homeland")  # catalog order


def test_nothing_recorded() -> None:
    overview = assess([])
    assert (overview.statements, overview.safeguarding) == ((), ())
    assert overview.summary == "No risk or protective factors recorded."
    assert assess([], ["stable_environment"]).statements == ()


def test_safeguarding_factors() -> None:
    overview = assess(["child_neglect", "adoption", "child_abuse"])
    assert overview.safeguarding == ("child_neglect", "child_abuse")


def test_order_and_duplicates_do_not_matter() -> None:
    a = assess(["poverty", "adoption", "teenage_mother"], ["wanted_child", "available_parents"])
    b = assess(
        ["teenage_mother", "adoption", "poverty", "adoption"], ["available_parents", "wanted_child"]
    )
    assert a == b


def test_every_rule_in_the_catalog_can_apply() -> None:
    everything = assess(
        [f.code for f in CATALOG.risk_factors], [f.code for f in CATALOG.protective_factors]
    )
    weighing = [r.code for r in CATALOG.rules if r.effect in WEIGHING_EFFECTS]
    assert weighing and [s.rule for s in everything.statements] == weighing


def test_the_summary_never_says_has() -> None:
    everything = assess(
        [f.code for f in CATALOG.risk_factors], [f.code for f in CATALOG.protective_factors]
    )
    assert " has " not in everything.summary


def test_unknown_codes() -> None:
    with pytest.raises(ValueError, match="unknown risk factor 'nope'"):
        assess(["nope"])
    with pytest.raises(ValueError, match="unknown protective factor 'adoption'"):
        assess([], ["adoption"])
