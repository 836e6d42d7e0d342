"""Domain functions for retention and erasure: each checks the policy, works in one transaction
and writes the audit entry.

Erasure deletes every row about the pupil (found by `graph.pupil_models`, deepest first, then
the pupil itself) and leaves exactly one audit entry, `pupil.erase`, with the pupil's public id,
the reason code and the number of rows deleted per model; never a name. Earlier audit entries
about the pupil stay: they hold the public id, never names or notes, and they are the record of
who handled the data.

On SQLite, connections run with `PRAGMA secure_delete=ON` (settings), so deleted rows are
overwritten in the database file, and after the erasure the write-ahead log is checkpointed and
truncated, so the old pages do not linger in the `-wal` file either.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hechtwijzer.access import Perm, allows, may_administer
from hechtwijzer.audit.models import record
from hechtwijzer.schools.models import Country, Pupil, PupilStatus, School

from .graph import pupil_models
from .models import DEFAULT_DAYS, RetentionHold, RetentionPolicy


class ErasureReason(models.TextChoices):
    RETENTION = "retention", gettext_lazy("the retention period has passed")
    REQUEST = "request", gettext_lazy("erased on request or by decision of the school")


def _require(actor: Any, perm: Perm, pupil: Pupil) -> None:
    # actor=None is the operator's command line (retention, erase): it answers to the server.
    if actor is not None and not allows(actor, perm, pupil):
        raise PermissionDenied


def checkpoint() -> None:
    """On SQLite, move the write-ahead log into the database file and truncate it."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def erase_pupil(*, actor: Any, pupil: Pupil, reason: str) -> dict[str, int]:
    """Delete everything stored about the pupil, the pupil too; returns rows per model.

    Refused while the pupil has a hold. Audit entry `pupil.erase` (the only trace left).
    """
    if reason not in ErasureReason.values:
        raise ValueError(f"unknown erasure reason {reason!r}")
    _require(actor, Perm.ERASE_PUPIL, pupil)
    public_id, school_id = pupil.public_id, pupil.school_id
    with transaction.atomic():
        locked = Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
        if locked is None:
            raise ValidationError(_("This pupil has already been erased."))
        if RetentionHold.objects.filter(pupil=locked).exists():
            raise ValidationError(
                _("This pupil's data is on hold and cannot be erased. Lift the hold first.")
            )
        counts: Counter[str] = Counter()
        for entry in sorted(pupil_models(), key=lambda m: -m.depth):
            _deleted, per_model = entry.rows(locked).delete()
            counts.update(per_model)
        _deleted, per_model = Pupil.objects.filter(pk=locked.pk).delete()
        counts.update(per_model)
        result = {label: n for label, n in sorted(counts.items()) if n}
        record(
            action="pupil.erase",
            actor=actor,
            school_id=school_id,
            object_type="pupil",
            object_id=public_id,
            pupil_public_id=public_id,
            details={"reason": reason, "deleted": result},
        )
        transaction.on_commit(checkpoint)
    return result


# --- retention ---------------------------------------------------------------------------------


def retention_days(school: School) -> int:
    policy = RetentionPolicy.objects.filter(school=school).first()
    if policy is not None:
        return policy.effective_days
    return DEFAULT_DAYS.get(school.country, DEFAULT_DAYS[Country.NL])


def erase_after(pupil: Pupil, days: int | None = None) -> datetime.date | None:
    """The first day the pupil's data may be erased, or None while the pupil is at school."""
    if pupil.status != PupilStatus.LEFT or pupil.left_on is None:
        return None
    days = retention_days(pupil.school) if days is None else days
    return pupil.left_on + datetime.timedelta(days=days)


def expired_pupils(today: datetime.date | None = None) -> tuple[list[Pupil], list[Pupil]]:
    """(pupils whose retention has passed, of those the ones kept by a hold)."""
    today = today or timezone.localdate()
    due, held = [], []
    for school in School.objects.order_by("pk"):
        cutoff = today - datetime.timedelta(days=retention_days(school))
        pupils = (
            Pupil.objects.filter(
                school=school, status=PupilStatus.LEFT, left_on__isnull=False, left_on__lte=cutoff
            )
            .select_related("school")
            .order_by("left_on", "pk")
        )
        holds = set(
            RetentionHold.objects.filter(pupil__in=pupils).values_list("pupil_id", flat=True)
        )
        for pupil in pupils:
            (held if pupil.pk in holds else due).append(pupil)
    return due, held


def set_retention_days(*, actor: Any, school: School, days: int | None) -> RetentionPolicy:
    """Set the school's retention period (None: the country default). Audit `retention.set`."""
    if actor is not None and not may_administer(actor, school.pk):
        raise PermissionDenied
    with transaction.atomic():
        policy, _created = RetentionPolicy.objects.get_or_create(school=school)
        policy.days_after_leaving = days
        policy.full_clean()
        policy.save()
        record(
            action="retention.set",
            actor=actor,
            school_id=school.pk,
            object_type="school",
            object_id=school.pk,
            details={"days": days, "effective": policy.effective_days},
        )
    return policy


def place_hold(*, actor: Any, pupil: Pupil, reason: str) -> RetentionHold:
    """Keep the pupil's data past retention (e.g. a contested decision). Audit `hold.place`."""
    _require(actor, Perm.ERASE_PUPIL, pupil)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the data must be kept.")})
    with transaction.atomic():
        hold = RetentionHold(pupil=pupil, reason=reason, placed_by=actor)
        hold.save()
        record(action="hold.place", actor=actor, pupil=pupil, details={"hold": str(hold.uid)})
    return hold


def lift_hold(*, actor: Any, hold: RetentionHold) -> None:
    """Lift a hold; the retention rules apply again. Audit `hold.lift`."""
    pupil = hold.pupil
    _require(actor, Perm.ERASE_PUPIL, pupil)
    with transaction.atomic():
        uid = str(hold.uid)
        RetentionHold.objects.filter(pk=hold.pk).delete()
        record(action="hold.lift", actor=actor, pupil=pupil, details={"hold": uid})
