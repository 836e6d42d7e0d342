"""Evaluation figures: signals per group during a plan period and as many school days before
it, as rates per observed school day, counted by the engine from plain rows."""

import datetime

import pytest

from hechtwijzer.engine import before_period, comparison_periods, signal_figures
from hechtwijzer.engine.evaluation import direction, school_days

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)


def weekdays(first, count):
    """`count` school days (Monday to Friday) from `first` on."""
    days, day = [], first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += ONE_DAY
    return days


def test_the_version_1_period_before_is_as_long_and_ends_the_day_before():
    assert before_period(D(2026, 10, 1), D(2026, 10, 10)) == (D(2026, 9, 21), D(2026, 9, 30))
    assert before_period(D(2026, 3, 1), D(2026, 3, 1)) == (D(2026, 2, 28), D(2026, 2, 28))


def test_the_period_before_holds_as_many_school_days_and_skips_weekends():
    # Monday 5 to Friday 16 October 2026: ten school days; the ten before are 21 Sep - 2 Oct.
    assert comparison_periods(D(2026, 10, 5), D(2026, 10, 16)) == (D(2026, 9, 21), D(2026, 10, 2))


def test_the_period_before_skips_a_school_holiday():
    autumn = [("autumn", D(2026, 10, 17), D(2026, 10, 25))]
    # A plan from Monday 26 October (after the holiday) for two weeks: the ten school days
    # before it are the two weeks before the holiday, not the holiday.
    first, last = comparison_periods(D(2026, 10, 26), D(2026, 11, 6), autumn)
    assert (first, last) == (D(2026, 10, 5), D(2026, 10, 16))
    assert len(school_days(first, last, set())) == 10


def test_the_dense_logging_example_reads_worse_in_counts_but_equal_in_rates():
    """The example of issue 16: once the plan starts the teacher logs every day. "Geremd"
    (inhibited) reads 5 before and 11 during in counts, but it was seen once on every observed
    day in both periods: the same rate, so the figures say "about the same", not "more"."""
    start, end = D(2026, 10, 5), D(2026, 10, 30)  # four school weeks
    before_first, _ = comparison_periods(start, end)
    before_days = weekdays(before_first, 20)[::4]  # logged on 5 of the 20 school days before
    during_days = weekdays(start, 20)[:11]  # logged on 11 of the 20 school days during
    rows = [(day, "inhibited", 1) for day in before_days + during_days]
    figures = signal_figures(rows, start=start, end=end, groups=["inhibited", "behaviour"])
    inhibited = figures["groups"]["inhibited"]
    assert (inhibited["before"], inhibited["during"]) == (5, 11)  # worse in counts
    assert inhibited["before_rate"] == inhibited["during_rate"] == 1.0  # equal in rates
    assert inhibited["direction"] == "same"
    assert figures["observed_days"] == {"before": 5, "during": 11}
    assert figures["school_days"] == {"before": 20, "during": 20}
    assert figures["comparable"] is True
    assert figures["groups"]["behaviour"] == {
        "before": 0,
        "during": 0,
        "before_rate": 0.0,
        "during_rate": 0.0,
        "direction": "same",
    }
    assert figures["version"] == 2


def test_the_issue_example_with_one_day_before_is_too_few_to_compare():
    # "Geremd type 1 before, 11 during": one observed day before the plan says nothing.
    start, end = D(2026, 10, 5), D(2026, 10, 30)
    rows = [(D(2026, 9, 30), "inhibited", 1)] + [
        (day, "inhibited", 1) for day in weekdays(start, 11)
    ]
    figures = signal_figures(rows, start=start, end=end, groups=["inhibited"])
    assert figures["comparable"] is False
    assert figures["groups"]["inhibited"]["direction"] is None
    assert figures["direction"] is None
    assert figures["observed_days"] == {"before": 1, "during": 11}
    assert figures["min_days"] == 5


def test_fewer_signals_per_observed_day_read_as_fewer():
    start, end = D(2026, 10, 5), D(2026, 10, 16)
    before = weekdays(D(2026, 9, 21), 10)
    during = weekdays(start, 10)
    rows = [(d, "behaviour", 3) for d in before] + [(d, "behaviour", 1) for d in during]
    figures = signal_figures(rows, start=start, end=end, groups=["behaviour"])
    assert figures["groups"]["behaviour"]["before_rate"] == 3.0
    assert figures["groups"]["behaviour"]["during_rate"] == 1.0
    assert figures["direction"] == "fewer"


def test_rows_on_holidays_weekends_and_outside_the_periods_are_not_counted():
    holidays = [("autumn", D(2026, 10, 17), D(2026, 10, 25))]
    start, end = D(2026, 10, 26), D(2026, 11, 6)
    rows = [
        (D(2026, 10, 5), "behaviour", 2),  # first school day before
        (D(2026, 10, 16), "behaviour", 1),  # last school day before
        (D(2026, 10, 20), "behaviour", 7),  # in the holiday: left out
        (D(2026, 10, 31), "behaviour", 4),  # a Saturday in the plan: left out
        (D(2026, 10, 26), "behaviour", 1),  # first day of the plan
        (D(2026, 11, 6), "learning", 3),  # last day of the plan
        (D(2026, 10, 2), "behaviour", 9),  # too early
        (D(2026, 11, 9), "behaviour", 9),  # after the plan
        (D(2026, 10, 28), "safety", 4),  # not a counted group, but an observed day
    ]
    figures = signal_figures(
        rows,
        start=start,
        end=end,
        groups=["behaviour", "learning"],
        holidays=holidays,
        covered=(D(2025, 7, 1), D(2027, 8, 31)),
    )
    assert figures["before_period"] == ["2026-10-05", "2026-10-16"]
    assert figures["groups"]["behaviour"]["before"] == 3
    assert figures["groups"]["behaviour"]["during"] == 1
    assert figures["groups"]["learning"]["during"] == 3
    assert (figures["before"], figures["during"]) == (3, 4)
    assert figures["observed_days"] == {"before": 2, "during": 3}
    assert figures["left_out"] == 11
    assert figures["holidays"] == {"before": [["autumn", "2026-10-17", "2026-10-25"]], "during": []}
    assert figures["holidays_known"] is True


def test_the_holidays_skipped_and_whether_the_calendar_knew_them_are_kept():
    holidays = [("autumn", D(2026, 10, 17), D(2026, 10, 25))]
    figures = signal_figures(
        [], start=D(2026, 10, 19), end=D(2026, 11, 6), groups=["behaviour"], holidays=holidays
    )
    # The plan starts in the holiday: its ten school days are 26 Oct - 6 Nov; before them the
    # ten school days up to Friday 16 October.
    assert figures["before_period"] == ["2026-10-05", "2026-10-16"]
    assert figures["holidays"]["during"] == [["autumn", "2026-10-17", "2026-10-25"]]
    assert figures["holidays_known"] is False  # no table covers the days
    assert figures["comparable"] is False
    assert figures["before_rate"] is None


def test_directions_allow_a_band_of_about_the_same():
    assert direction(1.0, 0.85) == "same"
    assert direction(1.0, 0.5) == "fewer"
    assert direction(0.5, 1.0) == "more"
    assert direction(0.0, 0.0) == "same"
    assert direction(0.0, 0.2) == "more"
    assert direction(None, 1.0) is None


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="ends before"):
        signal_figures([], start=D(2026, 10, 2), end=D(2026, 10, 1), groups=["behaviour"])
