"""Evaluation figures: how often signals were seen during a plan period and just before it.

An evaluation asks "did the measures help?". The figure beside the team's answer compares, per
signal group, the signals seen during the plan period with those of as many school days just
before it. It is a figure, not a score, shown beside what the team saw, never instead of it.

Version 2 of the figures (December 2026) compares **rates per observed school day**, not counts.
Counts mislead: once a plan starts, the teacher watches and logs more, so a pupil who behaves
exactly as before reads worse ("geremd: 1 before, 11 during"). An observed school day is a
school day (Monday to Friday, not a school holiday) on which the school logged at least one
observation of the pupil; the rate is the signals of a group divided by the observed days of
the period. Why days and not weeks with an observation: logging is done per day (the quick
log), and a week with one quick note and a week with a note every day would both count as one
observed week, so the extra logging after a plan starts would still read as more signals; a
six-week plan also has at most six weeks, too few to say anything. Days remove the logging
density; what is left is how the pupil is on the days someone looked.

- The period before holds as many school days as the plan period, counted back from the day
  before the start and skipping weekends and school holidays (the caller passes the school's
  holidays: `hechtwijzer.holidays`). A plan that starts after the autumn holiday is compared
  with the school weeks before the holiday, not with the holiday. Signals logged on a day that
  is no school day are left out of both periods (and counted in `left_out`).
- **Too few to compare**: when either period has fewer than `MIN_OBSERVED_DAYS` (5) observed
  days, the figures carry no direction. Five is a school week's worth of looking: with fewer,
  one bad or good day decides the rate (one day of five is 20 %), and the catalog's own
  persistence rule for an indication asks for 3 days spread over 10 as a minimum for a
  picture, so fewer than five days in a period cannot carry a comparison.
- The direction ("fewer", "more", "same") compares the rates; rates within 20 % of the larger
  one are "about the same" (`SAME_BAND`), since a difference that small is what a day more or
  less of a typical signal makes over five to thirty observed days.

Plain data in and out: `counts` are (day, signal group, number) rows of the school's own
observations (the caller leaves out withdrawn ones and reports of parents or the pupil). Rows
of groups not in `groups` (the direct safety signals, which are never counted like the others)
still make their day an observed day. Version 1 figures (counts only, stored before December
2026) have no "version" key; the pages show them as they were.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Sequence

FIGURES_VERSION = 2
MIN_OBSERVED_DAYS = 5
SAME_BAND = 0.2
SCHOOL_DAYS_PER_WEEK = 5
_LOOK_BACK_DAYS = 400  # a before period never reaches further back than this

Holiday = tuple[str, datetime.date, datetime.date]  # (code, first day, last day)
ONE_DAY = datetime.timedelta(days=1)


def before_period(start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The same number of calendar days as [start, end], ending the day before `start` (the
    period of version 1 figures)."""
    length = (end - start).days + 1
    return start - datetime.timedelta(days=length), start - ONE_DAY


def _closed(holidays: Iterable[Holiday]) -> set[datetime.date]:
    days = set()
    for _code, first, last in holidays:
        day = first
        while day <= last:
            days.add(day)
            day += ONE_DAY
    return days


def is_school_day(day: datetime.date, closed: Collection[datetime.date]) -> bool:
    return day.weekday() < SCHOOL_DAYS_PER_WEEK and day not in closed


def school_days(
    first: datetime.date, last: datetime.date, closed: Collection[datetime.date]
) -> list[datetime.date]:
    """The school days from `first` to `last` (both included)."""
    days, day = [], first
    while day <= last:
        if is_school_day(day, closed):
            days.append(day)
        day += ONE_DAY
    return days


def school_days_before(
    start: datetime.date, count: int, closed: Collection[datetime.date]
) -> tuple[datetime.date, datetime.date]:
    """The first and last of the `count` (at least 1) school days just before `start`."""
    found: list[datetime.date] = []
    day = start - ONE_DAY
    limit = start - datetime.timedelta(days=_LOOK_BACK_DAYS)
    while len(found) < max(count, 1) and day > limit:
        if is_school_day(day, closed):
            found.append(day)
        day -= ONE_DAY
    if not found:  # nothing but holidays for a year: the day before, as version 1 did
        return start - ONE_DAY, start - ONE_DAY
    return found[-1], found[0]


