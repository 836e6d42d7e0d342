"""The daily retention run, as one function the commands share (`retention`, `daily`).

`run_retention(today=…, dry_run=…)` erases every pupil whose retention period has passed
(`actions.expired_pupils`, `actions.erase_pupil` with reason "retention", one transaction and one
audit entry per pupil), keeps those with a hold, retries pending removals from SQLite's
write-ahead log and deletes the log-in throttle's expired records and expired sessions, and
what apps above this one registered as ended records to purge (`register_purge`: the API's
tokens that ended long ago, the reminders' rows of what was sent that can no longer recur). A
dry run writes nothing: it lists what would be erased, with the rows per model, and leaves the
write-ahead log, the throttle, the sessions and the registered records alone.

The result holds public ids, leaving dates and row counts, never names: it is printed by the
commands and may end up in a server log.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.sessions.models import Session
from django.utils import timezone

from hechtwijzer.accounts.throttle import purge_expired_records

from . import actions
from .graph import record_counts

# Records that end and are then only clutter, owned by apps this one may not import (the API's
# tokens, the reminders' sent rows): each app registers its purge in its AppConfig.ready(); the
# name is the count's key in the run's `login_records`. A purge gets the run's day, deletes and
# answers how many rows it deleted.
_PURGES: dict[str, Callable[[datetime.date], int]] = {}


def register_purge(name: str, purge: Callable[[datetime.date], int]) -> None:
    _PURGES[name] = purge


@dataclass
class Erased:
    public_id: str
    left_on: datetime.date
    deleted: dict[str, int]
    wal_pending: str = ""  # why the removal from the write-ahead log is still pending


@dataclass
class RetentionRun:
    dry_run: bool
    erased: list[Erased] = field(default_factory=list)  # in a dry run: would be erased
    held: list[tuple[str, datetime.date]] = field(default_factory=list)
    wal_completed: list[str] = field(default_factory=list)
    wal_pending: list[str] = field(default_factory=list)
    wal_reason: str = ""
    login_records: dict[str, int] | None = None  # None in a dry run

    def as_json(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "erased": [
                {
                    "public_id": e.public_id,
                    "left_on": e.left_on.isoformat(),
                    "deleted": e.deleted,
                    **({"wal_pending": e.wal_pending} if e.wal_pending else {}),
                }
                for e in self.erased
            ],
            "held": [
                {"public_id": public_id, "left_on": left_on.isoformat()}
                for public_id, left_on in self.held
            ],
            "write_ahead_log": {"completed": self.wal_completed, "pending": self.wal_pending},
            "login_records": self.login_records,
        }


def run_retention(*, today: datetime.date | None = None, dry_run: bool = False) -> RetentionRun:
    """Erase (or, in a dry run, only list) the pupils whose retention period has passed.

    Side effects (not in a dry run): per pupil `erase_pupil` (audit `pupil.erase`), the pending
    write-ahead-log removals retried, expired failed log-in records and sessions deleted.
    """
    today = today or timezone.localdate()
    run = RetentionRun(dry_run=dry_run)
    if not dry_run:
        removals = actions.complete_wal_removals()
        run.wal_completed, run.wal_pending = removals.completed, removals.pending
        run.wal_reason = removals.reason
    due, held = actions.expired_pupils(today)
    run.held = [(pupil.public_id, pupil.left_on) for pupil in held]
    for pupil in due:
        public_id, left_on = pupil.public_id, pupil.left_on
        if dry_run:
            run.erased.append(Erased(public_id, left_on, record_counts(pupil)))
            continue
        counts = actions.erase_pupil(
            actor=None, pupil=pupil, reason=actions.ErasureReason.RETENTION
        )
        pending = actions.wal_removal_pending(public_id)
        run.erased.append(Erased(public_id, left_on, counts, pending.reason if pending else ""))
    if not dry_run:
        purged = purge_expired_records()
        sessions, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
        run.login_records = {
            "attempts": purged["attempts"],
            "access_logs": purged["access_logs"],
            "sessions": sessions,
        }
        for name, purge in _PURGES.items():
            run.login_records[name] = purge(today)
    return run


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{label} {n}" for label, n in sorted(counts.items()))


def pending_text(reason: str) -> str:
    return (
        f"; pending removal from the write-ahead log ({reason}); the next "
        "`hechtwijzer retention` completes it"
    )


def report_lines(run: RetentionRun) -> list[str]:
    """The run as `hechtwijzer retention` prints it: public ids and counts, never names."""
    lines = [
        f"completed removal of erased {public_id} from the write-ahead log"
        for public_id in run.wal_completed
    ]
    lines += [
        f"still pending removal of erased {public_id} from the write-ahead log: {run.wal_reason}"
        for public_id in run.wal_pending
    ]
    lines += [f"kept {public_id}: on hold (left {left_on})" for public_id, left_on in run.held]
    for e in run.erased:
        if run.dry_run:
            lines.append(f"would erase {e.public_id} (left {e.left_on}): {_counts(e.deleted)}")
        else:
            note = pending_text(e.wal_pending) if e.wal_pending else ""
            lines.append(f"erased {e.public_id} (left {e.left_on}): {_counts(e.deleted)}{note}")
    if run.login_records is not None:
        records = run.login_records
        lines.append(
            f"log-in records deleted: {records['attempts']} expired failed attempt(s), "
            f"{records['access_logs']} access log row(s), {records['sessions']} expired session(s)"
            + "".join(f", {records[name]} {name.replace('_', ' ')}" for name in _PURGES)
        )
    if run.dry_run:
        lines.append(
            f"Dry run: {len(run.erased)} pupil(s) would be erased, {len(run.held)} on hold."
        )
    else:
        lines.append(f"{len(run.erased)} pupil(s) erased, {len(run.held)} kept on hold.")
    return lines
