"""The behaviour card's trend: plain Python, no database (the weeks: hechtwijzer.weeks).

The trend is, per school week (Monday to Friday) and per goal, the share of the scored day
parts in which the goal succeeded: day parts without a score do not count, so a week with two
scores, both "succeeded", is 100 % on two scores (the table shows both numbers).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hechtwijzer.weeks import friday_of, monday_of, week_number

SUCCEEDED = 2
BAR_STEPS = 20  # bar widths in steps of 5 %, the `w0` … `w20` classes of app.css


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
        return week_number(self.monday)

    @property
    def friday(self) -> datetime.date:
        return friday_of(self.monday)


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
