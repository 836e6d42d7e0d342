"""`hechtwijzer erase PUBLIC_ID [--yes]`: the operator's "erase this pupil now".

Without `--yes` it only shows what would be deleted. Schools use the page
/admin-tools/pupils/<public_id>/erase/ instead; this is for the operator (a court order, a
request that reached the supplier).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hechtwijzer.privacy import actions
from hechtwijzer.privacy.graph import record_counts
from hechtwijzer.privacy.management.commands.retention import pending_note, report_wal_removals
from hechtwijzer.schools.models import Pupil


class Command(BaseCommand):
    help = "Erase everything stored about one pupil (by public id)."

    def add_arguments(self, parser):
        parser.add_argument("public_id")
        parser.add_argument("--yes", action="store_true", help="really erase")

    def handle(self, *args, public_id: str, yes: bool, **options):
        pupil = Pupil.objects.filter(public_id=public_id.strip().lower()).first()
        if pupil is None:
            raise CommandError(f"no pupil with public id {public_id!r}")
        if not yes:
            counts = record_counts(pupil)
            for label, n in sorted(counts.items()):
                self.stdout.write(f"{label} {n}")
            self.stdout.write(f"Would erase {sum(counts.values())} rows. Add --yes to erase.")
            return
        report_wal_removals(self.stdout)
        try:
            counts = actions.erase_pupil(
                actor=None, pupil=pupil, reason=actions.ErasureReason.REQUEST
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        rows = ", ".join(f"{label} {n}" for label, n in sorted(counts.items()))
        self.stdout.write(f"erased {public_id}: {rows}{pending_note(pupil.public_id)}")
