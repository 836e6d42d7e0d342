"""Domain functions for retention and erasure: each checks the policy, works in one transaction
and writes the audit entry.

Erasure deletes every row about the pupil (found by `graph.pupil_models`, deepest first, then
the pupil itself) and leaves exactly one audit entry, `pupil.erase`, with the pupil's public id,
the reason code and the number of rows deleted per model; never a name. Earlier audit entries
about the pupil stay: they hold the public id, never names or notes, and they are the record of
who handled the data.

On SQLite, connections run with `PRAGMA secure_delete=ON` (settings), so deleted rows are
overwritten in the database file, and after the erasure the write-ahead log is checkpointed and
truncated, so the old pages do not linger in the `-wal` file either. A reader in the middle of
a long transaction keeps the log in use: the checkpoint is retried a few times, and if it still
cannot finish the erasure is committed but recorded as pending removal from the write-ahead
log (`PendingWalRemoval`), said so on the page and in the commands, and completed by the next
`hechtwijzer retention` or `erase` (`complete_wal_removals`).
"""

from __future__ import annotations

import datetime
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass
from functools import partial
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
from .models import DEFAULT_DAYS, PendingWalRemoval, RetentionHold, RetentionPolicy


class ErasureReason(models.TextChoices):
    RETENTION = "retention", gettext_lazy("the retention period has passed")
    REQUEST = "request", gettext_lazy("erased on request or by decision of the school")


def _require(actor: Any, perm: Perm, pupil: Pupil) -> None:
    # actor=None is the operator's command line (retention, erase): it answers to the server.
    if actor is not None and not allows(actor, perm, pupil):
        raise PermissionDenied


# A checkpoint waits for readers at most BUSY_MS per attempt, ATTEMPTS times with a growing
# pause in between: about a second in all, so "erase now" answers quickly even when it fails.
CHECKPOINT_ATTEMPTS = 4
CHECKPOINT_BUSY_MS = 200
CHECKPOINT_PAUSE = 0.05


@dataclass(frozen=True)
class Checkpoint:
    done: bool
    reason: str = ""  # for the operator, when not done

    BUSY = "a reader kept the write-ahead log in use (busy)"


def sqlite_checkpoint(
    raw: sqlite3.Connection,
    *,
    attempts: int = CHECKPOINT_ATTEMPTS,
    busy_ms: int = CHECKPOINT_BUSY_MS,
    pause: float = CHECKPOINT_PAUSE,
) -> Checkpoint:
    """`PRAGMA wal_checkpoint(TRUNCATE)` on an SQLite connection until its result row
    `(busy, log, checkpointed)` says it finished; busy means a reader still needs the log."""
    (previous,) = raw.execute("PRAGMA busy_timeout").fetchone()
    raw.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
    try:
        for attempt in range(attempts):
            try:
                busy, log, copied = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except sqlite3.OperationalError as error:
                reason = f"the checkpoint failed: {error}"
            else:
                if not busy:
                    return Checkpoint(done=True)
                reason = f"{Checkpoint.BUSY}; {copied} of {log} log pages copied"
            if attempt + 1 < attempts:
                time.sleep(pause * 2**attempt)
        return Checkpoint(done=False, reason=f"{reason}, after {attempts} attempts")
    finally:
        raw.execute(f"PRAGMA busy_timeout = {int(previous)}")


def checkpoint() -> Checkpoint:
    """On SQLite, move the write-ahead log into the database file and truncate it."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return Checkpoint(done=True)  # PostgreSQL: nothing like it; in a transaction: later
    connection.ensure_connection()
    return sqlite_checkpoint(connection.connection)


def _clear_wal(public_id: str) -> None:
    """After an erasure commits: checkpoint, or record that the removal is pending."""
    result = checkpoint()
    if not result.done:
        PendingWalRemoval.objects.create(public_id=public_id, reason=result.reason[:200])


def wal_removal_pending(public_id: str) -> PendingWalRemoval | None:
    return PendingWalRemoval.objects.filter(public_id=public_id).first()


@dataclass(frozen=True)
class WalRemovals:
    completed: list[str]  # public ids whose erased data left the write-ahead log now
    pending: list[str]  # public ids still waiting
    reason: str = ""


def complete_wal_removals() -> WalRemovals:
    """Retry the checkpoint for erasures recorded as pending; report which completed."""
    pending = list(PendingWalRemoval.objects.all())
    if not pending:
        return WalRemovals(completed=[], pending=[])
    ids = [p.public_id for p in pending]
    result = checkpoint()
    rows = PendingWalRemoval.objects.filter(pk__in=[p.pk for p in pending])
    if result.done:
        rows.delete()  # these rows name public ids only, as the audit trail does
        return WalRemovals(completed=ids, pending=[])
    rows.update(attempts=models.F("attempts") + 1, reason=result.reason[:200])
    return WalRemovals(completed=[], pending=ids, reason=result.reason)


def erase_pupil(*, actor: Any, pupil: Pupil, reason: str) -> dict[str, int]:
    """Delete everything stored about the pupil, the pupil too; returns rows per model.

    Refused while the pupil has a hold. Audit entry `pupil.erase` (the only trace left).
    On SQLite, after the commit, the write-ahead log is checkpointed; when a reader keeps it
    in use the removal is recorded as pending (`wal_removal_pending(public_id)`).
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
        transaction.on_commit(partial(_clear_wal, public_id))
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
