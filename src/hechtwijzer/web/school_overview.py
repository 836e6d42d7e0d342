"""The care coordinator's overview of a whole school: the heat map of every group, the pupils
with the most signals, the safety lists and the focus cards due.

Each part is its app's own read query (observations.overview for the counts, care.worklist for
the safety lists, plans for the cards); this page puts them together for one school.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe

from hechtwijzer.access import POLICY, Perm, groups_for, membership_at, pupils_for
from hechtwijzer.audit.kept import kept
from hechtwijzer.audit.models import record
from hechtwijzer.care.worklist import awaiting_decision, signal_lists
from hechtwijzer.door import Policy, policy
from hechtwijzer.observations.overview import (
    DEFAULT_WEEKS,
    MOST_SIGNALS_MIN_DAYS,
    MOST_SIGNALS_MINIMUM,
    Overview,
    Row,
    most_signals,
    signal_overview,
)
from hechtwijzer.plans.actions import card_holders, overdue_cards
from hechtwijzer.schools.models import PupilStatus, current_school_year
from hechtwijzer.weeks import weeks_choice

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest, HttpResponse

    from hechtwijzer.schools.models import Group, Pupil

WEEK_CHOICES = (4, 8, 12)
# Up to this many pupils the page shows every group's table at once. A larger school (a few
# hundred pupils: about 1.1 KB of HTML per pupil row) shows each group's table when it is
# opened: loaded with htmx, or, without JavaScript, by following the group's link.
INLINE_ROWS = 150


# --- the care coordinator's school overview ---------------------------------------------------


@dataclass(frozen=True)
class Section:
    """The heat map of one group of this school year, or of the pupils without one."""

    group: Group | None
    overview: Overview
    shown: bool = True  # the table is in the page; otherwise loaded when the group is opened

    @property
    def key(self) -> str:
        """The section's name in URLs and ids: the group's id, or "none"."""
        return str(self.group.pk) if self.group else NO_GROUP

    @property
    def total(self) -> int:
        return sum(row.total for row in self.overview.rows)

    @property
    def with_signals(self) -> int:
        return sum(1 for row in self.overview.rows if row.total)


NO_GROUP = "none"


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


def _section_pupils(pupils: QuerySet[Pupil], groups: list[Group], key: str) -> QuerySet[Pupil]:
    """The pupils of one section: a group of this school year, or "none" (the rest)."""
    if key == NO_GROUP:
        return pupils.exclude(group_id__in=[group.pk for group in groups])
    group = next((group for group in groups if str(group.pk) == key), None)
    if group is None:
        raise Http404
    return pupils.filter(group_id=group.pk)


def _shown(sections: list[Section], opened: str) -> list[Section]:
    """Every table in the page for a small school; for a larger one only the opened group's."""
    small = sum(len(section.overview.rows) for section in sections) <= INLINE_ROWS
    return [
        Section(section.group, section.overview, shown=small or section.key == opened)
        for section in sections
    ]


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
        # What the heat map and the lists show of a few hundred pupils; fewer columns to read
        # and convert (the test of this page's queries would catch a deferred field in use).
        .only("public_id", "first_name", "last_name", "school_id", "group__name")
        .order_by("sort_name", "first_name", "pk")
    )
    # Read where used: in the kept content, after the school's version (audit.kept).
    groups = (
        groups_for(request.user, Perm.SCHOOL_OVERVIEW)
        .filter(school_id=school_id, school_year=year)
        .order_by("name")
    )
    opened = request.GET.get("group", "")
    # Opening a group's section asks for that group's table alone (htmx): count its pupils only.
    partial = bool(request.headers.get("HX-Request") and opened)
    record(
        action="school.overview",
        request=request,
        school_id=school_id,
        object_type="school",
        object_id=school_id,
        details={"weeks": weeks, **({"group": opened} if opened else {})},
    )
    if partial:
        groups = list(groups)
        pupils = _section_pupils(pupils, groups, opened)
        overview = signal_overview(pupils, as_of=timezone.localdate(), weeks=weeks)
        sections = _shown(_sections(overview, groups), opened)
        section = next((s for s in sections if s.key == opened), None)
        if section is None:
            raise Http404
        return render(request, "web/_overview_section.html", {"section": section})
    body = _body(request, membership, pupils, groups, opened, weeks)
    return render(request, "web/school_overview.html", {"school": membership.school, "body": body})


def _body(request, membership, pupils, groups, opened, weeks) -> str:
    """The page's content, kept per version of the school's records (audit.kept): the signal
    counts, the safety lists and the engine's profiles behind them are most of the page's cost,
    and a care coordinator opens the page again and again between changes (BENCHMARKS.md)."""

    def content() -> str:
        today = timezone.localdate()
        overview = signal_overview(pupils, as_of=today, weeks=weeks)
        sections = _shown(_sections(overview, list(groups)), opened)
        context = _context(request, membership, pupils, sections, overview, today)
        return render_to_string("web/_school_overview_body.html", context, request)

    return kept(request, "school-overview", membership.school_id, content, forms=False)


def _context(request, membership, pupils, sections, overview, today) -> dict:
    school_id = membership.school_id
    holders = card_holders(pupils)
    in_scope = pupils_for(request.user, Perm.VIEW_SAFEGUARDING).filter(school_id=school_id)
    to_map, to_watch = signal_lists(in_scope, today)
    return {
        "worklist": {
            "awaiting": awaiting_decision(in_scope),
            "to_map": to_map,
            "to_watch": to_watch,
        },
        "school": membership.school,
        "overview": overview,
        "sections": sections,
        "all_shown": all(section.shown for section in sections),
        "most_signals": most_signals(overview),
        "card_holders": holders,
        "overdue": list(overdue_cards(pupils, today)),
        "minimum": MOST_SIGNALS_MINIMUM,
        "min_days": MOST_SIGNALS_MIN_DAYS,
        "weeks": len(overview.weeks),
        "week_choices": WEEK_CHOICES,
    }
