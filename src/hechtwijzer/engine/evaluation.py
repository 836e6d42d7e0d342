"""Evaluation figures: how often signals were logged during a plan period and just before it.

An evaluation asks "did the measures help?". The figure beside the team's answer compares the
number of signals per signal group during the plan period with the same number of days just
before it. It is a count, not a score: fewer signals can also mean less logging, which is why
the evaluation page shows it beside what the team saw, never instead of it.

Plain data in and out: `counts` are (day, signal group, number) rows of the school's own
observations (the caller leaves out withdrawn ones, reports of parents or the pupil, and the
direct safety signals, which are never counted like the others).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence


def before_period(start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The same number of days as [start, end], ending the day before `start`."""
    length = (end - start).days + 1
    return start - datetime.timedelta(days=length), start - datetime.timedelta(days=1)


def signal_figures(
    counts: Iterable[tuple[datetime.date, str, int]],
    *,
    start: datetime.date,
    end: datetime.date,
    groups: Sequence[str],
) -> dict:
    """Signals per group before and during [start, end], as stored with an evaluation (JSON).

    Rows outside both periods, or of a group not in `groups`, are not counted.
    """
    if end < start:
        raise ValueError("the period ends before it starts")
    before_start, before_end = before_period(start, end)
    figures = {group: {"before": 0, "during": 0} for group in groups}
    for day, group, number in counts:
        if group not in figures or not before_start <= day <= end:
            continue
        figures[group]["during" if day >= start else "before"] += number
    return {
        "period": [start.isoformat(), end.isoformat()],
        "before_period": [before_start.isoformat(), before_end.isoformat()],
        "groups": figures,
        "before": sum(f["before"] for f in figures.values()),
        "during": sum(f["during"] for f in figures.values()),
    }
