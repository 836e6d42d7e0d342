"""School weeks and the behaviour card's trend: plain Python, no database.

A school week is Monday to Friday. The trend is, per week and per goal, the share of the
scored day parts in which the goal succeeded: day parts without a score do not count, so a week
with two scores, both "succeeded", is 100 % on two scores (the table shows both numbers).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SCHOOL_DAYS = 5
SUCCEEDED = 2
BAR_STEPS = 20  # bar widths in steps of 5 %, the `w0` … `w20` classes of app.css


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def school_days(monday: datetime.date) -> list[datetime.date]:
    return [monday + datetime.timedelta(days=n) for n in range(SCHOOL_DAYS)]


def is_school_day(day: datetime.date) -> bool:
    return day.weekday() < SCHOOL_DAYS


def parse_day(value: str | None) -> datetime.date | None:
    """A date from `YYYY-MM-DD`, or None when missing or malformed."""
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


def previous_school_day(day: datetime.date) -> datetime.date:
    day -= datetime.timedelta(days=1)
    while not is_school_day(day):
        day -= datetime.timedelta(days=1)
    return day


def next_school_day(day: datetime.date) -> datetime.date:
    day += datetime.timedelta(days=1)
    while not is_school_day(day):
        day += datetime.timedelta(days=1)
    return day


def latest_school_day(day: datetime.date) -> datetime.date:
    """`day` itself on a school day, else the Friday before it."""
    return day if is_school_day(day) else previous_school_day(day)


@dataclass(frozen=True)
class TrendCell:
    goal: int
    scored: int
    succeeded: int

    @property
    def percent(self) -> int | None:
        if not self.scored:
            return None
        return round(100 * self.succeeded / self.scored)

    @property
    def width(self) -> int:
        """The bar's width class, 0 … 20 (steps of 5 %)."""
        return round((self.percent or 0) * BAR_STEPS / 100)


@dataclass(frozen=True)
class TrendWeek:
    monday: datetime.date
    cells: list[TrendCell]

    @property
    def number(self) -> int:
        return self.monday.isocalendar().week

    @property
    def friday(self) -> datetime.date:
        return self.monday + datetime.timedelta(days=SCHOOL_DAYS - 1)


def trend(
    scores: Iterable[tuple[datetime.date, int, int]],
    goals: Sequence[int],
    mondays: Sequence[datetime.date],
) -> list[TrendWeek]:
    """Per week (`mondays`, oldest first) and goal slot: scores given and how many succeeded.

    `scores` are (day, goal slot, value) triples; those outside the weeks or of other goals are
    ignored.
    """
    counts: dict[tuple[datetime.date, int], list[int]] = {
        (monday, goal): [0, 0] for monday in mondays for goal in goals
    }
    for day, goal, value in scores:
        key = (monday_of(day), goal)
        if key in counts:
            counts[key][0] += 1
            counts[key][1] += value == SUCCEEDED
    return [
        TrendWeek(
            monday=monday,
            cells=[TrendCell(goal, *counts[(monday, goal)]) for goal in goals],
        )
        for monday in mondays
    ]
