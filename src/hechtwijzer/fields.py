"""Model fields: free text about pupils, encrypted at rest (see `hechtwijzer.crypto`)."""

from __future__ import annotations

from typing import Any

from django.db import models

from hechtwijzer import crypto


class _Sealed:
    """A value as loaded from the database, decrypted only when it is read."""

    __slots__ = ("stored",)

    def __init__(self, stored: str) -> None:
        self.stored = stored

    def __repr__(self) -> str:
        return "<encrypted>"


class _Descriptor:
    def __init__(self, field: EncryptedTextField) -> None:
        self.field = field

    def __get__(self, instance: models.Model | None, owner: type) -> Any:
        if instance is None:
            return self
        value = instance.__dict__.get(self.field.attname, "")
        if isinstance(value, _Sealed):
            value = crypto.decrypt(value.stored, self.field.associated_data(instance))
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    """A TextField stored as AES-256-GCM ciphertext bound to its row.

    The model needs a `uid` (UUIDField with a default): together with the model and field name
    it is the associated data, so a ciphertext moved to another row or field fails to decrypt.
    Values are encrypted in `pre_save`, which `save()` and `bulk_create()` call; anything that
    would write plaintext another way (such as `bulk_update` or `update()`) is refused. The
    field cannot be searched or filtered on, by design.
    """

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        setattr(cls, self.attname, _Descriptor(self))

    def associated_data(self, instance: models.Model) -> str:
        return f"{instance._meta.label_lower}.{self.name}:{instance.uid}"

    def from_db_value(self, value, expression, connection):
        return _Sealed(value) if value else ""

    def pre_save(self, model_instance, add):
        plaintext = getattr(model_instance, self.attname) or ""
        if not plaintext:
            return ""
        return crypto.encrypt(plaintext, self.associated_data(model_instance))

    def get_prep_value(self, value):
        if value and not (isinstance(value, str) and value.startswith(crypto.PREFIX + ":")):
            raise ValueError(
                f"{self.model.__name__}.{self.name} is encrypted: write it with save(), "
                "never with update() or bulk_update(), and do not filter on it"
            )
        return value
