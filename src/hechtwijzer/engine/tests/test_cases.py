"""Short case descriptions written from the sources, run against the real catalog.

Seeds: 000 (wij-leren.nl, Kerpel), 002 (Verdult), 003 (Focuskaart), 004 (hechting in de klas).
Each test's docstring is the case; the assertions are what the care team should be shown.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hechtwijzer.catalog import Source, get_catalog

from ..output import profile_to_json
from ..profile import (
    PATTERN_INDICATION,
    PATTERN_SIGNALS,
    RISK_FACTORS,
    Observation,
    Profile,
    Thresholds,
    build_profile,
    safeguarding_signals,
)
from .helpers import day, obs, tiny_catalog

CATALOG = get_catalog()
SEED_003_TYPES = Source(
    seed="003_b814f3f481a7acf9.txt", section="1.3. Geremde of ongeremde hechting"
)


def profile(*observations: Observation, as_of: date | None = None, **kwargs) -> Profile:
    as_of = as_of or max((o.date for o in observations), default=day(0))
    return build_profile(observations, catalog=CATALOG, as_of=as_of, **kwargs)


def caution_codes(profile: Profile, pattern: str) -> list[str]:
    (match,) = (m for m in profile.indications if m.code == pattern)
    return [c.code for c in match.cautions]


def test_disinhibited_features_over_three_weeks() -> None:
    """Seed 003 §1.3 lists the disinhibited type: seeks a lot of contact (everybody's friend),
    cannot keep relationships, crosses boundaries, quickly frustrated, will not be comforted,
    learns little from experience, egocentric. Over three weeks a teacher logs most of these,
    some more than once."""
    result = profile(
        obs(0, "indiscriminate_contact", "boundary_crossing"),
        obs(2, "easily_frustrated", "not_comforted"),
        obs(8, "boundary_crossing", "learns_little"),
        obs(15, "egocentric", "cannot_keep_relationships", "indiscriminate_contact"),
    )
    assert not result.insufficient_data
    first = result.indications[0]
    assert first.code == "disinhibited"
    assert len(first.matched) == 7 and first.days == 4
    assert "boundary_crossing" in first.matched
    codes = caution_codes(result, "disinhibited")
    assert codes[0] == "rule_out_adhd"  # the seed's own caution comes first
    assert {"rule_out_trauma", "not_a_disorder"} <= set(codes)
    assert SEED_003_TYPES in first.sources
    # `not_comforted` is also described under the ambivalent pattern, but one signal is no picture.
    assert [m.code for m in result.indications] == ["disinhibited"]


def test_inhibited_features() -> None:
    """Seed 003 §1.3 lists the inhibited type: overly watchful, rejects social contact,
    withdrawn and listless, apathetic and does not cry, plays along without joy; it resembles
    autism, which must be ruled out first. A teacher notes these over two weeks."""
    result = profile(
        obs(0, "hypervigilant", "rejects_contact"),
        obs(3, "withdrawn_listless", "plays_joyless"),
        obs(10, "apathetic_no_crying", "hypervigilant"),
    )
    assert result.indications[0].code == "inhibited"
    codes = caution_codes(result, "inhibited")
    assert codes[0] == "rule_out_autism"
    # Practice adds other explanations for withdrawn behaviour: hearing or language, trauma.
    assert {"rule_out_hearing_language", "rule_out_trauma", "not_a_disorder"} <= set(codes)


@pytest.mark.parametrize("pattern", ["avoidant", "ambivalent", "disorganised"])
def test_insecure_patterns_carry_not_a_disorder(pattern: str) -> None:
    """Seed 000: insecure attachment is common and is not a disorder. Whatever insecure pattern
    is indicated, that caution comes with it."""
    signals = [s.code for s in CATALOG.signals_for_pattern(pattern)][:3]
    result = profile(obs(0, *signals[:2]), obs(1, signals[2]))
    assert "not_a_disorder" in caution_codes(result, pattern)


def test_one_signal_once_is_insufficient_data() -> None:
    """A teacher notices once that a pupil crosses a boundary. That says nothing yet."""
    result = profile(obs(0, "boundary_crossing"))
    assert result.insufficient_data and result.indications == ()
    assert [(s.code, s.count, s.days) for s in result.signals] == [("boundary_crossing", 1, 1)]
    assert all(not m.meets_thresholds for m in result.matches)
    assert not result.safeguarding.show


def test_many_signals_on_one_day_is_insufficient_data() -> None:
    """One turbulent afternoon with four disinhibited features: not yet a picture (two days are
    needed), unless the care team lowers that threshold."""
    afternoon = obs(0, "indiscriminate_contact", "boundary_crossing", "impulsive", "egocentric")
    assert profile(afternoon).insufficient_data
    assert not profile(afternoon, thresholds=Thresholds(min_days=1)).insufficient_data


def test_one_signal_often_is_insufficient_data() -> None:
    """A pupil is restless and chaotic every day for two weeks: one signal, however often, does
    not make an indication."""
    result = profile(*(obs(n, "restless_chaotic") for n in range(14)))
    assert result.insufficient_data
    assert result.signals[0].count == 14


def test_no_observations() -> None:
    result = profile(as_of=day(0))
    assert result.insufficient_data
    assert (result.signals, result.recommended_measures, result.safeguarding.show) == (
        (),
        (),
        False,
    )


def test_signals_outside_the_window_are_ignored() -> None:
    """Features logged last school year, or after the date the profile is made for, do not count."""
    as_of = day(100)
    old = [obs(100 - 56, "indiscriminate_contact", "boundary_crossing"), obs(30, "impulsive")]
    later = [obs(101, "egocentric", "freezes")]
    recent = [obs(100 - 55, "learns_little"), obs(100, "easily_frustrated")]
    result = profile(*old, *later, *recent, as_of=as_of)
    assert (result.window.start, result.window.end) == (day(45), as_of)
    assert [s.code for s in result.signals] == ["easily_frustrated", "learns_little"]
    assert (result.observations, result.outside_window) == (2, 3)
    assert result.insufficient_data and not result.safeguarding.show
    wider = profile(*old, *recent, as_of=as_of, window_weeks=12)
    assert wider.indications[0].code == "disinhibited"


def test_disorganised_feature_once_switches_on_safeguarding() -> None:
    """Seed 003, "Gedesorganiseerd gehecht": the child crawls towards its carer and suddenly
    changes its mind; at a goodbye it may suddenly go still. A teacher sees the pupil freeze
    when its father comes to pick it up. Seed 004: about 80 % of children growing up with
    maltreatment or domestic violence show this pattern. Too little for an indication, but the
    care coordinator is shown the safeguarding route straight away, with the reason."""
    result = profile(obs(0, "freezes"))
    assert result.insufficient_data
    assert result.safeguarding.show
    (reason,) = result.safeguarding.reasons
    assert (reason.code, reason.pattern, reason.signals) == (
        PATTERN_SIGNALS,
        "disorganised",
        ("freezes",),
    )


def test_specific_disorganised_features_are_the_pattern_group_only() -> None:
    specific = safeguarding_signals(CATALOG)["disorganised"]
    assert {"freezes", "fears_caregiver", "approach_then_stops"} <= set(specific)
    assert "restless_chaotic" not in specific  # a broad classroom signal, also disinhibited
    for code in specific:
        signal = CATALOG.get("signals", code)
        assert signal.group == "pattern" and signal.pattern_codes == ("disorganised",)


def test_broad_signals_alone_do_not_switch_on_safeguarding() -> None:
    """Restlessness and contradictory behaviour are also described under other patterns
    (disinhibited, ambivalent): on their own they are no reason for the safeguarding route."""
    result = profile(*(obs(n, "restless_chaotic", "contradictory_behaviour") for n in range(5)))
    assert not result.safeguarding.show


def test_disorganised_indication_switches_on_safeguarding() -> None:
    """Contradictory, chaotic behaviour and a pupil that freezes, on several days: the
    disorganised indication is shown, always together with the safeguarding route."""
    result = profile(
        obs(0, "contradictory_behaviour", "restless_chaotic"), obs(4, "freezes", "restless_chaotic")
    )
    assert "disorganised" in [m.code for m in result.indications]
    assert "safeguarding" in caution_codes(result, "disorganised")
    codes = [(r.code, r.pattern) for r in result.safeguarding.reasons]
    assert codes == [(PATTERN_SIGNALS, "disorganised"), (PATTERN_INDICATION, "disorganised")]


def test_safeguarding_risk_factor_alone_switches_on_safeguarding() -> None:
    """The care coordinator records that there is violence between the parents (seed 002 lists
    it as a parent-level risk factor). Nothing has been observed in class yet."""
    result = profile(as_of=day(0), risk_factors=["domestic_violence", "poverty"])
    assert result.insufficient_data
    (reason,) = result.safeguarding.reasons
    assert (reason.code, reason.risk_factors) == (RISK_FACTORS, ("domestic_violence",))


def test_ordinary_risk_factors_do_not_switch_on_safeguarding() -> None:
    result = profile(as_of=day(0), risk_factors=["adoption", "poverty", "teenage_mother"])
    assert not result.safeguarding.show


def test_measures_follow_the_observed_signals() -> None:
    """A pupil is quickly angry and has trouble accepting authority. The focus card's measures
    that answer both come first, each naming the signals it answers."""
    result = profile(obs(0, "quick_anger", "authority_problems"), obs(1, "quick_anger"))
    measures = result.recommended_measures
    both = {"quick_anger", "authority_problems"}
    answering_both = {
        m.code for m in CATALOG.measures if m.type == "card" and both <= set(m.signal_codes)
    }
    assert answering_both  # the card has such measures (e.g. sticordi_10)
    assert {m.code for m in measures[: len(answering_both)]} >= answering_both
    for measure in measures:
        item = CATALOG.get("measures", measure.code)
        assert item.type in ("card", "tip")
        assert set(measure.addresses) == both & set(item.signal_codes)
    coverage = [len(m.addresses) for m in measures]
    assert coverage == sorted(coverage, reverse=True)


def test_measure_order_and_duplicate_tips() -> None:
    """Coverage first, then how often the answered signals were seen, then the card's order; a
    tip that repeats a recommended card measure is left out; attitudes are listed apart."""
    catalog = tiny_catalog()
    result = build_profile(
        [obs(0, "a", "b"), obs(1, "a")], catalog=catalog, as_of=day(1), window_weeks=1
    )
    assert [(m.code, m.addresses) for m in result.recommended_measures] == [
        ("card_2", ("a", "b")),  # two signals
        ("card_4", ("a",)),  # one signal seen twice, card order
        ("tip_2", ("a",)),  # same, a tip comes after the cards
        ("card_3", ("b",)),  # one signal seen once
    ]
    assert [a.code for a in result.attitudes] == ["attitude_calm"]
    only_c = build_profile([obs(0, "c")], catalog=catalog, as_of=day(0))
    # card_2 does not answer c, so the tip duplicating it is worth showing.
    assert [m.code for m in only_c.recommended_measures] == ["card_1", "card_3", "tip_1"]


def test_secure_is_never_an_indication() -> None:
    catalog = tiny_catalog()
    result = build_profile(
        [obs(0, "a", "c"), obs(1, "b", "c")],
        catalog=catalog,
        as_of=day(1),
        thresholds=Thresholds(1, 1),
    )
    assert [m.code for m in result.matches] == ["worry"]
    assert "secure" not in [m.code for m in result.indications]


def test_indications_strongest_first() -> None:
    """More distinct signals first; with equal signals, more days; then more observations."""
    catalog = tiny_catalog()
    result = build_profile(
        [obs(0, "a", "b", "d", "f"), obs(1, "a", "d")],
        catalog=catalog,
        as_of=day(1),
        thresholds=Thresholds(2, 1),
    )
    assert [m.code for m in result.indications] == ["worry", "danger"]  # equal: 2 signals, 2 days
    assert [m.count for m in result.indications] == [3, 3]  # and count; then catalog order
    result = build_profile(
        [obs(0, "a", "b"), obs(1, "d", "f"), obs(2, "d")],
        catalog=catalog,
        as_of=day(2),
        thresholds=Thresholds(2, 1),
    )
    assert [m.code for m in result.indications] == ["danger", "worry"]  # 2 days beat 1


def test_indication_sources_are_pattern_and_link_sources() -> None:
    catalog = tiny_catalog()
    result = build_profile(
        [obs(0, "a", "e"), obs(1, "b")], catalog=catalog, as_of=day(1), thresholds=Thresholds()
    )
    (worry,) = result.indications
    sections = [s.section for s in worry.sources]
    assert sections == ["1. Kop", "worry"]  # the pattern's own, then the links', deduplicated


def test_emotional_age_of_a_nine_year_old() -> None:
    """Seeds 000 and 003: address a child with attachment problems emotionally and relationally
    at about a third of its age. A pupil of 9 is addressed, at such moments, as a child of 3."""
    result = profile(obs(0, "withdrawn"), birth_date=day(0) - timedelta(days=9 * 365 + 10))
    assert result.age == 9
    advice = result.emotional_age
    assert advice is not None and advice.years == 3
    assert advice.advice == "attitude_emotional_age_third"
    assert advice.sources == CATALOG.get("measures", "attitude_emotional_age_third").sources


@pytest.mark.parametrize(
    ("birth", "as_of", "age", "years"),
    [
        (date(2014, 5, 10), date(2026, 5, 10), 12, 4),  # seed 000: a 12-year-old as a 4-year-old
        (date(2014, 5, 10), date(2026, 5, 9), 11, 4),
        (date(2016, 2, 29), date(2026, 2, 28), 9, 3),
        (date(2016, 2, 29), date(2026, 3, 1), 10, 3),
        (date(2020, 9, 1), date(2026, 9, 1), 6, 2),
    ],
)
def test_age_in_whole_years(birth: date, as_of: date, age: int, years: int) -> None:
    result = profile(as_of=as_of, birth_date=birth)
    assert (result.age, result.emotional_age.years) == (age, years)


def test_no_birth_date_no_age() -> None:
    result = profile(obs(0, "withdrawn"))
    assert (result.age, result.emotional_age) == (None, None)


def test_one_profile_per_informant() -> None:
    """Two adults log the same pupil; each can get a profile of their own observations."""
    result = profile(
        obs(0, "withdrawn", informant="juf Anna"),
        obs(1, "withdrawn", "tense_nervous", informant="meester Bas"),
        informant="juf Anna",
    )
    assert [(s.code, s.count) for s in result.signals] == [("withdrawn", 1)]
    assert result.outside_window == 0 and result.observations == 1


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="unknown signal 'nope'"):
        profile(obs(0, "nope"))
    with pytest.raises(ValueError, match="before birth_date"):
        profile(as_of=date(2020, 1, 1), birth_date=date(2021, 1, 1))
    with pytest.raises(ValueError, match="window_weeks"):
        profile(as_of=day(0), window_weeks=0)
    with pytest.raises(ValueError, match="min_days"):
        Thresholds(min_days=0)


def test_output_has_the_design_keys() -> None:
    data = profile_to_json(profile(obs(0, "withdrawn"), obs(1, "hypervigilant", "rejects_contact")))
    assert {"signals", "indications", "safeguarding", "insufficient_data"} <= set(data)
    assert "recommended_measures" in data
    assert data["signals"][0] == {"code": "withdrawn", "count": 1, "days": 1}
    assert set(data["indications"][0]) >= {"code", "matched", "sources", "cautions"}
    assert set(data["safeguarding"]) == {"show", "reasons"}