def comparison_periods(
    start: datetime.date, end: datetime.date, holidays: Iterable[Holiday] = ()
) -> tuple[datetime.date, datetime.date]:
    """The period before [start, end]: as many school days, just before it."""
    closed = _closed(holidays)
    return school_days_before(start, len(school_days(start, end, closed)), closed)


def direction(before: float | None, during: float | None) -> str | None:
    """ "fewer", "more" or "same" for two rates; None when either is unknown."""
    if before is None or during is None:
        return None
    larger = max(before, during)
    if larger == 0 or abs(during - before) / larger < SAME_BAND:
        return "same"
    return "fewer" if during < before else "more"


def _rate(signals: int, days: int) -> float | None:
    return signals / days if days else None


def _rounded(rate: float | None) -> float | None:
    return None if rate is None else round(rate, 2)


def signal_figures(
    counts: Iterable[tuple[datetime.date, str, int]],
    *,
    start: datetime.date,
    end: datetime.date,
    groups: Sequence[str],
    holidays: Sequence[Holiday] = (),
    covered: tuple[datetime.date, datetime.date] | None = None,
    min_days: int = MIN_OBSERVED_DAYS,
) -> dict:
    """Signals per group before and during [start, end] with their rates per observed school
    day, as stored with an evaluation (JSON, version 2; see the module's docstring).

    `holidays` are the school's holidays; `covered` the first and last day the holiday table
    knows completely (None: not known at all). Rows outside both periods, on a day that is no
    school day, or of a group not in `groups` are not counted.
    """
    if end < start:
        raise ValueError("the period ends before it starts")
    closed = _closed(holidays)
    during_days = school_days(start, end, closed)
    before_first, before_last = school_days_before(start, len(during_days), closed)
    totals = {group: {"before": 0, "during": 0} for group in groups}
    observed: dict[str, set[datetime.date]] = {"before": set(), "during": set()}
    left_out = 0
    for day, group, number in counts:
        if not before_first <= day <= end:
            continue
        if not is_school_day(day, closed):
            left_out += number if group in totals else 0
            continue
        when = "during" if day >= start else "before"
        observed[when].add(day)
        if group in totals:
            totals[group][when] += number
    days = {when: len(observed[when]) for when in ("before", "during")}
    comparable = all(n >= min_days for n in days.values())

    def rated(before: int, during: int) -> dict:
        before_rate, during_rate = _rate(before, days["before"]), _rate(during, days["during"])
        return {
            "before": before,
            "during": during,
            "before_rate": _rounded(before_rate),
            "during_rate": _rounded(during_rate),
            "direction": direction(before_rate, during_rate) if comparable else None,
        }

    def within(first: datetime.date, last: datetime.date) -> list[list[str]]:
        return [
            [code, h_first.isoformat(), h_last.isoformat()]
            for code, h_first, h_last in holidays
            if h_first <= last and h_last >= first
        ]

    figures = {
        "version": FIGURES_VERSION,
        "period": [start.isoformat(), end.isoformat()],
        "before_period": [before_first.isoformat(), before_last.isoformat()],
        "school_days": {
            "before": len(school_days(before_first, before_last, closed)),
            "during": len(during_days),
        },
        "observed_days": days,
        "min_days": min_days,
        "comparable": comparable,
        "holidays": {
            # Up to the start: a holiday just before the plan is left out too.
            "before": within(before_first, start - ONE_DAY),
            "during": within(start, end),
        },
        "holidays_known": covered is not None and covered[0] <= before_first and end <= covered[1],
        "left_out": left_out,
        "groups": {group: rated(v["before"], v["during"]) for group, v in totals.items()},
    }
    figures.update(
        rated(
            sum(v["before"] for v in totals.values()),
            sum(v["during"] for v in totals.values()),
        )
    )
    return figures
