"""Read queries of the care-team meeting, for its own pages and for other apps.

`open_decisions()` is the one function the work lists and reminders read decisions through:
open decisions (not done) by owner, school and due date, with their pupil and meeting in the
same query.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet

from hechtwijzer.access import Perm, may_at_school, memberships, pupils_for

from .models import AgendaItem, Meeting, MeetingDecision


def runs_meetings(user: Any, school_id: int | None) -> bool:
    """Whether the user plans this school's meetings and writes their minutes (the care
    coordinator: Perm.CARE_TEAM with the whole school as scope)."""
    return may_at_school(user, Perm.CARE_TEAM, school_id)


def meetings_for(user: Any) -> QuerySet[Meeting]:
    """The meetings the user may open: every meeting of a school where they run the meetings,
    and the meetings they attend at a school where they are staff."""
    condition = Q()
    for membership in memberships(user):
        if runs_meetings(user, membership.school_id):
            condition |= Q(school_id=membership.school_id)
        else:
            condition |= Q(school_id=membership.school_id, attendees=user)
    if not condition:
        return Meeting.objects.none()
    return Meeting.objects.filter(condition).distinct()


def meeting_for(user: Any, uid) -> Meeting | None:
    """One meeting for the user, or None when they may not open it (the page answers 404)."""
    return meetings_for(user).select_related("school").filter(uid=uid).first()


def visible_items(user: Any, meeting: Meeting) -> QuerySet[AgendaItem]:
    """The meeting's agenda items about pupils the user may see (a teacher attendee sees
    their own pupils only; the care coordinator every pupil of the school)."""
    return (
        meeting.items.filter(pupil__in=pupils_for(user, Perm.VIEW_PUPIL))
        .select_related("pupil", "pupil__group", "evaluation")
        .order_by("position", "id")
    )


def open_decisions(
    user: Any = None,
    school: Any = None,
    due_before: datetime.date | None = None,
) -> QuerySet[MeetingDecision]:
    """Decisions not yet done, soonest due first, in one query with their agenda item, pupil,
    meeting and owner.

    `user`: only decisions this staff account owns. `school`: only decisions of that school's
    meetings (a School or its id). `due_before`: only decisions due before that day (so
    `due_before=today + 1 day` gives those due today or overdue). Decisions of pupils who left
    the school stay listed: they are still someone's task. The owner was someone who may see
    the pupil when the decision was made (meetings.actions.add_decision).
    """
    decisions = MeetingDecision.objects.filter(done_at__isnull=True)
    if user is not None:
        decisions = decisions.filter(owner=user)
    if school is not None:
        decisions = decisions.filter(item__meeting__school=school)
    if due_before is not None:
        decisions = decisions.filter(due_on__lt=due_before)
    return decisions.select_related("item", "item__pupil", "item__meeting", "owner").order_by(
        "due_on", "id"
    )
