"""Property-based tests: what holds for every input, not only for the written cases."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hechtwijzer.catalog import get_catalog

from .. import rules
from ..cli import main
from ..output import profile_to_json
from ..profile import Observation, Thresholds, build_profile
from ..rules import CONSULT_NOW, LEVELS
from .helpers import day

CATALOG = get_catalog()
AS_OF = day(80)
FAST = settings(max_examples=50, deadline=None, database=None)

signal_codes = st.sampled_from([s.code for s in CATALOG.signals])
observations = st.lists(
    st.builds(
        Observation,
        date=st.dates(AS_OF - timedelta(weeks=10), AS_OF + timedelta(days=3)),
        signals=st.lists(signal_codes, min_size=1, max_size=6, unique=True).map(tuple),
        informant=st.sampled_from([None, "a", "b", "parent", "pupil"]),
    ),
    max_size=12,
)
risk_factors = st.lists(st.sampled_from([f.code for f in CATALOG.risk_factors]), max_size=5)
protective_factors = st.lists(
    st.sampled_from([f.code for f in CATALOG.protective_factors]), max_size=4
)
thresholds = st.integers(1, 4).flatmap(
    lambda n: st.builds(
        Thresholds, st.just(n), st.integers(0, min(n, 2)), st.integers(1, 4), st.integers(0, 14)
    )
)
CONSULT_SIGNALS = sorted(rules.consult_now_signals(CATALOG))
NON_SPECIFIC = [s.code for s in CATALOG.signals if s.code not in CONSULT_SIGNALS]


def rank(level: str | None) -> int:
    """Higher is more urgent: None < map_signals < consult_now."""
    return len(LEVELS) - LEVELS.index(level) if level else 0


def run(obs: list[Observation], **kwargs: Any):
    return build_profile(obs, catalog=CATALOG, as_of=AS_OF, **kwargs)


@FAST
@given(observations, risk_factors, protective_factors, thresholds, st.dates())
def test_output_names_only_catalog_codes(obs, risks, protections, limits, birth) -> None:
    birth = min(birth, AS_OF)
    data = profile_to_json(
        run(
            obs,
            risk_factors=risks,
            protective_factors=protections,
            thresholds=limits,
            birth_date=birth,
        )
    )
    codes = CATALOG.by_code

    def check(kind: str, *found: str) -> None:
        for code in found:
            assert code in codes[kind], (kind, code)

    for signal in data["signals"]:
        check("signals", signal["code"])
    for match in [*data["indications"], *data["pattern_matches"]]:
        check("patterns", match["code"])
        check("signals", *match["matched"])
    for indication in data["indications"]:
        pattern = codes["patterns"][indication["code"]]
        assert [c["code"] for c in indication["cautions"]] == [c.code for c in pattern.cautions]
    assert data["safeguarding"]["show"] == (data["safeguarding"]["level"] is not None)
    for reason in data["safeguarding"]["reasons"]:
        check("rules", reason["code"])
        assert reason["level"] == codes["rules"][reason["code"]].effect
        check("patterns", *reason["patterns"])
        check("signals", *reason["signals"])
        check("risk_factors", *reason["risk_factors"])
    for watched in data["safeguarding"]["watch"]:
        check("signals", watched["code"])
    for measure in [*data["recommended_measures"], *data["measure_ideas"], *data["attitudes"]]:
        check("measures", measure["code"])
        check("signals", *measure["addresses"])
    if data["emotional_age"]:
        check("measures", data["emotional_age"]["advice"])
    risk = data["risk"]
    check("risk_factors", *risk["risk_factors"], *risk["safeguarding"])
    check("protective_factors", *risk["protective_factors"])
    for statement in risk["statements"]:
        check("rules", statement["rule"])
        check("risk_factors", *statement["risk_factors"])
        check("protective_factors", *statement["protective_factors"])


@FAST
@given(observations, observations, risk_factors, thresholds)
def test_more_observations_never_remove_anything(obs, extra, risks, limits) -> None:
    before = run(obs, risk_factors=risks, thresholds=limits)
    after = run(obs + extra, risk_factors=risks, thresholds=limits)
    counts = {s.code: s for s in after.signals}
    for signal in before.signals:
        assert counts[signal.code].count >= signal.count
        assert counts[signal.code].days >= signal.days
    matched_after = {m.code: set(m.matched) for m in after.matches}
    for match in before.matches:
        assert set(match.matched) <= matched_after[match.code]
    assert {m.code for m in before.indications} <= {m.code for m in after.indications}
    # Adding observations never lowers the safeguarding level, nor drops a reason.
    assert rank(before.safeguarding.level) <= rank(after.safeguarding.level)
    assert {r.code for r in before.safeguarding.reasons} <= {
        r.code for r in after.safeguarding.reasons
    }
    assert after.insufficient_data <= before.insufficient_data
    assert {m.code for m in before.recommended_measures} <= {
        m.code for m in after.recommended_measures
    }


@FAST
@given(observations, risk_factors, protective_factors, st.randoms(use_true_random=False))
def test_input_order_does_not_matter(obs, risks, protections, random) -> None:
    shuffled = [
        Observation(o.date, tuple(random.sample(o.signals, len(o.signals))), o.informant)
        for o in random.sample(obs, len(obs))
    ]
    a = run(obs, risk_factors=risks, protective_factors=protections)
    b = run(
        shuffled,
        risk_factors=random.sample(risks, len(risks)),
        protective_factors=random.sample(protections, len(protections)),
    )
    assert profile_to_json(a) == profile_to_json(b)


@FAST
@given(
    st.dates(AS_OF - timedelta(weeks=8) + timedelta(days=1), AS_OF),
    st.lists(st.sampled_from(NON_SPECIFIC), min_size=1, max_size=8, unique=True),
    st.sampled_from([None, "group_teacher", "parent", "pupil"]),
)
def test_one_observation_without_a_direct_safety_signal_never_sets_a_level(
    when, signals, informant
) -> None:
    result = run([Observation(when, tuple(signals), informant)])
    assert result.safeguarding.level is None
    assert result.indications == ()


@FAST
@given(
    observations,
    st.dates(AS_OF - timedelta(weeks=8) + timedelta(days=1), AS_OF),
    st.sampled_from(CONSULT_SIGNALS),
    st.sampled_from([None, "group_teacher", "other_staff", "parent", "pupil"]),
    risk_factors,
)
def test_a_direct_safety_signal_always_means_consult_now(obs, when, signal, informant, risks):
    result = run([*obs, Observation(when, (signal,), informant)], risk_factors=risks)
    assert result.safeguarding.level == CONSULT_NOW
    (reason,) = (r for r in result.safeguarding.reasons if r.code == rules.CONSULT_NOW_SIGNALS)
    assert signal in reason.signals


@FAST
@given(observations, risk_factors, thresholds)
def test_indications_safeguarding_and_measures_are_consistent(obs, risks, limits) -> None:
    result = run(obs, risk_factors=risks, thresholds=limits)
    observed = {s.code: s for s in result.signals}
    if result.insufficient_data:
        assert result.indications == () and result.recommended_measures == ()
    specific = rules.specific_signals(CATALOG)
    for match in result.matches:
        enough = (
            len(match.matched) >= limits.min_signals
            and len([c for c in match.matched if c in specific[match.code]]) >= limits.min_specific
            and match.days >= limits.min_days
            and match.span_days >= limits.min_span_days
        )
        assert match.meets_thresholds == enough == (match in result.indications)
    strength = [(len(m.matched), m.days, m.count) for m in result.indications]
    assert strength == sorted(strength, reverse=True)
    # Reports never count into the school's own picture.
    assert result.observations + result.reports + result.outside_window == len(obs)
    # Recommended measures answer recurring signals only; ideas the rest; never both.
    recurring = rules.recurring_min_days(CATALOG)
    indicated = {code for m in result.indications for code in m.matched}
    for measure in result.recommended_measures:
        assert all(observed[c].days >= recurring for c in measure.addresses)
        # Part of an indication, or persistent by the indication's own measure.
        assert all(c in indicated or observed[c].days >= limits.min_days for c in measure.addresses)
    assert not {m.code for m in result.recommended_measures} & {
        m.code for m in result.measure_ideas
    }
    # Every card measure answering an observed signal is offered one way or the other.
    offered = {m.code for m in (*result.recommended_measures, *result.measure_ideas)}
    for measure in CATALOG.measures:
        if measure.type == "card" and set(observed) & set(measure.signal_codes):
            assert measure.code in offered
    # The emotional-age advice only ever stands beside an indication.
    if result.emotional_age is not None:
        assert result.indications


@FAST
@given(st.integers(1, 5), st.integers(0, 1), st.integers(1, 5), st.integers(0, 30), observations)
def test_thresholds_are_read_from_the_catalog(signals, tied, days, span, obs) -> None:
    """Change the numbers in the catalog's rules, and the engine follows them."""
    tied = min(tied, signals)
    catalog = with_thresholds(
        rules.INDICATION,
        min_signals=signals,
        min_specific=tied,
        min_days=days,
        min_span_days=span,
    )
    assert Thresholds.from_catalog(catalog) == Thresholds(signals, tied, days, span)
    from_catalog = build_profile(obs, catalog=catalog, as_of=AS_OF)
    given_explicitly = build_profile(
        obs, catalog=CATALOG, as_of=AS_OF, thresholds=Thresholds(signals, tied, days, span)
    )
    assert (
        profile_to_json(from_catalog)["indications"]
        == profile_to_json(given_explicitly)["indications"]
    )


