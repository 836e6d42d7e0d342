"""`hechtwijzer retention [--dry-run]`: erase the pupils whose retention period has passed.

Run it daily (cron or a systemd timer). It prints, per pupil public id, the rows it deleted per
model (never a name), and the pupils it kept because of a hold. Running it again deletes
nothing more. On SQLite it first completes the removal from the write-ahead log of earlier
erasures that a busy reader held up, and says for each erasure whether that removal is still
pending. Exit status 0.
"""

from django.core.management.base import BaseCommand

from hechtwijzer.privacy import actions
from hechtwijzer.privacy.graph import record_counts


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{label} {n}" for label, n in sorted(counts.items()))


def report_wal_removals(stdout) -> None:
    """Retry pending removals from the write-ahead log and say what happened."""
    removals = actions.complete_wal_removals()
    for public_id in removals.completed:
        stdout.write(f"completed removal of erased {public_id} from the write-ahead log")
    for public_id in removals.pending:
        stdout.write(
            f"still pending removal of erased {public_id} from the write-ahead log: "
            f"{removals.reason}"
        )


def pending_note(public_id: str) -> str:
    pending = actions.wal_removal_pending(public_id)
    if pending is None:
        return ""
    return (
        f"; pending removal from the write-ahead log ({pending.reason}); the next "
        "`hechtwijzer retention` completes it"
    )


class Command(BaseCommand):
    help = "Erase every pupil whose retention period after leaving the school has passed."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only list what would be erased")

    def handle(self, *args, dry_run: bool, **options):
        if not dry_run:
            report_wal_removals(self.stdout)
        due, held = actions.expired_pupils()
        for pupil in held:
            self.stdout.write(f"kept {pupil.public_id}: on hold (left {pupil.left_on})")
        erased = 0
        for pupil in due:
            public_id, left_on = pupil.public_id, pupil.left_on
            if dry_run:
                counts = record_counts(pupil)
                self.stdout.write(f"would erase {public_id} (left {left_on}): {_counts(counts)}")
                continue
            counts = actions.erase_pupil(
                actor=None, pupil=pupil, reason=actions.ErasureReason.RETENTION
            )
            erased += 1
            self.stdout.write(
                f"erased {public_id} (left {left_on}): {_counts(counts)}{pending_note(public_id)}"
            )
        if dry_run:
            summary = f"Dry run: {len(due)} pupil(s) would be erased, {len(held)} on hold."
        else:
            summary = f"{erased} pupil(s) erased, {len(held)} kept on hold."
        self.stdout.write(summary)
