"""`hechtwijzer restore PATH [--force]`: replace the database with a backup.

Refuses a database that holds data unless `--force`. Afterwards it checks that the notes can
be decrypted with the configured keys, and reminds to run `hechtwijzer migrate` when the
backup is older than the code.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hechtwijzer.crypto import KeyConfigurationError
from hechtwijzer.privacy import backup


class Command(BaseCommand):
    help = "Restore the database from a backup made with `hechtwijzer backup`."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--force", action="store_true", help="overwrite a database that holds data"
        )

    def handle(self, *args, path: str, force: bool, **options):
        try:
            backup.restore(Path(path), force=force)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        counts = backup.row_counts()
        self.stdout.write(f"Restored {path} ({sum(counts.values())} rows).")
        try:
            failures = backup.undecryptable_sample()
        except KeyConfigurationError as error:
            failures = [str(error)]
        if failures:
            self.stderr.write(
                "Warning: notes in the restored database cannot be decrypted with the "
                "configured keys (restore the key file that belongs to this backup):"
            )
            for failure in failures:
                self.stderr.write(f"  {failure}")
        self.stdout.write("Run `hechtwijzer migrate` if the backup is older than this version.")
