"""Signal overviews: pupils × signal groups over the last weeks, for a group or a whole school.

`signal_overview()` counts the school's own observations (group teacher, other staff, care
coordinator) per pupil, signal group and calendar week, in SQL, in at most two queries whatever
the number of pupils or observations: one for the pupils, one aggregate over
`ObservationSignal`. Reports from parents or the pupil are shown on the pupil's page next to the
school's observations and are never summed in here; withdrawn observations never count.

The numbers are counts of logged signals. They are not scores and say nothing about a
diagnosis: a high count means "look together at this pupil", nothing more.

`most_signals()` picks the pupils with the most signals for the "who needs attention" list;
the care coordinator's page for the whole school is `web.school_overview`.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils.translation import get_language

from hechtwijzer.catalog import Text
from hechtwijzer.weeks import WeekStart, recent_mondays, sunday_of, week_number

from .models import ObservationSignal
from .profiles import counted_groups

if TYPE_CHECKING:
    from hechtwijzer.schools.models import Pupil

# Heat-map shading of one cell (a pupil's signals of one signal group in the whole window).
# A cell's level is the number of these floors its count reaches:
#   level 0: 0 signals       nothing logged
#   level 1: 1–2 signals     an incident; anyone has a bad day now and then
#   level 2: 3–5 signals     it recurs (in the default 8 weeks: about every other week)
#   level 3: 6–9 signals     about weekly
#   level 4: 10 or more      more than weekly
# The scale is the same for every window length, so the shade always says the same thing as
# the number printed in the cell (a longer window simply holds more signals). The number is
# always shown as text: the shade repeats it, it never replaces it.
SHADE_FLOORS = (1, 3, 6, 10)

DEFAULT_WEEKS = 8

# The small per-week trend of a row uses a scale for one week: 0, 1, 2, 3–4, 5 or more.
TREND_FLOORS = (1, 2, 3, 5)

# "Most signals": a pupil is listed only with at least this many signals in the window, logged
# on at least this many different days. Three signals start the "it recurs" band above; the
# second day keeps one eventful day (one observation with three ticked signals) off the list.
# The heat map still shows every count.
MOST_SIGNALS_MINIMUM = SHADE_FLOORS[1]
MOST_SIGNALS_MIN_DAYS = 2


def _level(count: int, floors: tuple[int, ...]) -> int:
    return sum(1 for floor in floors if count >= floor)


@dataclass(frozen=True)
class SignalGroup:
    """A signal group of the catalog (behaviour, learning, …), a column of the heat map."""

    code: str
    text: Text

    @property
    def label(self) -> str:
        """The label in the reader's language, chosen when the template reads it."""
        return self.text.get(get_language())


@dataclass(frozen=True)
class Week:
    """A calendar week (Monday to Sunday) in the window; the last one ends on `as_of`."""

    start: datetime.date
    end: datetime.date

    @property
    def number(self) -> int:
        """The ISO week number (weeknummer), as schools plan by."""
        return week_number(self.start)


@dataclass(frozen=True)
class Cell:
    """One pupil's signals of one signal group in the window."""

    count: int
    level: int  # 0–4, see SHADE_FLOORS


@dataclass(frozen=True)
class TrendPoint:
    """One pupil's signals (all groups) in one week."""

    week: Week
    count: int
    height: int  # 0–4, see TREND_FLOORS


@dataclass(frozen=True)
class Shade:
    """One step of the heat-map legend: counts from `low` to `high` (None: no upper bound)."""

    level: int
    low: int
    high: int | None


@dataclass(frozen=True)
class Row:
    """One pupil's line of the heat map.

    Only the counts are made for every pupil; the cells and the trend (a few objects each) are
    made when a table shows the row. A large school's overview counts a few hundred pupils but
    shows only the tables that are opened (web.school_overview, bench/)."""

    pupil: Pupil
    group_counts: tuple[int, ...]  # aligned with Overview.signal_groups
    by_week: tuple[int, ...]  # aligned with Overview.weeks, oldest week first
    weeks: tuple[Week, ...]
    total: int  # signals in the window, all groups
    days: int  # different days with at least one signal

    @functools.cached_property
    def by_group(self) -> tuple[Cell, ...]:
        return tuple(Cell(c, _level(c, SHADE_FLOORS)) for c in self.group_counts)

    @functools.cached_property
    def trend(self) -> tuple[TrendPoint, ...]:
        """by_week with its weeks and bar heights, for the template."""
        return tuple(
            TrendPoint(week, c, _level(c, TREND_FLOORS))
            for week, c in zip(self.weeks, self.by_week, strict=True)
        )


