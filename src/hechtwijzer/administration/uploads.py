"""Uploaded import files between the preview and the apply: in the database (`ImportUpload`),
encrypted with the app's keys (AES-256-GCM, `hechtwijzer.crypto`, bound to the token), bound to
one school, and deleted when applied, discarded or `UPLOAD_MINUTES` old (every visit to the
import page clears the old ones).

In the database rather than in the data directory: with several app servers behind a load
balancer the preview and the apply may reach different servers, and the database is the one
store they all share (README, "Several app servers"). A shared directory would be one more
thing to mount, back up and protect on every server; a file of at most 20 MB for an hour at
most costs the database little.
"""

from __future__ import annotations

import base64
import re
import secrets
from datetime import timedelta

from django.utils import timezone

from hechtwijzer import crypto

from .models import ImportUpload

UPLOAD_MINUTES = 60
TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _fresh():
    return ImportUpload.objects.filter(
        created_at__gte=timezone.now() - timedelta(minutes=UPLOAD_MINUTES)
    )


def store(*, school_id: int, kind: str, data: bytes, name: str, partial: bool = False) -> str:
    """Keep an upload; returns its token."""
    token = secrets.token_hex(16)
    sealed = crypto.encrypt(base64.b64encode(data).decode("ascii"), f"import:{token}")
    ImportUpload.objects.create(
        token=token,
        school_id=school_id,
        kind=kind,
        name=name[:100],
        partial=partial,
        sealed=sealed,
    )
    return token


def load(*, school_id: int, token: str) -> dict | None:
    """{"kind", "name", "partial", "data": bytes} of a kept upload of this school, or None (unknown,
    another school's, or expired)."""
    if not TOKEN.match(token or ""):
        return None
    upload = _fresh().filter(token=token, school_id=school_id).first()
    if upload is None:
        return None
    data = base64.b64decode(crypto.decrypt(upload.sealed, f"import:{token}"))
    return {"kind": upload.kind, "name": upload.name, "partial": upload.partial, "data": data}


def delete(token: str) -> None:
    if TOKEN.match(token or ""):
        ImportUpload.objects.filter(token=token).delete()


def purge_expired() -> int:
    """Delete uploads older than UPLOAD_MINUTES; how many."""
    limit = timezone.now() - timedelta(minutes=UPLOAD_MINUTES)
    gone, _ = ImportUpload.objects.filter(created_at__lt=limit).delete()
    return gone