def test_safeguarding_thresholds_are_read_from_the_catalog() -> None:
    """Two disorganised features on one afternoon set no level with the product's numbers; a
    catalog that asks for one day and no span maps the signals."""
    afternoon = [Observation(AS_OF, ("freezes", "approach_then_stops"))]
    assert run(afternoon).safeguarding.level is None
    lenient = with_thresholds(rules.MAP_DISORGANISED, min_signals=2, min_days=1, min_span_days=0)
    result = build_profile(afternoon, catalog=lenient, as_of=AS_OF)
    assert [r.code for r in result.safeguarding.reasons] == [rules.MAP_DISORGANISED]


def with_thresholds(code: str, **numbers: int):
    """The product catalog with one rule's thresholds replaced."""
    replaced = tuple(
        dataclasses.replace(rule, thresholds=tuple(numbers.items())) if rule.code == code else rule
        for rule in CATALOG.rules
    )
    return dataclasses.replace(CATALOG, rules=replaced)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=12)
    | signal_codes
    | st.dates().map(str)
    | st.sampled_from(["0001-01-01", "9999-12-31", "2026-02-29"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["observations", "date", "signals", "as_of", "birth_date", "risk_factors"]
            )
            | st.text(max_size=6),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@FAST
@given(st.one_of(json_values.map(json.dumps), st.text(max_size=40)))
def test_the_command_never_gives_a_traceback(text: str) -> None:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(["-"], io.StringIO(text), stdout, stderr, today=AS_OF)
    if code == 0:
        assert stderr.getvalue() == "" and json.loads(stdout.getvalue())
    else:
        assert code == 2 and stdout.getvalue() == ""
        assert stderr.getvalue().startswith("error: ") and stderr.getvalue().count("\n") == 1
