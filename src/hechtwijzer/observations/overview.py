"""Signal overviews: pupils × signal groups over the last weeks, for a group or a whole school.

`signal_overview()` counts the school's own observations (group teacher, other staff, care
coordinator) per pupil, signal group and calendar week, in SQL, in at most two queries whatever
the number of pupils or observations: one for the pupils, one aggregate over
`ObservationSignal`. Reports from parents or the pupil are shown on the pupil's page next to the
school's observations and are never summed in here; withdrawn observations never count.

The numbers are counts of logged signals. They are not scores and say nothing about a
diagnosis: a high count means "look together at this pupil", nothing more.

`most_signals()` picks the pupils with the most signals for the "who needs attention" list, and
`school_overview()` is the care coordinator's page for the whole school.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from hechtwijzer.access import (
    POLICY,
    Perm,
    Policy,
    groups_for,
    membership_at,
    policy,
    pupils_for,
)
from hechtwijzer.audit.models import record
from hechtwijzer.catalog import Text
from hechtwijzer.schools.models import PupilStatus, current_school_year
from hechtwijzer.weeks import WeekStart, recent_mondays, sunday_of, week_number, weeks_choice

from .models import SCHOOL_INFORMANTS, ObservationSignal
from .profiles import counted_groups

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from hechtwijzer.schools.models import Group, Pupil

# The school's own informants (models.SCHOOL_INFORMANTS). Parents' and pupils' reports are
# shown side by side with these on the pupil's page, never added up with them.
OWN_INFORMANTS = SCHOOL_INFORMANTS

DEFAULT_WEEKS = 8
WEEK_CHOICES = (4, 8, 12)

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
    """One pupil's line of the heat map."""

    pupil: Pupil
    by_group: tuple[Cell, ...]  # aligned with Overview.signal_groups
    by_week: tuple[int, ...]  # aligned with Overview.weeks, oldest week first
    trend: tuple[TrendPoint, ...]  # by_week with its weeks and bar heights, for the template
    total: int  # signals in the window, all groups
    days: int  # different days with at least one signal
    # --- Focus card: the hook for the next issue ----------------------------------------------
    # Focus cards and their evaluations do not exist yet. When they do, add here
    #     focus_card: FocusCard | None        the pupil's current card, None when there is none
    #     evaluation_due: datetime.date | None the date the card's evaluation is due
    # filled by ONE more query in signal_overview() (pupil_id__in the same subquery, never per
    # row), show them as two more columns in _heatmap.html, and let the attention list keep only
    # rows without a card: "many signals and no focus card yet", plus a list "evaluation due".
    # ---------------------------------------------------------------------------------------------


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
    week up to and including `as_of`. Counted: the school's own observations (OWN_INFORMANTS)
    that were not withdrawn. Queries: two, whatever the number of pupils or observations (one
    when there are no pupils).
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
            ObservationSignal.objects.filter(
                pupil_id__in=pupils.values("pk"),
                observed_on__gte=start,
                observed_on__lte=as_of,
                withdrawn=False,
                informant__in=OWN_INFORMANTS,
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
                by_group=tuple(Cell(c, _level(c, SHADE_FLOORS)) for c in per_group_total),
                by_week=tuple(per_week),
                trend=tuple(
                    TrendPoint(week, c, _level(c, TREND_FLOORS))
                    for week, c in zip(week_list, per_week, strict=True)
                ),
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


# --- the care coordinator's school overview ---------------------------------------------------


@dataclass(frozen=True)
class Section:
    """The heat map of one group of this school year, or of the pupils without one."""

    group: Group | None
    overview: Overview


def _sections(overview: Overview, groups: list[Group]) -> list[Section]:
    by_group: dict[int | None, list[Row]] = {}
    for row in overview.rows:
        by_group.setdefault(row.pupil.group_id, []).append(row)
    sections = [Section(group, overview.only(by_group.pop(group.pk, []))) for group in groups]
    # The rest have no group, or only one of an earlier school year; the pupils' order stays.
    unplaced = [row for row in overview.rows if row.pupil.group_id in by_group]
    if unplaced:
        sections.append(Section(None, overview.only(unplaced)))
    return sections


@require_safe
@policy(Policy.SCHOOL, Perm.SCHOOL_OVERVIEW)
def school_overview(request: HttpRequest, school_id: int) -> HttpResponse:
    """All active pupils of a school × signal groups over the last weeks (care coordinator).

    Outside the user's schools, or without Perm.SCHOOL_OVERVIEW there, the page does not exist
    (404, recorded as "access.denied"). Side effects: audit entry "school.overview". Queries: a
    fixed number, whatever the number of pupils or observations.
    """
    membership = membership_at(request.user, school_id)
    if membership is None or membership.role not in POLICY[Perm.SCHOOL_OVERVIEW]:
        record(
            action="access.denied",
            request=request,
            school_id=school_id,
            object_type="school",
            object_id=school_id,
            details={"wanted": "school.overview"},
        )
        raise Http404
    weeks = weeks_choice(request.GET.get("weeks"), WEEK_CHOICES, DEFAULT_WEEKS)
    year = current_school_year()
    pupils = (
        pupils_for(request.user, Perm.SCHOOL_OVERVIEW)
        .filter(school_id=school_id, status=PupilStatus.ACTIVE)
        .select_related("group")
        .order_by("sort_name", "first_name", "pk")
    )
    groups = list(
        groups_for(request.user, Perm.SCHOOL_OVERVIEW)
        .filter(school_id=school_id, school_year=year)
        .order_by("name")
    )
    overview = signal_overview(pupils, as_of=timezone.localdate(), weeks=weeks)
    record(
        action="school.overview",
        request=request,
        school_id=school_id,
        object_type="school",
        object_id=school_id,
        details={"weeks": weeks},
    )
    from hechtwijzer.care.worklist import awaiting_decision, signal_lists
    from hechtwijzer.plans.actions import card_holders, overdue_cards

    today = timezone.localdate()
    holders = card_holders(pupils)
    in_scope = pupils_for(request.user, Perm.VIEW_SAFEGUARDING).filter(school_id=school_id)
    to_map, to_watch = signal_lists(in_scope, today)
    context = {
        "worklist": {
            "awaiting": awaiting_decision(in_scope),
            "to_map": to_map,
            "to_watch": to_watch,
        },
        "school": membership.school,
        "overview": overview,
        "sections": _sections(overview, groups),
        "most_signals": most_signals(overview),
        "card_holders": holders,
        "overdue": list(overdue_cards(pupils, today)),
        "minimum": MOST_SIGNALS_MINIMUM,
        "min_days": MOST_SIGNALS_MIN_DAYS,
        "weeks": weeks,
        "week_choices": WEEK_CHOICES,
    }
    return render(request, "observations/school_overview.html", context)
