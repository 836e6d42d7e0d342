"""Which encryption keys the stored notes need, with a check value per key id.

Keys live outside the database (`hechtwijzer.crypto`), so nothing stopped one server from
running with another key than its neighbours, or without a key the data needs, until a page
failed. `EncryptionKey` rows record each key id in use with an HMAC check value:

- written when a key is first used to encrypt (`before_write`, the write guard crypto runs
  before the first encryption of each request or command), at `migrate` (`record_on_migrate`:
  the current key, and any configured key the stored data already uses, after one of its
  values decrypts) and at rotation (`hechtwijzer reencrypt`, which also retires keys no value
  uses any more: `retire_unused`);
- verified at every start by the system check (`privacy/checks.py`): a key still in use that
  the server does not hold (hw.E203) or holds under the same id with another value (hw.E204)
  stops `hechtwijzer check`, `migrate` and `serve`;
- followed while running: a worker whose current key is not the newest key in use reloads its
  ring before it encrypts (`before_write`), so after a rotation no worker keeps writing with
  the old key once its key source has the new one.
"""

from __future__ import annotations

from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone

from hechtwijzer import crypto

from .models import EncryptionKey
from .reencrypt import encrypted_fields

_table_seen: set[str] = set()


def table_ready(using: str | None = None) -> bool:
    """Whether the check-value table exists (not before `migrate` has created it)."""
    using = using or router.db_for_write(EncryptionKey)
    if using not in _table_seen:
        if EncryptionKey._meta.db_table not in connections[using].introspection.table_names():
            return False
        _table_seen.add(using)
    return True


def mismatch_message(key_id: str) -> str:
    return (
        f"encryption key {key_id!r} does not match the check value stored in the database: "
        f"this server holds another key under the id {key_id!r} than the one the notes were "
        "written with"
    )


def record(
    ring: crypto.Keyring, key_id: str, *, using: str = "default", revive: bool = True
) -> EncryptionKey:
    """Store the key id's check value, or verify it against the stored one (raises
    KeyConfigurationError on a mismatch). A retired key used again (`revive`) is in use
    again."""
    check = ring.check_value(key_id)
    manager = EncryptionKey.objects.using(using)
    row = manager.filter(key_id=key_id).first()
    if row is None:
        try:
            with transaction.atomic(using=using):
                return manager.create(key_id=key_id, check_value=check)
        except IntegrityError:  # another process recorded it in the meantime
            row = manager.get(key_id=key_id)
    if row.check_value != check:
        raise crypto.KeyConfigurationError(mismatch_message(key_id))
    if revive and row.retired_at is not None:
        row.retired_at = None
        row.created_at = timezone.now()  # newest again: other workers follow
        row.save(update_fields=["retired_at", "created_at"])
    return row


def before_write(ring: crypto.Keyring) -> crypto.Keyring:
    """The write guard (installed by PrivacyConfig.ready): one query per request that writes
    a note. Reloads the ring when the newest key in use is not this ring's current key (a
    rotation by another process), then records or verifies the current key's check value."""
    if not table_ready():
        return ring
    in_use = list(
        EncryptionKey.objects.filter(retired_at__isnull=True).values_list("key_id", "check_value")
    )
    if in_use and in_use[0][0] != ring.current:
        ring = crypto.reload_keyring()
    stored = dict(in_use)
    if ring.current in stored:
        if stored[ring.current] != ring.check_value(ring.current):
            raise crypto.KeyConfigurationError(mismatch_message(ring.current))
    else:
        record(ring, ring.current)
    return ring


def _sample(key_id: str, using: str):
    """One stored value under the key id with its associated data, or None."""
    prefix = f"{crypto.PREFIX}:{key_id}:"
    for model, fields in encrypted_fields():
        for field in fields:
            row = (
                model._base_manager.using(using)
                .filter(**{f"{field.attname}__startswith": prefix})
                .first()
            )
            if row is not None:
                return row.__dict__[field.attname].stored, field.associated_data(row)
    return None


def record_on_migrate(*, using: str = "default") -> list[str]:
    """After `migrate`: record the current key, and every other configured key the stored data
    uses once one of its values decrypts (a database from before check values existed).
    Raises KeyConfigurationError when a configured key does not match its check value or does
    not decrypt the data. Returns the key ids recorded or verified."""
    if EncryptionKey._meta.db_table not in connections[using].introspection.table_names():
        return []  # migrated back before the table existed
    ring = crypto.reload_keyring()
    known = dict(EncryptionKey.objects.using(using).values_list("key_id", "check_value"))
    done = []
    with transaction.atomic(using=using):  # all keys vouched for, or none
        for key_id in ring.keys:
            if key_id not in known:
                sample = _sample(key_id, using)
                if sample is None and key_id != ring.current:
                    continue  # a key no note uses (yet): nothing to protect
                try:
                    if sample is not None:
                        ring.decrypt(*sample)
                except crypto.DecryptionError:
                    raise crypto.KeyConfigurationError(
                        f"encryption key {key_id!r} does not decrypt the notes stored under "
                        f"{key_id!r}: this server holds another key under that id"
                    ) from None
            # Only the current key comes back from retirement: it is about to be used.
            record(ring, key_id, using=using, revive=key_id == ring.current)
            done.append(key_id)
    return done


def retire_unused(ring: crypto.Keyring) -> list[str]:
    """Mark every key in use but the current one as retired when no stored value names it any
    more (after `hechtwijzer reencrypt`); returns their ids. Servers then no longer need it."""
    retired = []
    for row in EncryptionKey.objects.filter(retired_at__isnull=True).exclude(key_id=ring.current):
        if _sample(row.key_id, "default") is None:
            row.retired_at = timezone.now()
            row.save(update_fields=["retired_at"])
            retired.append(row.key_id)
    return retired


def problems(ring: crypto.Keyring) -> tuple[list[str], list[str]]:
    """(key ids in use that the ring lacks, key ids the ring holds with another value)."""
    missing, mismatched = [], []
    for key_id, check, retired_at in EncryptionKey.objects.values_list(
        "key_id", "check_value", "retired_at"
    ).order_by("key_id"):
        if key_id not in ring.keys:
            if retired_at is None:
                missing.append(key_id)
        elif ring.check_value(key_id) != check:
            mismatched.append(key_id)
    return missing, mismatched
