"""Domain functions of the care-team meeting: plan it, fill the agenda, write the minutes and
decisions, mark decisions done and the meeting held.

Each takes the acting user as `actor`, checks the access policy (Perm.CARE_TEAM at the
meeting's school: the care coordinator), validates, and writes the audit entry in the same
transaction. Writes about a pupil (agenda, minutes, decisions) are audited with the pupil, so
they are in the pupil's audit trail; the entries hold no free text.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hechtwijzer.access import Perm, allows
from hechtwijzer.audit.models import record
from hechtwijzer.forms import is_supported_day, supported_day_error
from hechtwijzer.locking import StaleVersion
from hechtwijzer.plans.models import Decision, Evaluation
from hechtwijzer.schools.models import Membership, Pupil, School

from .models import AgendaItem, AgendaSource, Meeting, MeetingDecision, MeetingStatus
from .queries import runs_meetings

MAX_TITLE = 120
MAX_QUESTION = 1000
MAX_MINUTES = 10000
MAX_DECISION = 500


def _require(actor: Any, school_id: int) -> None:
    if not runs_meetings(actor, school_id):
        raise PermissionDenied


def _audit(actor: Any, action: str, *, meeting: Meeting, pupil: Pupil | None = None, **details):
    record(
        action=action,
        actor=actor,
        pupil=pupil,
        school_id=meeting.school_id,
        object_type="meeting",
        object_id=str(meeting.uid),
        details={"meeting": str(meeting.uid), **details},
    )


def school_staff(school: School | int) -> Any:
    """The active staff accounts of a school (who may attend its meetings), by name."""
    school_id = school.pk if isinstance(school, School) else school
    members = Membership.objects.filter(school_id=school_id).values("user_id")
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=members)
        .order_by("first_name", "last_name", "username")
    )


def _check_meeting(school: School, starts_at: datetime.datetime, title: str, attendees) -> list:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Give the meeting a title.")]
    elif len(title) > MAX_TITLE:
        errors["title"] = [_("Keep the title under %(max)d characters.") % {"max": MAX_TITLE}]
    if starts_at is None or not is_supported_day(starts_at.date()):
        errors["starts_at"] = supported_day_error().messages
    wanted = {user.pk for user in attendees}
    staff = list(school_staff(school).filter(pk__in=wanted))
    if len(staff) != len(wanted):
        errors["attendees"] = [_("Choose attendees from the school's staff.")]
    if errors:
        raise ValidationError(errors)
    return staff


def create_meeting(
    *,
    actor: Any,
    school: School,
    starts_at: datetime.datetime,
    title: str,
    attendees: Iterable[Any] = (),
) -> Meeting:
    """Plan a meeting at `school` (care coordinator). The actor always attends.
    Side effects: Meeting, its attendees, audit `meeting.create`."""
    _require(actor, school.pk)
    staff = _check_meeting(school, starts_at, title, list(attendees))
    with transaction.atomic():
        meeting = Meeting.objects.create(
            school=school, starts_at=starts_at, title=title.strip(), created_by=actor
        )
        meeting.attendees.set({*staff, actor})
        _audit(actor, "meeting.create", meeting=meeting, attendees=len({*staff, actor}))
    return meeting


def mark_held(*, actor: Any, meeting: Meeting) -> Meeting:
    """The meeting took place. Side effects: status, audit `meeting.held`."""
    _require(actor, meeting.school_id)
    with transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(
            status=MeetingStatus.HELD, updated_at=timezone.now()
        )
        meeting.status = MeetingStatus.HELD
        _audit(actor, "meeting.held", meeting=meeting)
    return meeting


def add_to_agenda(
    *,
    actor: Any,
    meeting: Meeting,
    pupil: Pupil,
    question: str = "",
    source: str = AgendaSource.MANUAL,
    evaluation: Evaluation | None = None,
) -> AgendaItem:
    """Put a pupil on the agenda of a planned meeting, last. A pupil already on it keeps their
    place (and the question is kept). `evaluation` must be one of the pupil's evaluations
    whose decision was "discuss in the care team".
    Side effects: AgendaItem, audit `meeting.agenda_add` with the pupil."""
    _require(actor, meeting.school_id)
    if not allows(actor, Perm.CARE_TEAM, pupil) or pupil.school_id != meeting.school_id:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if not meeting.is_planned:
        errors["__all__"] = [_("This meeting was already held; plan a new one.")]
    if len(question or "") > MAX_QUESTION:
        errors["question"] = [
            _("Keep the question under %(max)d characters.") % {"max": MAX_QUESTION}
        ]
    if source not in AgendaSource.values:
        errors["source"] = [_("Unknown source.")]
    if evaluation is not None and (
        evaluation.card.pupil_id != pupil.pk or evaluation.decision != Decision.CARE_TEAM
    ):
        errors["__all__"] = [_("This evaluation did not ask for the care team.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        existing = AgendaItem.objects.filter(meeting=meeting, pupil=pupil).first()
        if existing is not None:
            return existing
        last = meeting.items.aggregate(n=Max("position"))["n"]
        item = AgendaItem.objects.create(
            meeting=meeting,
            pupil=pupil,
            question=(question or "").strip(),
            added_by=actor,
            source=source if evaluation is None else AgendaSource.EVALUATION,
            evaluation=evaluation,
            position=0 if last is None else last + 1,
        )
        _audit(actor, "meeting.agenda_add", meeting=meeting, pupil=pupil, source=item.source)
    return item


def remove_from_agenda(*, actor: Any, item: AgendaItem) -> None:
    """Take a pupil off a planned meeting's agenda (nothing written about them yet).
    Side effects: the item is deleted, audit `meeting.agenda_remove`."""
    meeting = item.meeting
    _require(actor, meeting.school_id)
    if not meeting.is_planned or item.minutes or item.decisions.exists():
        raise ValidationError(
            {"__all__": [_("Minutes or decisions were written for this pupil; they stay.")]}
        )
    with transaction.atomic():
        pupil = item.pupil
        item.delete()
        _audit(actor, "meeting.agenda_remove", meeting=meeting, pupil=pupil)


def write_minutes(*, actor: Any, item: AgendaItem, text: str, version: int) -> AgendaItem:
    """Save the minutes about one pupil. `version` is the minutes version the writer saw;
    a save based on an older one is refused (StaleVersion) and nothing is written.
    Side effects: the minutes (encrypted), audit `meeting.minutes` with the pupil."""
    _require(actor, item.meeting.school_id)
    if len(text or "") > MAX_MINUTES:
        raise ValidationError(
            {"minutes": [_("Keep the minutes under %(max)d characters.") % {"max": MAX_MINUTES}]}
        )
    with transaction.atomic():
        current = (
            AgendaItem.objects.select_for_update()
            .select_related("meeting", "pupil")
            .get(pk=item.pk)
        )
        if current.minutes_version != version:
            raise StaleVersion(current=current, field="minutes_version")
        current.minutes = (text or "").strip()
        current.minutes_version += 1
        current.save(update_fields=["minutes", "minutes_version"])
        _audit(
            actor,
            "meeting.minutes",
            meeting=current.meeting,
            pupil=current.pupil,
            version=current.minutes_version,
        )
    return current


def add_decision(
    *, actor: Any, item: AgendaItem, what: str, owner: Any, due_on: datetime.date
) -> MeetingDecision:
    """Record a decision about the pupil of `item`: what, who (a staff account who may see
    the pupil), by when. Side effects: MeetingDecision, audit `meeting.decision`."""
    _require(actor, item.meeting.school_id)
    errors: dict[str, list[str]] = {}
    if not (what or "").strip():
        errors["what"] = [_("Say what was decided.")]
    elif len(what) > MAX_DECISION:
        errors["what"] = [_("Keep the decision under %(max)d characters.") % {"max": MAX_DECISION}]
    if owner is None or not owner.is_active or not allows(owner, Perm.VIEW_PUPIL, item.pupil):
        errors["owner"] = [_("Choose someone of the school who may see this pupil.")]
    if due_on is None or not is_supported_day(due_on):
        errors["due_on"] = supported_day_error().messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        decision = MeetingDecision.objects.create(
            item=item, what=what.strip(), owner=owner, due_on=due_on, created_by=actor
        )
        _audit(
            actor,
            "meeting.decision",
            meeting=item.meeting,
            pupil=item.pupil,
            decision=str(decision.uid),
            owner=owner.get_username(),
            due=due_on.isoformat(),
        )
    return decision


def complete_decision(*, actor: Any, decision: MeetingDecision) -> MeetingDecision:
    """Mark a decision done: its owner or the care coordinator. Side effects: done_at, audit
    `meeting.decision_done` with the pupil. Done already: nothing changes."""
    item = decision.item
    if decision.owner_id != actor.pk and not runs_meetings(actor, item.meeting.school_id):
        raise PermissionDenied
    if not allows(actor, Perm.VIEW_PUPIL, item.pupil):
        raise PermissionDenied
    with transaction.atomic():
        updated = MeetingDecision.objects.filter(pk=decision.pk, done_at__isnull=True).update(
            done_at=timezone.now()
        )
        if updated:
            decision.refresh_from_db(fields=["done_at"])
            _audit(
                actor,
                "meeting.decision_done",
                meeting=item.meeting,
                pupil=item.pupil,
                decision=str(decision.uid),
            )
    return decision
