"""Evaluation figures: signals per group during a plan period and the same number of days
before it, counted by the engine from plain rows."""

import datetime

import pytest

from hechtwijzer.engine import before_period, signal_figures

D = datetime.date


def test_the_period_before_is_as_long_and_ends_the_day_before():
    assert before_period(D(2026, 10, 1), D(2026, 10, 10)) == (D(2026, 9, 21), D(2026, 9, 30))
    assert before_period(D(2026, 3, 1), D(2026, 3, 1)) == (D(2026, 2, 28), D(2026, 2, 28))


def test_rows_are_counted_per_group_before_and_during():
    rows = [
        (D(2026, 9, 21), "behaviour", 2),  # first day before
        (D(2026, 9, 30), "behaviour", 1),  # last day before
        (D(2026, 10, 1), "behaviour", 1),  # first day of the period
        (D(2026, 10, 10), "learning", 3),  # last day of the period
        (D(2026, 9, 20), "behaviour", 9),  # too early
        (D(2026, 10, 11), "behaviour", 9),  # after the period
        (D(2026, 10, 5), "safety", 4),  # not a counted group
    ]
    figures = signal_figures(
        rows, start=D(2026, 10, 1), end=D(2026, 10, 10), groups=["behaviour", "learning"]
    )
    assert figures == {
        "period": ["2026-10-01", "2026-10-10"],
        "before_period": ["2026-09-21", "2026-09-30"],
        "groups": {
            "behaviour": {"before": 3, "during": 1},
            "learning": {"before": 0, "during": 3},
        },
        "before": 3,
        "during": 4,
    }


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="ends before"):
        signal_figures([], start=D(2026, 10, 2), end=D(2026, 10, 1), groups=["behaviour"])
