"""Property-based tests: what holds for every input, not only for the written cases."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hechtwijzer.catalog import get_catalog

from ..cli import main
from ..output import profile_to_json
from ..profile import SAFEGUARDING_CAUTION, Observation, Thresholds, build_profile
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
        informant=st.sampled_from([None, "a", "b"]),
    ),
    max_size=12,
)
risk_factors = st.lists(st.sampled_from([f.code for f in CATALOG.risk_factors]), max_size=5)
protective_factors = st.lists(
    st.sampled_from([f.code for f in CATALOG.protective_factors]), max_size=4
)
thresholds = st.builds(Thresholds, st.integers(1, 4), st.integers(1, 3))


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
    for reason in data["safeguarding"]["reasons"]:
        check("patterns", *[reason["pattern"]] if reason["pattern"] else [])
        check("signals", *reason["signals"])
        check("risk_factors", *reason["risk_factors"])
    for measure in [*data["recommended_measures"], *data["attitudes"]]:
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
    assert before.safeguarding.show <= after.safeguarding.show
    assert after.insufficient_data <= before.insufficient_data


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
@given(observations, risk_factors, thresholds)
def test_indications_safeguarding_and_measures_are_consistent(obs, risks, limits) -> None:
    result = run(obs, risk_factors=risks, thresholds=limits)
    observed = {s.code: s.count for s in result.signals}
    assert result.insufficient_data == (not result.indications)
    for match in result.matches:
        enough = len(match.matched) >= limits.min_signals and match.days >= limits.min_days
        assert match.meets_thresholds == enough == (match in result.indications)
    strength = [(len(m.matched), m.days, m.count) for m in result.indications]
    assert strength == sorted(strength, reverse=True)
    # The safeguarding caution is never shown without the safeguarding route.
    if any(c.code == SAFEGUARDING_CAUTION for m in result.indications for c in m.cautions):
        assert result.safeguarding.show
    # Every card measure answering an observed signal is recommended, best coverage first.
    recommended = {m.code: m.addresses for m in result.recommended_measures}
    for measure in CATALOG.measures:
        answers = tuple(c for c in observed if c in measure.signal_codes)
        if measure.type == "card" and answers:
            assert recommended[measure.code] == answers
    order = [(len(a), sum(observed[c] for c in a)) for a in recommended.values()]
    assert order == sorted(order, reverse=True)


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
