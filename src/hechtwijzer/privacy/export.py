"""The access export (right of access): everything stored about one pupil.

Built generically from `graph.pupil_models()`: every concrete field of every row of every model
that holds data about the pupil, free text decrypted, choices with their label, catalog codes
with the catalog's label, people as username and name, many-to-many fields as lists; then every
audit entry about the pupil. The same structure is the JSON download and the printable page.
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from collections import defaultdict
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone, translation

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.catalog import get_catalog
from hechtwijzer.catalog.model import KINDS
from hechtwijzer.fields import EncryptedTextField
from hechtwijzer.schools.models import Pupil

from .actions import erase_after, retention_days
from .graph import pupil_models

FORMAT = "hechtwijzer.access-export"
FORMAT_VERSION = 1


@cache
def _catalog_codes() -> dict[str, list[tuple[str, Any]]]:
    index: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    catalog = get_catalog()
    for kind in KINDS:
        for item in catalog.items(kind):
            index[item.code].append((kind, item.label))
    return dict(index)


def _is_code_field(name: str) -> bool:
    return name == "code" or name.endswith(("_code", "_codes")) or name in {"referrals", *KINDS}


def _catalog_labels(value: Any, lang: str) -> list[dict[str, str]]:
    codes = value if isinstance(value, list) else [value]
    labels = []
    for code in codes:
        for kind, label in _catalog_codes().get(code, []) if isinstance(code, str) else []:
            labels.append({"code": code, "kind": kind, "label": label.get(lang)})
    return labels


def _vocabulary_label(name: str, value: Any, lang: str) -> str | None:
    vocabulary = get_catalog().vocabularies.get(f"{name}s")
    if vocabulary and isinstance(value, str) and value in vocabulary:
        return vocabulary[value].get(lang)
    return None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    return value


def _person(user: Any) -> dict[str, str]:
    return {"username": user.get_username(), "name": user.get_full_name()}


def _related(target: models.Model) -> Any:
    if isinstance(target, get_user_model()):
        return _person(target)
    if isinstance(target, Pupil):
        return {"pupil": target.public_id}
    public_id = getattr(target, "public_id", None) or getattr(target, "uid", None)
    return {"id": str(public_id or target.pk), "text": str(target)}


def _text(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, dict):
        if "label" in value:
            return f"{value['label']} ({value['value']})"
        if "username" in value:
            name, username = value.get("name"), value["username"]
            return f"{name} ({username})" if name else username
        if "catalog" in value:
            shown = ", ".join(f"{c['label']} ({c['code']})" for c in value["catalog"])
            return shown or json.dumps(value["value"], ensure_ascii=False)
        if "pupil" in value:
            return value["pupil"]
        if "text" in value:
            return value["text"]
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value) or "–"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)


def serialize(obj: models.Model, lang: str) -> list[dict[str, Any]]:
    """Every stored field of one row: name, label, JSON value and readable text."""
    fields = []
    for field in obj._meta.concrete_fields:
        if isinstance(field, EncryptedTextField):
            value: Any = getattr(obj, field.attname)  # decrypted; a failure raises
        elif field.is_relation:
            target = getattr(obj, field.name)
            value = None if target is None else _related(target)
        else:
            value = _plain(field.value_from_object(obj))
            if field.choices:
                value = {"value": value, "label": str(dict(field.flatchoices).get(value, value))}
            elif _is_code_field(field.name) and value:
                value = {"value": value, "catalog": _catalog_labels(value, lang)}
            elif (label := _vocabulary_label(field.name, value, lang)) is not None:
                value = {"value": value, "label": label}
        fields.append({"name": field.name, "label": str(field.verbose_name), "value": value})
    for field in obj._meta.many_to_many:
        targets = [_related(target) for target in getattr(obj, field.name).all()]
        fields.append({"name": field.name, "label": str(field.verbose_name), "value": targets})
    every_field = [*obj._meta.concrete_fields, *obj._meta.many_to_many]
    for entry, field in zip(fields, every_field, strict=True):
        raw_json = isinstance(field, models.JSONField) and not _is_code_field(field.name)
        if raw_json:  # stored JSON (audit details, figures): shown as it is
            entry["text"] = json.dumps(entry["value"], ensure_ascii=False, default=str)
        else:
            entry["text"] = _text(entry["value"])
    return fields


def build_export(pupil: Pupil, *, lang: str = "nl", generated_by: Any = None) -> dict[str, Any]:
    """Everything about the pupil, as plain data (JSON-ready)."""
    with translation.override(lang):
        sections = []
        for entry in pupil_models():
            rows = [serialize(row, lang) for row in entry.rows(pupil)]
            sections.append(
                {
                    "model": entry.label,
                    "name": str(entry.model._meta.verbose_name_plural),
                    "rows": rows,
                }
            )
        audit = AuditEntry.objects.filter(pupil_public_id=pupil.public_id).order_by("at", "id")
        due = erase_after(pupil)
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "generated_at": timezone.localtime().isoformat(),
            "generated_by": _person(generated_by) if generated_by is not None else None,
            "language": lang,
            "pupil": serialize(pupil, lang),
            "retention": {
                "days_after_leaving": retention_days(pupil.school),
                "erase_after": due.isoformat() if due else None,
                "on_hold": pupil.retention_holds.exists(),
            },
            "records": sections,
            "audit": [serialize(row, lang) for row in audit],
        }


def as_json(export: dict[str, Any]) -> dict[str, Any]:
    """The download: each row as {field name: value}."""

    def rows(items):
        return [{f["name"]: f["value"] for f in row} for row in items]

    return {
        **{k: v for k, v in export.items() if k not in {"pupil", "records", "audit"}},
        "pupil": {f["name"]: f["value"] for f in export["pupil"]},
        "records": {
            section["model"]: {"name": section["name"], "rows": rows(section["rows"])}
            for section in export["records"]
        },
        "audit": rows(export["audit"]),
    }
