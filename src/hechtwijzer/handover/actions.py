"""Domain functions of the warm handover: write it (the pupil's teacher or the care coordinator,
who keep the plan), acknowledge it (the next teacher, also before the new school year starts).
Each checks the policy, writes and records the audit entry in one transaction; the audit
details hold ids and versions, never the text."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hechtwijzer.access import Perm, allows
from hechtwijzer.audit.models import record
from hechtwijzer.locking import StaleVersion, check_version, lock_version
from hechtwijzer.schools.models import Pupil, current_school_year

from .models import Acknowledgement, Handover
from .queries import has_card

TEXT_MAX = 5000


def _require(actor: Any, pupil: Pupil, perm: Perm = Perm.KEEP_FOCUS_CARD) -> None:
    if not allows(actor, perm, pupil):
        raise PermissionDenied


def write(
    *, actor: Any, pupil: Pupil, start_with: str, expected_version: int | None = None
) -> Handover:
    """Write or change this school year's handover for a pupil with a focus card or behaviour
    card. `expected_version`: the version the writer saw (None: there was none yet); a change
    made since is refused with StaleVersion. Audit `handover.write` (new) or `handover.change`."""
    _require(actor, pupil)
    text = (start_with or "").strip()
    if not text:
        raise ValidationError({"start_with": _("Write what the next teacher should start with.")})
    if len(text) > TEXT_MAX:
        raise ValidationError(
            {"start_with": _("Keep it under %(max)s characters.") % {"max": TEXT_MAX}}
        )
    if not has_card(pupil):
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "A warm handover is written for a pupil with a focus card or behaviour card."
                )
            }
        )
    year = current_school_year()
    with transaction.atomic():
        existing = Handover.objects.filter(pupil=pupil, school_year=year).first()
        if existing is None:
            check_version(None, expected_version, absent=None)
            handover = Handover.objects.create(
                pupil=pupil, school_year=year, start_with=text, author=actor
            )
            action = "handover.write"
        else:
            handover = lock_version(Handover.objects, existing.pk, expected_version)
            handover.start_with = text
            handover.author = actor
            handover.version += 1
            handover.save()
            action = "handover.change"
        record(
            action=action,
            actor=actor,
            pupil=pupil,
            details={"handover": str(handover.uid), "version": handover.version},
        )
    return handover


def acknowledge(*, actor: Any, handover: Handover) -> Acknowledgement:
    """Mark the handover read by `actor`: it no longer greets them on the pupil page, nor
    waits on their start page before the new school year. Anyone who may read it may mark it
    (Perm.READ_HANDOVER). Idempotent. Audit `handover.acknowledge`."""
    _require(actor, handover.pupil, Perm.READ_HANDOVER)
    with transaction.atomic():
        ack, created = Acknowledgement.objects.get_or_create(handover=handover, user=actor)
        if created:
            record(
                action="handover.acknowledge",
                actor=actor,
                pupil=handover.pupil,
                details={"handover": str(handover.uid)},
            )
    return ack


__all__ = ["StaleVersion", "acknowledge", "write"]
