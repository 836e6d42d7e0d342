"""Start-up checks for the encryption keys (`hechtwijzer check`, `migrate` and `serve` run
them; an error stops them).

- hw.E201: production without HECHTWIJZER_ENCRYPTION_KEYS(_FILE): each server would otherwise
  generate a key of its own and could not read the others' notes.
- hw.E202: the keys cannot be read (a damaged key file).
- hw.E203: a key the stored notes use (a check value in the database, not retired) is missing.
- hw.E204: a key is configured under an id whose check value in the database differs.
- hw.W201: the check values could not be read (database unreachable): not verified.

The database is read even when the command names no database: a server that cannot read the
notes must not start.
"""

from django.core import checks
from django.db import DatabaseError, connections, router

from hechtwijzer import crypto

from . import keys
from .models import EncryptionKey

HINT = "SECURITY.md, 'What an operator must configure': encryption keys."


@checks.register()
def encryption_keys(app_configs=None, **kwargs):
    if crypto.key_source() == "":
        return [
            checks.Error(
                "HECHTWIJZER_ENV=production needs HECHTWIJZER_ENCRYPTION_KEYS or "
                "HECHTWIJZER_ENCRYPTION_KEYS_FILE: every server must hold the same keys, so "
                "none is generated in production.",
                hint=HINT,
                id="hw.E201",
            )
        ]
    try:
        ring = crypto.reload_keyring()
    except crypto.KeyConfigurationError as error:
        return [checks.Error(f"The encryption keys cannot be read: {error}", id="hw.E202")]
    database = connections[router.db_for_read(EncryptionKey)]
    was_open = database.connection is not None
    try:
        if not keys.table_ready():
            return []  # before the first `migrate`: nothing stored yet
        missing, mismatched = keys.problems(ring)
    except DatabaseError as error:
        return [
            checks.Warning(
                f"The encryption keys' check values could not be read ({error}); the keys "
                "were not verified.",
                id="hw.W201",
            )
        ]
    finally:
        # `serve` runs the checks in gunicorn's master process, which then forks the
        # workers: a connection opened here must not be inherited by them.
        if not was_open and not database.in_atomic_block:
            database.close()
    where = crypto.describe_source()
    errors = [
        checks.Error(
            f"Stored notes need encryption key {key_id!r}, which this server does not hold "
            f"(keys from {where}).",
            hint="Give every server the same keys. " + HINT,
            id="hw.E203",
        )
        for key_id in missing
    ]
    errors += [
        checks.Error(
            f"Encryption key {key_id!r} ({where}) does not match its check value in the "
            "database: this server holds another key under that id.",
            hint="Give every server the same keys. " + HINT,
            id="hw.E204",
        )
        for key_id in mismatched
    ]
    return errors
