"""`hechtwijzer reencrypt [--rotate] [--dry-run] [--batch-size N]`: rewrite every encrypted
value with the current key; `--rotate` first adds a new key to the key file and makes it
current. Old keys stay in the key file (backups made before still need them).

The new key's check value is stored before any value is rewritten, so running servers follow
the rotation (`privacy/keys.py`); afterwards every key no stored value uses any more is marked
retired, and servers no longer need it to start."""

from django.core.management.base import BaseCommand, CommandError

from hechtwijzer import crypto
from hechtwijzer.privacy import keys
from hechtwijzer.privacy.reencrypt import ReencryptError, reencrypt


class Command(BaseCommand):
    help = "Re-encrypt every stored note with the current encryption key."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rotate", action="store_true", help="first add a new key and make it current"
        )
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, rotate: bool, dry_run: bool, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            if rotate:
                if dry_run:
                    raise CommandError("--rotate and --dry-run do not go together")
                new_id = crypto.rotate_key_file()
                self.stdout.write(
                    f"New key {new_id} is current ({crypto.key_file_path()}). "
                    "Back up the key file now."
                )
            if not dry_run:
                ring = crypto.reload_keyring()
                keys.record(ring, ring.current)
            report = reencrypt(batch_size=batch_size, dry_run=dry_run)
            retired = [] if dry_run else keys.retire_unused(crypto.keyring())
        except (crypto.KeyConfigurationError, ReencryptError) as error:
            raise CommandError(str(error)) from None
        verb = "would rewrite" if dry_run else "rewritten"
        for name, count in report.fields.items():
            self.stdout.write(
                f"{name}: {verb} {count.rewritten}, already {report.current_key} "
                f"{count.current}, empty {count.empty}"
            )
        self.stdout.write(f"{report.rewritten} value(s) {verb} with key {report.current_key}.")
        for key_id in retired:
            self.stdout.write(
                f"Key {key_id} is no longer used by any stored note: servers no longer need it "
                "to start. Keep a copy while backups made before today may be restored."
            )
