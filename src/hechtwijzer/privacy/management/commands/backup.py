"""`hechtwijzer backup [PATH] [--include-keys]`: a consistent backup of the database.

SQLite through the online backup API, PostgreSQL through pg_dump (custom format). The file is
written with mode 0600; without PATH it goes to <data dir>/backups/. The encryption keys are not
in the database: the command says so, and `--include-keys` writes them to PATH.keys.json.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hechtwijzer.crypto import KeyConfigurationError
from hechtwijzer.privacy import backup


class Command(BaseCommand):
    help = "Write a consistent backup of the database (the encryption keys are not in it)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="backup file (default: <data dir>/backups/)")
        parser.add_argument(
            "--include-keys",
            action="store_true",
            help="also write the encryption keys to PATH.keys.json (mode 0600)",
        )

    def handle(self, *args, path: str | None, include_keys: bool, **options):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        target = (
            Path(path) if path else backup.default_path(Path(settings.DATA_DIR) / "backups", stamp)
        )
        try:
            backup.backup(target)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        counts = backup.row_counts()
        self.stdout.write(f"Backup written to {target} ({sum(counts.values())} rows).")
        if include_keys:
            keys = backup.keys_path_for(target)
            try:
                backup.write_keys(keys)
            except KeyConfigurationError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(
                f"Encryption keys written to {keys} (mode 0600). Anyone with both files can "
                "read every note: store them safely, preferably apart."
            )
        else:
            self.stdout.write(backup.key_reminder())
