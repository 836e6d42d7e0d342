"""`hechtwijzer daily [--dry-run] [--json] [--today YYYY-MM-DD]`: the daily job.

Runs retention (`privacy.retention.run_retention`: erase the pupils whose retention period
has passed, delete expired log-in records and sessions), then sends the day's e-mail reminders
(`reminders.sending`: evaluations due and overdue, the care coordinator's weekly digest, every
kind registered in `reminders.kinds`). Idempotent: a reminder is recorded when sent and never
sent again, so a second run the same day sends nothing new. `--dry-run` writes nothing and
sends nothing: it reports what a real run would do. `--today` runs as on another day (tests,
catching up). `--json` prints exactly

    {"reminders": [{"to": username, "kind": …, "pupils": [public_id, …]}, …],
     "retention": {"dry_run", "erased", "held", "write_ahead_log", "login_records"}}

listing the reminders sent (or, in a dry run, those it would send); a reminder that failed is
left out of it and reported on stderr. Exit status: 0 when everything went out, 1 when some
mail failed or, with BASE_URL not set, none was sent because its links would not open (they
are tried again on the next run), 2 on bad arguments. Nothing printed names a
pupil: public ids only.
"""

import argparse
import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hechtwijzer.privacy.retention import report_lines, run_retention
from hechtwijzer.reminders import sending


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "The daily job: send the e-mail reminders and run retention."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="send and erase nothing; say what would happen"
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print the result as JSON"
        )
        parser.add_argument(
            "--today", type=_day, default=None, help="run as on this day (YYYY-MM-DD)"
        )

    def handle(self, *args, dry_run: bool, as_json: bool, today: datetime.date | None, **options):
        today = today or timezone.localdate()
        retention = run_retention(today=today, dry_run=dry_run)
        mails = sending.plan(today)
        held_back = ""
        try:
            outcome = sending.Outcome(sent=mails) if dry_run else sending.send(mails)
        except sending.NoSiteAddress as problem:
            # Retention has run; its report still goes out below, then the run fails.
            outcome, held_back = sending.Outcome(), str(problem)
        if as_json:
            self._print_json(outcome, retention)
        else:
            self._print_text(outcome, retention, dry_run)
        if held_back:
            raise CommandError(
                f"{held_back}; none of the {len(mails)} reminder mail(s) was sent, the next "
                "run sends them",
                returncode=1,
            )
        for mail, reason in outcome.failed:
            self.stderr.write(
                f"could not send {mail.kind.code} to {mail.user.get_username()}: {reason}"
            )
        if outcome.failed:
            raise CommandError(
                f"{len(outcome.failed)} reminder(s) could not be sent; the next run tries again",
                returncode=1,
            )

    def _print_json(self, outcome, retention):
        result = {
            "reminders": [mail.as_json() for mail in outcome.sent],
            "retention": retention.as_json(),
        }
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))

    def _print_text(self, outcome, retention, dry_run):
        verb = "would send" if dry_run else "sent"
        for mail in outcome.sent:
            pupils = ", ".join(mail.public_ids)
            self.stdout.write(f"{verb} {mail.kind.code} to {mail.user.get_username()}: {pupils}")
        for mail in outcome.skipped:
            self.stdout.write(
                f"skipped {mail.kind.code} to {mail.user.get_username()}: sent by another run"
            )
        self.stdout.write(f"Reminders: {len(outcome.sent)} {verb}, {len(outcome.failed)} failed.")
        for line in report_lines(retention):
            self.stdout.write(line)
