"""Optimistic locking: a save based on what the user saw is refused when the record changed since.

Two people may work on one record at once; nothing one of them saves silently overwrites the
other. A form carries what the user saw: a version number (`version`, a focus card's
`lock_version`), another value that identifies the state (the uid of the current behaviour
card), or, in the admin, a fingerprint of every field the change form edits. The domain
function reloads the record inside its transaction (with select_for_update, so two saves go
one after the other) and checks it with `check_version` or `lock_version`; on a mismatch it
raises `StaleVersion` and writes nothing. The view tells the user and shows the current state.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db.models import QuerySet


class StaleVersion(Exception):
    """The record changed since the user saw it; nothing was saved.

    `current` is the record as it is now (None when there is none any more), so the view can
    show it; `field` names what was compared ("version", "lock_version", "uid", "fingerprint").
    """

    def __init__(self, *, current: Any = None, field: str = "version") -> None:
        super().__init__(f"stale {field}")
        self.current = current
        self.field = field


def check_version(
    current: Any, expected: Any, *, field: str = "version", closed: bool = False, absent: Any = None
) -> Any:
    """Return `current` when it still holds `expected` in `field` and was not closed since
    (archived, evaluated); else raise StaleVersion. `current` None means there is no record
    (any more); its value is then `absent`."""
    found = absent if current is None else getattr(current, field)
    if closed or found != expected:
        raise StaleVersion(current=current, field=field)
    return current


def lock_version(queryset: QuerySet, pk: Any, expected: Any, *, field: str = "version") -> Any:
    """Reload the row `pk` for update and check it with `check_version`.

    Call inside `transaction.atomic()`: the row stays locked until the transaction ends.
    """
    return check_version(queryset.select_for_update().get(pk=pk), expected, field=field)


def fingerprint(obj: Any, extra: dict | None = None) -> str:
    """A fingerprint of a model instance: its concrete fields, its many-to-many relations and
    `extra` (more that a form edits, e.g. the staff member's user account)."""
    data = {f.attname: str(f.value_from_object(obj)) for f in obj._meta.concrete_fields}
    for f in obj._meta.many_to_many:
        data[f.name] = sorted(o.pk for o in f.value_from_object(obj))
    data.update(extra or {})
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def check_fingerprint(current: Any, expected: str | None, *, extra: dict | None = None) -> Any:
    """Return `current` when its fingerprint is still `expected`; else raise StaleVersion."""
    if fingerprint(current, extra) != expected:
        raise StaleVersion(current=current, field="fingerprint")
    return current
