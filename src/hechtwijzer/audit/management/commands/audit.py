"""`hechtwijzer audit --pupil <public_id> [--json]`: who read or changed what about a pupil."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.schools.models import PUBLIC_ID_LENGTH


class Command(BaseCommand):
    help = "Print the audit trail of one pupil: who read or changed what, and when."

    def add_arguments(self, parser):
        parser.add_argument("--pupil", required=True, metavar="PUBLIC_ID")
        parser.add_argument("--json", action="store_true", help="print a JSON list of entries")

    def handle(self, *args, pupil, json: bool, **options):
        public_id = pupil.strip().lower()
        if len(public_id) != PUBLIC_ID_LENGTH or not public_id.isalnum():
            raise CommandError(
                f"{pupil!r} is not a pupil id (expected {PUBLIC_ID_LENGTH} letters and digits)"
            )
        entries = AuditEntry.objects.filter(pupil_public_id=public_id).order_by("at", "id")
        rows = [
            {
                "at": timezone.localtime(entry.at).isoformat(),
                "username": entry.username,
                "role": entry.role,
                "action": entry.action,
                "object": f"{entry.object_type}:{entry.object_id}",
                "details": entry.details,
            }
            for entry in entries
        ]
        if json:
            self.stdout.write(_dumps(rows))
            return
        if not rows:
            self.stdout.write(f"No audit entries for pupil {public_id}.")
            return
        for row in rows:
            self.stdout.write(
                f"{row['at']}  {row['username'] or '(system)':<20} {row['role'] or '-':<17} "
                f"{row['action']:<20} {row['object']}"
            )


def _dumps(rows):
    return json.dumps(rows, ensure_ascii=False, indent=2)
