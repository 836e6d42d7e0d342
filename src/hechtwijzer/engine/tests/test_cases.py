"""Short case descriptions (vignettes) written from the sources, run against the real catalog.

Seeds: 000 (wij-leren.nl, Kerpel), 001 (Sterk Huis), 002 (Verdult), 003 (Focuskaart), 004
(Horeweg). Each test's docstring is the case; the assertions are what the care team should be
shown. The rules and their numbers are the catalog's (rules.toml, docs/safeguarding.md).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hechtwijzer.catalog import Source, get_catalog

from .. import rules
from ..output import profile_to_json
from ..profile import Observation, Profile, Thresholds, build_profile
from ..rules import CONSULT_NOW, MAP_SIGNALS
from .helpers import day, obs, tiny_catalog

CATALOG = get_catalog()
SEED_003_TYPES = Source(
    seed="003_b814f3f481a7acf9.txt", section="1.3. Geremde of ongeremde hechting"
)
# A nine-year-old on START (the helpers' first school day).
NINE = day(0) - timedelta(days=9 * 365 + 10)


def profile(*observations: Observation, as_of: date | None = None, **kwargs) -> Profile:
    as_of = as_of or max((o.date for o in observations), default=day(0))
    return build_profile(observations, catalog=CATALOG, as_of=as_of, **kwargs)


def caution_codes(profile: Profile, pattern: str) -> list[str]:
    (match,) = (m for m in profile.indications if m.code == pattern)
    return [c.code for c in match.cautions]


def reasons(profile: Profile) -> list[tuple[str, str]]:
    return [(r.code, r.level) for r in profile.safeguarding.reasons]


# --- indications need persistence --------------------------------------------------------------


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
    assert len(first.matched) == 7 and first.days == 4 and first.span_days == 15
    assert "not_comforted" not in first.specific  # also described under ambivalent
    codes = caution_codes(result, "disinhibited")
    assert codes[0] == "rule_out_adhd"  # the seed's own caution comes first
    assert {"rule_out_trauma", "not_a_disorder"} <= set(codes)
    assert SEED_003_TYPES in first.sources
    # `not_comforted` is also described under the ambivalent pattern, but one signal is no picture.
    assert [m.code for m in result.indications] == ["disinhibited"]
    # Three weeks is not the four a persistent type picture needs: no safeguarding level.
    assert result.safeguarding.level is None


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
    tied = sorted(rules.specific_signals(CATALOG)[pattern])[:3]
    result = profile(obs(0, tied[0]), obs(5, tied[1]), obs(12, tied[2]))
    assert "not_a_disorder" in caution_codes(result, pattern)


def test_three_general_signals_once_each_are_no_picture() -> None:
    """A pupil is quick to anger one day, pushes a friend away after claiming her the next
    week, and distrusts a supply teacher the week after. Seeds 000 and 003 list these as
    classroom signals of attachment problems in general; no source describes them under a
    pattern (the ambivalent and avoidant descriptions are about the child's own caregiver)."""
    result = profile(
        obs(0, "quick_anger"), obs(7, "attract_repel_peers"), obs(14, "distrust_adults")
    )
    assert result.matches == () and result.indications == ()
    assert not result.insufficient_data  # three days over two weeks: enough to say "nothing"


def test_general_signals_alone_cannot_carry_a_picture() -> None:
    """Clingy, contradictory and not comforted, each on a different day over two weeks: all
    three are described under ambivalent attachment, but each also under another pattern or as
    a general classroom signal. Without one feature the sources tie to ambivalence alone there
    is no indication; one such feature (claiming contact) makes it one."""
    general = [
        obs(0, "physically_clingy"),
        obs(6, "contradictory_behaviour"),
        obs(13, "not_comforted"),
    ]
    result = profile(*general)
    (match,) = (m for m in result.matches if m.code == "ambivalent")
    assert len(match.matched) == 3 and match.specific == () and not match.meets_thresholds
    assert result.indications == ()
    with_tied = profile(*general, obs(13, "claims_contact"))
    assert [m.code for m in with_tied.indications] == ["ambivalent"]


def test_one_busy_week_is_no_picture() -> None:
    """Three features tied to ambivalent attachment, seen on three days of one week: the same
    features spread over two school weeks are an indication."""
    week = profile(
        obs(0, "claims_contact"), obs(2, "clings_and_angry"), obs(4, "strong_separation_reaction")
    )
    assert week.indications == () and week.insufficient_data
    spread = profile(
        obs(0, "claims_contact"), obs(4, "clings_and_angry"), obs(10, "strong_separation_reaction")
    )
    assert [m.code for m in spread.indications] == ["ambivalent"]


def test_one_signal_once_is_insufficient_data() -> None:
    """A teacher notices once that a pupil crosses a boundary. That says nothing yet."""
    result = profile(obs(0, "boundary_crossing"))
    assert result.insufficient_data and result.indications == ()
    assert [(s.code, s.count, s.days) for s in result.signals] == [("boundary_crossing", 1, 1)]
    assert all(not m.meets_thresholds for m in result.matches)
    assert result.safeguarding.level is None


def test_many_signals_on_one_day_is_insufficient_data() -> None:
    """One turbulent afternoon with four disinhibited features: not yet a picture, unless the
    care team lowers the thresholds."""
    afternoon = obs(0, "indiscriminate_contact", "boundary_crossing", "impulsive", "egocentric")
    assert profile(afternoon).insufficient_data
    lowered = profile(afternoon, thresholds=Thresholds(min_days=1, min_span_days=0))
    assert not lowered.insufficient_data
    assert [m.code for m in lowered.indications] == ["disinhibited"]


def test_one_signal_often_resembles_nothing() -> None:
    """A pupil is restless and chaotic every day for two weeks: plenty observed, but one signal,
    however often, does not make an indication. The profile says that plainly rather than
    "too little observed"."""
    result = profile(*(obs(n, "restless_chaotic") for n in range(14)))
    assert not result.insufficient_data and result.indications == ()
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
    later = [obs(101, "egocentric", "fears_caregiver")]
    recent = [obs(100 - 55, "learns_little"), obs(100, "easily_frustrated")]
    result = profile(*old, *later, *recent, as_of=as_of)
    assert (result.window.start, result.window.end) == (day(45), as_of)
    assert [s.code for s in result.signals] == ["easily_frustrated", "learns_little"]
    assert (result.observations, result.outside_window) == (2, 3)
    assert result.insufficient_data and not result.safeguarding.show
    wider = profile(*old, *recent, as_of=as_of, window_weeks=12)
    assert wider.indications[0].code == "disinhibited"


# --- safeguarding: consult today ---------------------------------------------------------------


def test_a_child_afraid_of_its_parent_means_consult_today() -> None:
    """Seeds 000 and 003: for the disorganised child the caregiver is a source of fear as well
    as protection; seed 004: at reunion these children seem afraid of the person. A teacher sees
    a pupil go stiff and look away when her father comes to the gate. Once is enough."""
    result = profile(obs(0, "fears_caregiver", informant="group_teacher"))
    assert result.insufficient_data and result.indications == ()
    assert result.safeguarding.level == CONSULT_NOW
    (reason,) = result.safeguarding.reasons
    assert (reason.code, reason.signals, reason.informants) == (
        rules.CONSULT_NOW_SIGNALS,
        ("fears_caregiver",),
        ("group_teacher",),
    )
    assert (reason.days, reason.first, reason.last) == (1, day(0), day(0))


@pytest.mark.parametrize(
    "signal", ["discloses_harm", "unexplained_injury", "signs_of_neglect", "afraid_to_go_home"]
)
@pytest.mark.parametrize("informant", [None, "group_teacher", "parent", "pupil"])
def test_a_direct_safety_signal_from_anyone_means_consult_today(signal, informant) -> None:
    """A pupil tells the teacher that her stepfather hits her; a mother tells the intern
    begeleider her son is afraid to go home; a child comes in hungry with unsuitable clothes.
    The Meldcode's first step is to record it factually; the route starts that day, also when
    the report comes from a parent or the pupil."""
    result = profile(obs(0, signal, informant=informant))
    assert result.safeguarding.level == CONSULT_NOW
    assert reasons(result) == [(rules.CONSULT_NOW_SIGNALS, CONSULT_NOW)]
    if informant in ("parent", "pupil"):
        # A report is shown beside the school's observations, never counted into its picture.
        assert result.signals == () and (result.observations, result.reports) == (0, 1)


def test_a_recorded_safeguarding_factor_means_consult_today() -> None:
    """The care coordinator records domestic violence in the child's family (seed 004: 80 % of
    children growing up with it show disorganised attachment). Nothing observed in class yet."""
    result = profile(as_of=day(0), risk_factors=["domestic_violence", "poverty"])
    assert result.insufficient_data
    (reason,) = result.safeguarding.reasons
    assert (reason.code, reason.level, reason.risk_factors) == (
        rules.CONSULT_NOW_RISK_FACTORS,
        CONSULT_NOW,
        ("domestic_violence",),
    )


def test_a_parents_own_history_is_no_safeguarding_reason() -> None:
    """A parent was neglected as a child (seeds 000, 001, 002: a risk of passing on insecure
    attachment). That is no sign that this child is unsafe now."""
    result = profile(
        as_of=day(0), risk_factors=["parent_own_neglect_abuse", "adoption", "teenage_mother"]
    )
    assert result.safeguarding.level is None


# --- safeguarding: never from one moment -------------------------------------------------------


@pytest.mark.parametrize("signal", rules.watch_signals(CATALOG))
def test_one_moment_of_a_non_specific_signal_is_only_watched(signal: str) -> None:
    """One meltdown, one freeze during a fire drill, a shy new infant hesitating at the door:
    each is described under disorganised attachment (or hypervigilance under the inhibited
    type), but one moment says nothing about a child's safety. It goes on the care
    coordinator's "keep an eye on" list, with no level."""
    result = profile(obs(0, signal))
    assert result.safeguarding.level is None
    assert [(w.code, w.count, w.days, w.last) for w in result.safeguarding.watch] == [
        (signal, 1, 1, day(0))
    ]


def test_three_such_signals_on_one_afternoon_set_no_level() -> None:
    afternoon = obs(0, "freezes", "overwhelmed_by_emotion", "switches_strategy", "hypervigilant")
    result = profile(afternoon)
    assert result.safeguarding.level is None
    assert {w.code for w in result.safeguarding.watch} == {
        "freezes",
        "overwhelmed_by_emotion",
        "switches_strategy",
        "hypervigilant",
    }


def test_a_watched_signal_in_a_shown_picture_is_not_listed_again() -> None:
    """The inhibited type's watchfulness is part of the picture the page already shows, with
    its cautions; it is not a separate "keep an eye on" item."""
    result = profile(*inhibited_weeks(3))
    assert [m.code for m in result.indications] == ["inhibited"]
    assert result.safeguarding.level is None and result.safeguarding.watch == ()


def test_broad_signals_never_map_signals() -> None:
    """Restlessness and contradictory behaviour are also described under other patterns
    (disinhibited, ambivalent): however often, they are no reason for the safeguarding route."""
    result = profile(*(obs(n, "restless_chaotic", "contradictory_behaviour") for n in range(20)))
    assert result.safeguarding.level is None and result.safeguarding.watch == ()


# --- safeguarding: map the signals --------------------------------------------------------------


def test_recurring_disorganised_features_map_the_signals() -> None:
    """Seed 003: the disorganised child may suddenly go still at a goodbye and approaches its
    carer only to stop halfway. A teacher sees this on three days over two and a half weeks."""
    result = profile(obs(0, "freezes"), obs(5, "approach_then_stops"), obs(12, "freezes"))
    assert result.safeguarding.level == MAP_SIGNALS
    (reason,) = result.safeguarding.reasons
    assert (reason.code, reason.signals, reason.patterns) == (
        rules.MAP_DISORGANISED,
        ("freezes", "approach_then_stops"),
        ("disorganised",),
    )
    assert (reason.days, reason.first, reason.last) == (3, day(0), day(12))
    assert result.safeguarding.watch == ()  # covered by the reason


@pytest.mark.parametrize(
    "observations",
    [
        # Nine days between the first and the last: one bad fortnight is not yet enough.
        (obs(0, "freezes"), obs(5, "approach_then_stops"), obs(9, "freezes")),
        # Two days only.
        (obs(0, "freezes", "approach_then_stops"), obs(12, "freezes")),
        # One feature only, however often.
        (obs(0, "freezes"), obs(6, "freezes"), obs(12, "freezes"), obs(20, "freezes")),
    ],
)
def test_disorganised_features_below_the_thresholds(observations) -> None:
    result = profile(*observations)
    assert result.safeguarding.level is None
    assert result.safeguarding.watch


def test_freezing_with_hypervigilance_on_two_days() -> None:
    """A pupil is constantly on guard and goes rigid when an adult comes close: signal lists
    for child abuse name that combination. On two days it maps the signals; on one day it is
    kept an eye on."""
    two_days = profile(obs(0, "hypervigilant"), obs(3, "freezes"))
    assert reasons(two_days) == [(rules.MAP_FROZEN_WATCHFULNESS, MAP_SIGNALS)]
    one_day = profile(obs(0, "hypervigilant", "freezes"))
    assert one_day.safeguarding.level is None


def inhibited_weeks(n_weeks: int = 5) -> list[Observation]:
    features = ["rejects_contact", "withdrawn_listless", "apathetic_no_crying", "plays_joyless"]
    return [obs(7 * week, features[week % 4], "hypervigilant") for week in range(n_weeks)]


def test_persistent_inhibited_picture_without_explanation() -> None:
    """Over five weeks a pupil is watchful, fends off contact, listless, does not cry and plays
    without joy: the inhibited type of seed 003 (RAD's features in seed 000). DSM-5-TR requires
    grossly insufficient care for RAD, so the suggestion is to map the signals and ask about
    the care history."""
    result = profile(*inhibited_weeks())
    assert result.indications[0].code == "inhibited"
    assert reasons(result) == [(rules.MAP_TYPE_PICTURE, MAP_SIGNALS)]
    (reason,) = result.safeguarding.reasons
    assert reason.patterns == ("inhibited",) and reason.last - reason.first == timedelta(28)
    # Three weeks are not yet persistent.
    assert profile(*inhibited_weeks(3)).safeguarding.level is None


@pytest.mark.parametrize("factor", ["developmental_disorder", "adoption", "foster_care"])
def test_a_recorded_explanation_is_named_and_takes_the_prompt_away(factor: str) -> None:
    """The same pupil has a recorded developmental disorder (autism resembles the inhibited
    picture, seed 003) or a known care history (adopted, in foster care): the indication names
    it beside the picture, and there is nothing to map."""
    result = profile(*inhibited_weeks(), risk_factors=[factor])
    (inhibited,) = (m for m in result.indications if m.code == "inhibited")
    assert inhibited.explained_by == (factor,)
    assert result.safeguarding.level is None


def test_avoidant_and_ambivalent_at_once_map_the_signals() -> None:
    """Seed 001 calls the combination of avoidant and resistant attachment disorganised; seed
    002 (after Crittenden) finds such mixtures in maltreated children. Over four weeks a pupil
    avoids contact and hardly reacts at reunion, and at other moments clings angrily and is
    hard to comfort."""
    result = profile(
        obs(0, "avoids_contact", "claims_contact"),
        obs(8, "no_reunion_response", "clings_and_angry"),
        obs(15, "suppresses_fear", "hard_to_comfort"),
        obs(25, "avoids_contact"),
    )
    assert {m.code for m in result.indications} == {"avoidant", "ambivalent"}
    assert reasons(result) == [(rules.MAP_MIXED_PATTERNS, MAP_SIGNALS)]
    (reason,) = result.safeguarding.reasons
    assert reason.patterns == ("avoidant", "ambivalent")


def test_consult_today_comes_before_map_the_signals() -> None:
    result = profile(
        obs(0, "freezes"),
        obs(5, "approach_then_stops"),
        obs(12, "freezes", "fears_caregiver"),
    )
    assert result.safeguarding.level == CONSULT_NOW
    assert reasons(result) == [
        (rules.CONSULT_NOW_SIGNALS, CONSULT_NOW),
        (rules.MAP_DISORGANISED, MAP_SIGNALS),
    ]


def test_the_product_catalog_holds_every_engine_rule() -> None:
    assert rules.missing_rules(CATALOG) == ()
    assert rules.consult_now_signals(CATALOG) == {
        "fears_caregiver",
        "discloses_harm",
        "unexplained_injury",
        "signs_of_neglect",
        "afraid_to_go_home",
    }
    # The "keep an eye on" signals are described under disorganised attachment (or the
    # inhibited type's watchfulness); the broad classroom signals are not among them.
    watched = set(rules.watch_signals(CATALOG))
    assert watched == {
        "fearful_bizarre",
        "freezes",
        "approach_then_stops",
        "switches_strategy",
        "overwhelmed_by_emotion",
        "hypervigilant",
    }


def test_specific_signals_come_from_the_patterns_own_descriptions() -> None:
    specific = rules.specific_signals(CATALOG)
    assert {"freezes", "fears_caregiver", "approach_then_stops"} <= specific["disorganised"]
    assert "restless_chaotic" not in specific["disorganised"]  # broad, also disinhibited
    assert "contradictory_behaviour" not in specific["disorganised"]  # also ambivalent
    assert "withdrawn" not in specific["inhibited"]  # a classroom signal of the school lists
    for pattern, codes in specific.items():
        for code in codes:
            signal = CATALOG.get("signals", code)
            assert signal.group in rules.SPECIFIC_GROUPS and signal.pattern_codes == (pattern,)


# --- measures -----------------------------------------------------------------------------------


def test_one_moment_gives_ideas_not_recommendations() -> None:
    """A pupil was quickly angry once and had trouble accepting authority. The focus card
    measures that answer those are offered as ideas; nothing is recommended from one moment."""
    result = profile(obs(0, "quick_anger", "authority_problems"))
    assert result.recommended_measures == ()
    both = {"quick_anger", "authority_problems"}
    ideas = result.measure_ideas
    assert ideas and all(set(m.addresses) <= both for m in ideas)
    answering_both = {
        m.code for m in CATALOG.measures if m.type == "card" and both <= set(m.signal_codes)
    }
    assert answering_both  # the card has such measures (e.g. sticordi_10)
    assert {m.code for m in ideas[: len(answering_both)]} >= answering_both


def test_recommendations_answer_what_recurs() -> None:
    """Over three weeks the pupil is quickly angry on four days and once has trouble with
    authority: the measures for anger are recommended, those for authority alone are ideas."""
    result = profile(
        obs(0, "quick_anger"),
        obs(4, "quick_anger", "authority_problems"),
        obs(9, "quick_anger"),
        obs(15, "quick_anger"),
    )
    assert not result.insufficient_data
    recommended = result.recommended_measures
    assert recommended and all(m.addresses == ("quick_anger",) for m in recommended)
    assert all("authority_problems" in m.addresses for m in result.measure_ideas)
    assert not {m.code for m in recommended} & {m.code for m in result.measure_ideas}


def test_two_days_of_two_learning_signals_mark_nothing() -> None:
    """Issue 15: a pupil once had trouble with planning and fear of failure on two days each,
    over a fortnight. The rule used to recommend twelve of the card's 39 rows for that (nine
    from these two school-list signals); two days of a general signal are no pattern, so they
    are ideas now. Seen again in a third day, two school weeks apart, they count."""
    seen = [
        obs(0, "fear_of_failure", "math_difficulties"),
        obs(3, "planning_time"),
        obs(7, "fear_of_failure", "cause_effect"),
        obs(12, "planning_time", "variable_motivation"),
    ]
    result = profile(*seen)
    assert not result.insufficient_data and result.indications == ()
    assert result.recommended_measures == ()
    ideas = {m.code for m in result.measure_ideas}
    assert {"sticordi_05", "sticordi_13", "sticordi_21", "tip_12"} <= ideas
    again = profile(*seen, obs(14, "planning_time"))
    assert again.recommended_measures
    assert all(m.addresses == ("planning_time",) for m in again.recommended_measures)
    assert {m.code for m in again.recommended_measures} >= {"sticordi_13", "sticordi_21"}


def test_an_indications_signals_count_from_two_days() -> None:
    """The signals of a picture that meets the persistence rule count for recommendations from
    two days on; a signal of that picture seen once, or a general signal seen twice, does
    not."""
    result = profile(
        obs(0, "boundary_crossing"),
        obs(7, "boundary_crossing", "impulsive", "quick_anger"),
        obs(12, "impulsive", "quick_anger"),
        obs(14, "easily_frustrated"),
    )
    assert [m.code for m in result.indications] == ["disinhibited"]
    answered = {code for m in result.recommended_measures for code in m.addresses}
    assert answered == {"boundary_crossing", "impulsive"}
    assert any("easily_frustrated" in m.addresses for m in result.measure_ideas)
    assert any("quick_anger" in m.addresses for m in result.measure_ideas)


def test_measure_order_and_duplicate_tips() -> None:
    """Coverage first, then how often the answered signals were seen, then the card's order; a
    tip that repeats a listed card measure is left out; attitudes are listed apart."""
    catalog = tiny_catalog()
    # Both signals persist (three days or more, ten days apart), so both count.
    seen = [obs(0, "a", "b"), obs(5, "a"), obs(7, "b"), obs(10, "b"), obs(11, "a"), obs(12, "a")]
    result = build_profile(seen, catalog=catalog, as_of=day(12), window_weeks=2)
    assert [(m.code, m.addresses) for m in result.recommended_measures] == [
        ("card_2", ("a", "b")),  # two signals
        ("card_4", ("a",)),  # one signal seen four times, card order
        ("tip_2", ("a",)),  # same, a tip comes after the cards
        ("card_3", ("b",)),  # one signal seen three times
    ]
    assert result.measure_ideas == ()
    assert [a.code for a in result.attitudes] == ["attitude_calm"]
    only_c = build_profile([obs(0, "c")], catalog=catalog, as_of=day(0))
    # card_2 does not answer c, so the tip duplicating it is worth offering.
    assert only_c.recommended_measures == ()
    assert [m.code for m in only_c.measure_ideas] == ["card_1", "card_3", "tip_1"]


# --- orderings (tiny catalog) -----------------------------------------------------------------

LOW = Thresholds(min_signals=2, min_specific=0, min_days=1, min_span_days=0)


def test_secure_is_never_an_indication() -> None:
    catalog = tiny_catalog()
    result = build_profile(
        [obs(0, "a", "c"), obs(1, "b", "c")],
        catalog=catalog,
        as_of=day(1),
        thresholds=Thresholds(1, 0, 1, 0),
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
        thresholds=LOW,
    )
    assert [m.code for m in result.indications] == ["worry", "danger"]  # equal: 2 signals, 2 days
    assert [m.count for m in result.indications] == [3, 3]  # and count; then catalog order
    result = build_profile(
        [obs(0, "a", "b"), obs(1, "d", "f"), obs(2, "d")],
        catalog=catalog,
        as_of=day(2),
        thresholds=LOW,
    )
    assert [m.code for m in result.indications] == ["danger", "worry"]  # 2 days beat 1


def test_indication_sources_are_pattern_and_link_sources() -> None:
    catalog = tiny_catalog()
    result = build_profile(
        [obs(0, "a", "e"), obs(5, "b"), obs(11, "a")], catalog=catalog, as_of=day(11)
    )
    (worry,) = result.indications
    assert worry.specific == ("b",)
    sections = [s.section for s in worry.sources]
    assert sections == ["1. Kop", "worry"]  # the pattern's own, then the links', deduplicated


# --- emotional age ------------------------------------------------------------------------------


def test_emotional_age_of_a_nine_year_old_beside_an_indication() -> None:
    """Seeds 000 and 003: address a child with an attachment disorder emotionally and
    relationally at about a third of its age. Beside the inhibited indication, a pupil of 9 is
    addressed, at such moments, as a child of 3."""
    result = profile(*inhibited_weeks(3), birth_date=NINE)
    assert result.age == 9
    advice = result.emotional_age
    assert advice is not None and advice.years == 3
    assert advice.advice == "attitude_emotional_age_third"
    assert advice.patterns == ("inhibited",)
    assert advice.sources == CATALOG.get("measures", "attitude_emotional_age_third").sources


def test_no_emotional_age_advice_without_an_indication() -> None:
    """A fifteen-year-old with nothing observed, and a nine-year-old with one observation: the
    sources give the advice for a child with an attachment disorder, not for every pupil."""
    fifteen = profile(as_of=day(0), birth_date=day(0) - timedelta(days=15 * 365 + 10))
    assert (fifteen.age, fifteen.emotional_age) == (15, None)
    once = profile(obs(0, "withdrawn"), birth_date=NINE)
    assert (once.age, once.emotional_age) == (9, None)
    assert profile_to_json(once)["emotional_age"] is None


@pytest.mark.parametrize(
    ("birth", "age", "years"),
    [
        (day(28) - timedelta(days=12 * 365 + 3), 12, 4),  # seed 000: a 12-year-old as a 4-year-old
        (day(28) - timedelta(days=11 * 365 + 300), 11, 4),
        (day(28) - timedelta(days=6 * 365 + 5), 6, 2),
    ],
)
def test_emotional_age_in_whole_years(birth: date, age: int, years: int) -> None:
    result = profile(*inhibited_weeks(5), birth_date=birth)
    assert (result.age, result.emotional_age.years) == (age, years)


@pytest.mark.parametrize(
    ("birth", "as_of", "age"),
    [
        (date(2014, 5, 10), date(2026, 5, 10), 12),
        (date(2014, 5, 10), date(2026, 5, 9), 11),
        (date(2016, 2, 29), date(2026, 2, 28), 9),
        (date(2016, 2, 29), date(2026, 3, 1), 10),
    ],
)
def test_age_in_whole_years(birth: date, as_of: date, age: int) -> None:
    assert profile(as_of=as_of, birth_date=birth).age == age


def test_no_birth_date_no_age() -> None:
    result = profile(*inhibited_weeks(3))
    assert (result.age, result.emotional_age) == (None, None)


# --- informants, arguments, output ------------------------------------------------------------


def test_one_profile_per_informant() -> None:
    """Two adults log the same pupil; each can get a profile of their own observations."""
    result = profile(
        obs(0, "withdrawn", informant="juf Anna"),
        obs(1, "withdrawn", "tense_nervous", informant="meester Bas"),
        informant="juf Anna",
    )
    assert [(s.code, s.count) for s in result.signals] == [("withdrawn", 1)]
    assert result.outside_window == 0 and result.observations == 1


def test_reports_are_beside_the_picture_never_in_it() -> None:
    """A mother reports at home what the school also sees. Her reports are shown beside the
    school's observations; the school's picture rests on its own."""
    school = [obs(0, "claims_contact"), obs(4, "clings_and_angry")]
    parent = [obs(10, "strong_separation_reaction", informant="parent")]
    result = profile(*school, *parent)
    assert result.indications == () and (result.observations, result.reports) == (2, 1)
    assert [s.code for s in result.signals] == ["claims_contact", "clings_and_angry"]
    # The parent's own profile, side by side, counts her reports.
    hers = profile(*school, *parent, informant="parent")
    assert [s.code for s in hers.signals] == ["strong_separation_reaction"]


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="unknown signal 'nope'"):
        profile(obs(0, "nope"))
    with pytest.raises(ValueError, match="before birth_date"):
        profile(as_of=date(2020, 1, 1), birth_date=date(2021, 1, 1))
    with pytest.raises(ValueError, match="window_weeks"):
        profile(as_of=day(0), window_weeks=0)
    with pytest.raises(ValueError, match="min_days"):
        Thresholds(min_days=0)
    with pytest.raises(ValueError, match="min_span_days"):
        Thresholds(min_span_days=-1)
    with pytest.raises(ValueError, match="min_specific cannot exceed"):
        Thresholds(min_signals=2, min_specific=3)


def test_output_has_the_design_keys() -> None:
    data = profile_to_json(profile(*inhibited_weeks(3), birth_date=NINE))
    assert {
        "signals",
        "indications",
        "safeguarding",
        "insufficient_data",
        "recommended_measures",
        "measure_ideas",
        "emotional_age",
    } <= set(data)
    assert data["signals"][0] == {"code": "hypervigilant", "count": 3, "days": 3}
    assert set(data["indications"][0]) >= {"code", "matched", "sources", "cautions"}
    assert set(data["safeguarding"]) >= {"show", "level", "reasons"}
    assert data["safeguarding"]["show"] is (data["safeguarding"]["level"] is not None)
    assert data["emotional_age"]["years"] == 3
