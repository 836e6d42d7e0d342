"""Reading the `profile` input: good input becomes engine values, bad input one precise line."""

from __future__ import annotations

import json
from datetime import date

import pytest

from hechtwijzer.catalog import get_catalog

from ..inputs import InputError, parse_json
from ..profile import Observation

CATALOG = get_catalog()
TODAY = date(2026, 11, 20)


def parse(data: object):
    text = data if isinstance(data, str) else json.dumps(data)
    return parse_json(text, catalog=CATALOG, today=TODAY)


def test_full_input() -> None:
    given = parse(
        {
            "birth_date": "2017-03-01",
            "as_of": "2026-11-20",
            "observations": [
                {"date": "2026-11-02", "signals": ["withdrawn", "hypervigilant"]},
                {"date": "2026-11-03", "signals": ["withdrawn"], "informant": "juf Anna"},
            ],
            "risk_factors": ["adoption"],
            "protective_factors": ["available_parents"],
        }
    )
    assert given.birth_date == date(2017, 3, 1) and given.as_of == TODAY
    assert given.observations == (
        Observation(date(2026, 11, 2), ("withdrawn", "hypervigilant")),
        Observation(date(2026, 11, 3), ("withdrawn",), "juf Anna"),
    )
    assert (given.risk_factors, given.protective_factors) == (("adoption",), ("available_parents",))


def test_as_of_defaults_to_today_as_on_the_web() -> None:
    """Not the latest observation: a profile is always of a day, and on the web that day is
    today, so old observations fall out of the window the same way in both."""
    given = parse(
        {
            "observations": [
                {"date": "2026-10-05", "signals": ["withdrawn"]},
                {"date": "2026-10-01", "signals": ["withdrawn"]},
            ]
        }
    )
    assert given.as_of == TODAY


def test_as_of_defaults_to_today_without_observations() -> None:
    assert parse({"observations": []}).as_of == TODAY
    assert parse({"observations": [], "birth_date": None, "risk_factors": None}).as_of == TODAY


OBS = {"date": "2026-11-02", "signals": ["withdrawn"]}

BAD = [
    ('{"observations": [}', "malformed JSON at line 1, column 19: Expecting value"),
    ("", "malformed JSON at line 1, column 1: Expecting value"),
    (
        '{"observations": [],\n "observations": []}',
        "malformed JSON: key 'observations' appears twice in one object",
    ),
    ("[" * 100_000, "malformed JSON: nested too deeply"),
    ([OBS], "the input must be a JSON object, not a list"),
    ({}, "missing key 'observations' (a list, possibly empty)"),
    ({"observations": [], "asof": "2026-01-01"}, "unknown key 'asof' (did you mean 'as_of'?)"),
    ({"observations": {}}, "observations: must be a list, not an object"),
    (
        {"observations": ["withdrawn"]},
        "observations[0]: must be an object with 'date' and 'signals', not a string",
    ),
    ({"observations": [OBS, {"signals": ["withdrawn"]}]}, "observations[1]: missing key 'date'"),
    ({"observations": [{"date": "2026-11-02"}]}, "observations[0]: missing key 'signals'"),
    (
        {"observations": [{**OBS, "note": "x"}]},
        "unknown key 'observations[0].note'",
    ),
    (
        {"observations": [OBS, OBS, {"date": "2026-13-01", "signals": ["withdrawn"]}]},
        "observations[2].date: '2026-13-01' is not a date (YYYY-MM-DD)",
    ),
    (
        {"observations": [{"date": "20261102", "signals": ["withdrawn"]}]},
        "observations[0].date: '20261102' is not a date (YYYY-MM-DD)",
    ),
    (
        {"observations": [{"date": 20261102, "signals": ["withdrawn"]}]},
        "observations[0].date: must be a date string (YYYY-MM-DD), not a number",
    ),
    (
        {"observations": [{"date": "2026-11-02", "signals": ["withdrawn", "foo"]}]},
        "observations[0].signals[1]: unknown signal 'foo'",
    ),
    (
        {"observations": [{"date": "2026-11-02", "signals": ["impulsief"]}]},
        "observations[0].signals[0]: unknown signal 'impulsief' (did you mean 'impulsive'?)",
    ),
    (
        {"observations": [{"date": "2026-11-02", "signals": "withdrawn"}]},
        "observations[0].signals: must be a list, not a string",
    ),
    (
        {"observations": [{"date": "2026-11-02", "signals": [3]}]},
        "observations[0].signals[0]: must be a signal code (a string), not a number",
    ),
    (
        {"observations": [{"date": "2026-11-02", "signals": ["withdrawn", "withdrawn"]}]},
        "observations[0].signals[1]: signal 'withdrawn' is listed twice",
    ),
    (
        {"observations": [{"date": "2026-11-02", "signals": []}]},
        "observations[0].signals: is empty (an observation logs at least one signal)",
    ),
    (
        {"observations": [{**OBS, "informant": ""}]},
        "observations[0].informant: is empty (leave it out when nobody is named)",
    ),
    (
        {"observations": [], "as_of": True},
        "as_of: must be a date string (YYYY-MM-DD), not a boolean",
    ),
    (
        {"observations": [], "birth_date": "2026-02-30"},
        "birth_date: '2026-02-30' is not a date (YYYY-MM-DD)",
    ),
    (
        {"observations": [], "as_of": "2020-01-01", "birth_date": "2021-05-01"},
        "as_of: 2020-01-01 is before birth_date 2021-05-01",
    ),
    (
        {"observations": [OBS], "birth_date": "2026-11-03"},
        "observations[0].date: 2026-11-02 is before birth_date 2026-11-03",
    ),
    (
        {"observations": [], "risk_factors": ["adoptie"]},
        "risk_factors[0]: unknown risk factor 'adoptie' (did you mean 'adoption'?)",
    ),
    (
        {"observations": [], "risk_factors": "adoption"},
        "risk_factors: must be a list, not a string",
    ),
    (
        {"observations": [], "protective_factors": ["adoption"]},
        "protective_factors[0]: unknown protective factor 'adoption'",
    ),
]


@pytest.mark.parametrize(("data", "message"), BAD)
def test_bad_input(data: object, message: str) -> None:
    with pytest.raises(InputError) as error:
        parse(data)
    assert str(error.value) == message
