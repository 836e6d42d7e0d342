"""Re-encrypt every stored `EncryptedTextField` value with the current key.

Models and fields are found through the app registry, so a new encrypted field is covered
without being listed. Rows are handled in batches of primary keys, each batch in its own
transaction with the rows locked (PostgreSQL; SQLite takes the write lock for the whole
transaction). A value that fails to decrypt stops the run with the model, field and row named;
its batch is rolled back and nothing is silently skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction

from hechtwijzer import crypto
from hechtwijzer.fields import EncryptedTextField, _Sealed


class ReencryptError(Exception):
    pass


def encrypted_fields():
    """(model, [EncryptedTextField, ...]) for every model that has one."""
    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found.append((model, fields))
    return found


@dataclass
class FieldCount:
    rewritten: int = 0
    current: int = 0
    empty: int = 0


@dataclass
class Report:
    current_key: str
    fields: dict[str, FieldCount] = field(default_factory=dict)

    @property
    def rewritten(self) -> int:
        return sum(c.rewritten for c in self.fields.values())


def reencrypt(*, batch_size: int = 500, dry_run: bool = False) -> Report:
    ring = crypto.reload_keyring()  # the keys as configured now, not as first read
    report = Report(current_key=ring.current)
    for model, fields in encrypted_fields():
        for f in fields:
            report.fields[f"{model._meta.label}.{f.name}"] = FieldCount()
        last_pk = None
        manager = model._base_manager
        while True:
            with transaction.atomic():
                batch = manager.order_by("pk")
                if last_pk is not None:
                    batch = batch.filter(pk__gt=last_pk)
                rows = list(batch.select_for_update()[:batch_size])
                for row in rows:
                    _reencrypt_row(model, fields, row, ring, report, dry_run)
            if len(rows) < batch_size:
                break
            last_pk = rows[-1].pk
    return report


def _reencrypt_row(model, fields, row, ring, report, dry_run) -> None:
    changes = {}
    for f in fields:
        count = report.fields[f"{model._meta.label}.{f.name}"]
        sealed = row.__dict__.get(f.attname)
        if not isinstance(sealed, _Sealed):
            count.empty += 1
            continue
        associated = f.associated_data(row)
        try:
            plaintext = ring.decrypt(sealed.stored, associated)
        except crypto.DecryptionError as error:
            raise ReencryptError(f"{model._meta.label}.{f.name} row {row.pk}: {error}") from None
        if ring.key_id_of(sealed.stored) == ring.current:
            count.current += 1
            continue
        count.rewritten += 1
        changes[f.attname] = ring.encrypt(plaintext, associated)
    if changes and not dry_run:
        # The new values are ciphertext already (EncryptedTextField accepts those in update());
        # update() leaves auto_now fields and version counters alone: the content is unchanged.
        model._base_manager.filter(pk=row.pk).update(**changes)
