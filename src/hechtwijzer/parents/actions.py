"""Domain functions for parent conversations and the parents' consent on the plan.

Each takes the acting user, checks `Perm.WORK_WITH_PARENTS` for the pupil, validates, saves and
writes the audit entry in one transaction. Audit details hold ids, dates and codes, never the
text (what the parents said is encrypted and stays out of the trail).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hechtwijzer.access import Perm, allows
from hechtwijzer.audit.models import record
from hechtwijzer.forms import is_supported_day, supported_day_error
from hechtwijzer.locking import StaleVersion, check_version, lock_version
from hechtwijzer.plans.models import FocusCard

from .models import Consent, ParentConversation, PlanConsent

ATTENDEES_MAX = 500
TEXT_MAX = 5000


def _require(actor, pupil) -> None:
    if not allows(actor, Perm.WORK_WITH_PARENTS, pupil):
        raise PermissionDenied


def _check_day(day: datetime.date | None, errors: dict, key: str, *, required: bool) -> None:
    if day is None:
        if required:
            errors[key] = _("Enter the date.")
        return
    if not is_supported_day(day):
        errors[key] = supported_day_error().messages[0]
    elif day > timezone.localdate():
        errors[key] = _("This date lies in the future: record what has happened.")


def _check_text(value: str, errors: dict, key: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        errors[key] = _("At most %(n)d characters.") % {"n": limit}
    return value


def _clean(pupil, held_on, attendees, at_home, agreements, card) -> dict:
    errors: dict[str, str] = {}
    _check_day(held_on, errors, "held_on", required=True)
    attendees = _check_text(attendees, errors, "attendees", ATTENDEES_MAX)
    if not attendees and "attendees" not in errors:
        errors["attendees"] = _("Say who took part, e.g. “mother, father, group teacher”.")
    at_home = _check_text(at_home, errors, "at_home", TEXT_MAX)
    agreements = _check_text(agreements, errors, "agreements", TEXT_MAX)
    if card is not None and card.pupil_id != pupil.pk:
        errors["card"] = _("This focus card is not this pupil's.")
    if errors:
        raise ValidationError(errors)
    return {
        "held_on": held_on,
        "attendees": attendees,
        "at_home": at_home,
        "agreements": agreements,
        "card": card,
    }


def record_conversation(
    *, actor, pupil, held_on, attendees, at_home="", agreements="", card: FocusCard | None = None
) -> ParentConversation:
    """Record a conversation with the parents. Audit `parents.conversation.create`."""
    _require(actor, pupil)
    values = _clean(pupil, held_on, attendees, at_home, agreements, card)
    with transaction.atomic():
        conversation = ParentConversation(pupil=pupil, recorded_by=actor, **values)
        conversation.save()
        record(
            action="parents.conversation.create",
            actor=actor,
            pupil=pupil,
            details={
                "conversation": str(conversation.uid),
                "held_on": held_on.isoformat(),
                "card": card.number if card else None,
            },
        )
    return conversation


def update_conversation(
    *,
    actor,
    conversation: ParentConversation,
    expected_version: int,
    held_on,
    attendees,
    at_home="",
    agreements="",
    card: FocusCard | None = None,
) -> ParentConversation:
    """Change a recorded conversation; refused (StaleVersion) when someone changed it since
    `expected_version` was shown. Audit `parents.conversation.update`."""
    pupil = conversation.pupil
    _require(actor, pupil)
    values = _clean(pupil, held_on, attendees, at_home, agreements, card)
    with transaction.atomic():
        current = lock_version(ParentConversation.objects, conversation.pk, expected_version)
        for name, value in values.items():
            setattr(current, name, value)
        current.version += 1
        current.save()
        record(
            action="parents.conversation.update",
            actor=actor,
            pupil=pupil,
            details={
                "conversation": str(current.uid),
                "held_on": held_on.isoformat(),
                "card": card.number if card else None,
                "version": current.version,
            },
        )
    return current


def record_consent(
    *,
    actor,
    card: FocusCard,
    expected_version: int,
    status: str,
    decided_on: datetime.date | None,
    parents_view: str = "",
) -> PlanConsent:
    """Record the parents' view and consent on one version of the card (0 as
    `expected_version` when nothing was recorded for it yet). Audit `parents.consent`."""
    pupil = card.pupil
    _require(actor, pupil)
    errors: dict[str, str] = {}
    if status not in Consent.values:
        errors["status"] = _("Choose one of the answers.")
    _check_day(decided_on, errors, "decided_on", required=status != Consent.NOT_ASKED)
    parents_view = _check_text(parents_view, errors, "parents_view", TEXT_MAX)
    if errors:
        raise ValidationError(errors)
    if status == Consent.NOT_ASKED:
        decided_on = None
    with transaction.atomic():
        FocusCard.objects.select_for_update().filter(pk=card.pk).first()  # one writer per card
        current = PlanConsent.objects.filter(card=card).first()
        check_version(current, expected_version, absent=0)
        if current is None:
            current = PlanConsent(card=card, pupil=pupil, recorded_by=actor)
        else:
            current.version += 1
            current.recorded_by = actor
        current.status = status
        current.decided_on = decided_on
        current.parents_view = parents_view
        current.save()
        record(
            action="parents.consent",
            actor=actor,
            pupil=pupil,
            details={
                "card": card.number,
                "status": status,
                "decided_on": decided_on.isoformat() if decided_on else None,
                "version": current.version,
            },
        )
    return current


def latest_conversation(pupil) -> ParentConversation | None:
    return ParentConversation.objects.filter(pupil=pupil).order_by("-held_on", "-id").first()


__all__ = [
    "StaleVersion",
    "latest_conversation",
    "record_consent",
    "record_conversation",
    "update_conversation",
]