@dataclass(frozen=True)
class Overview:
    as_of: datetime.date  # the last day counted
    start: datetime.date  # the first day counted: the Monday of the first week
    weeks: tuple[Week, ...]  # oldest first
    signal_groups: tuple[SignalGroup, ...]  # in catalog order
    rows: tuple[Row, ...]  # one per pupil, in the order of the pupils queryset
    shades: tuple[Shade, ...]  # the heat-map legend, from SHADE_FLOORS

    @property
    def has_signals(self) -> bool:
        return any(row.total for row in self.rows)

    def only(self, rows: list[Row] | tuple[Row, ...]) -> Overview:
        """The same window and columns for some of the rows (one group of a school, say)."""
        return dataclasses.replace(self, rows=tuple(rows))


def _shades() -> tuple[Shade, ...]:
    bounds = (0, *SHADE_FLOORS)
    return tuple(
        Shade(level, low, bounds[level + 1] - 1 if level + 1 < len(bounds) else None)
        for level, low in enumerate(bounds)
    )


def signal_overview(
    pupils: QuerySet[Pupil], *, as_of: datetime.date, weeks: int = DEFAULT_WEEKS
) -> Overview:
    """Signals per pupil, signal group and week over the last `weeks` calendar weeks.

    `pupils` is already narrowed by the access policy (`pupils_for`); it is only ever narrowed
    further, never widened. The window runs from the Monday `weeks - 1` weeks before `as_of`'s
    week up to and including `as_of`. Counted: the school's own observations that were not
    withdrawn (`ObservationSignal.objects.counted`). Queries: two, whatever the number of
    pupils or observations (one when there are no pupils).
    """
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    week_list = tuple(
        Week(monday, min(sunday_of(monday), as_of)) for monday in recent_mondays(as_of, weeks)
    )
    start = week_list[0].start
    groups = tuple(SignalGroup(code, text) for code, text in counted_groups().items())
    pupil_list = list(pupils)  # query 1

    # counts[pupil_id][week index] = (per-group counts, distinct days)
    counts: dict[int, dict[int, tuple[tuple[int, ...], int]]] = {}
    if pupil_list:
        # Query 2: per pupil and calendar week, the signals of each group and the number of
        # different days. The rows returned are bounded by pupils × weeks, whatever the number
        # of observations; nothing is counted here in Python.
        per_group = {
            f"g{n}": Count("pk", filter=Q(signal_group=group.code))
            for n, group in enumerate(groups)
        }
        aggregate = (
            ObservationSignal.objects.counted(start, as_of)
            .filter(
                pupil_id__in=pupils.values("pk"),
                signal_group__in=[group.code for group in groups],
            )
            .annotate(week=WeekStart("observed_on"))
            .values("pupil_id", "week")
            .annotate(days=Count("observed_on", distinct=True), **per_group)
            .order_by()
        )
        index = {week.start: n for n, week in enumerate(week_list)}
        for item in aggregate:
            monday = item["week"]
            if isinstance(monday, datetime.datetime):  # a backend that returns a timestamp
                monday = monday.date()
            counts.setdefault(item["pupil_id"], {})[index[monday]] = (
                tuple(item[f"g{n}"] for n in range(len(groups))),
                item["days"],
            )

    rows = []
    for pupil in pupil_list:
        by_week_counts = counts.get(pupil.pk, {})
        per_group_total = [0] * len(groups)
        per_week = []
        days = 0
        for n in range(weeks):
            group_counts, week_days = by_week_counts.get(n, ((0,) * len(groups), 0))
            days += week_days
            per_week.append(sum(group_counts))
            for g, count in enumerate(group_counts):
                per_group_total[g] += count
        rows.append(
            Row(
                pupil=pupil,
                group_counts=tuple(per_group_total),
                by_week=tuple(per_week),
                weeks=week_list,
                total=sum(per_group_total),
                days=days,
            )
        )
    return Overview(
        as_of=as_of,
        start=start,
        weeks=week_list,
        signal_groups=groups,
        rows=tuple(rows),
        shades=_shades(),
    )


def most_signals(overview: Overview, limit: int = 10) -> list[Row]:
    """The pupils with the most signals in the window, most first (then most days, then the
    overview's order); only those with at least MOST_SIGNALS_MINIMUM signals on at least
    MOST_SIGNALS_MIN_DAYS days. At most `limit` rows."""
    listed = [
        row
        for row in overview.rows
        if row.total >= MOST_SIGNALS_MINIMUM and row.days >= MOST_SIGNALS_MIN_DAYS
    ]
    listed.sort(key=lambda row: (-row.total, -row.days))  # stable: keeps the pupils' order
    return listed[:limit]
