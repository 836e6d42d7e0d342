"""`hechtwijzer retention [--dry-run]`: erase the pupils whose retention period has passed.

Run it daily (cron or a systemd timer), or run `hechtwijzer daily`, which runs it too. It
prints, per pupil public id, the rows it deleted per model (never a name), and the pupils it
kept because of a hold. It also deletes the log-in throttle's expired attempts, expired
sessions and API tokens that ended more than 90 days ago. Running it again deletes nothing
more. On SQLite it first completes the removal from the write-ahead log of earlier erasures
that a busy reader held up, and says for each erasure whether that removal is still pending.
Exit status 0. The work is `privacy.retention`.
"""

from django.core.management.base import BaseCommand

from hechtwijzer.privacy import actions
from hechtwijzer.privacy.retention import pending_text, report_lines, run_retention


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
    return pending_text(pending.reason)


class Command(BaseCommand):
    help = "Erase every pupil whose retention period after leaving the school has passed."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only list what would be erased")

    def handle(self, *args, dry_run: bool, **options):
        for line in report_lines(run_retention(dry_run=dry_run)):
            self.stdout.write(line)
