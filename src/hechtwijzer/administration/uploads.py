"""Uploaded import files between the preview and the apply: in the data directory, encrypted
with the app's keys (AES-256-GCM, `hechtwijzer.crypto`), bound to one school, and deleted when
applied, discarded or `UPLOAD_MINUTES` old (every visit to the import page clears the old ones).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
from pathlib import Path

from django.conf import settings

from hechtwijzer import crypto

UPLOAD_MINUTES = 60
TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _folder() -> Path:
    # IMPORT_UPLOAD_DIR: only tests set it (a temporary folder).
    folder = Path(getattr(settings, "IMPORT_UPLOAD_DIR", None) or settings.DATA_DIR / "imports")
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _path(token: str) -> Path | None:
    return _folder() / f"{token}.json" if TOKEN.match(token or "") else None


def store(*, school_id: int, kind: str, data: bytes, name: str, partial: bool = False) -> str:
    """Keep an upload; returns its token."""
    purge_expired()
    token = secrets.token_hex(16)
    sealed = crypto.encrypt(base64.b64encode(data).decode("ascii"), f"import:{token}")
    payload = {
        "school": school_id,
        "kind": kind,
        "name": name[:100],
        "partial": partial,
        "data": sealed,
    }
    path = _path(token)
    path.touch(mode=0o600)
    path.write_text(json.dumps(payload), encoding="utf-8")
    return token


def load(*, school_id: int, token: str) -> dict | None:
    """{"kind", "name", "partial", "data": bytes} of a kept upload of this school, or None (unknown,
    another school's, or expired)."""
    path = _path(token)
    if path is None or not path.is_file():
        return None
    if time.time() - path.stat().st_mtime > UPLOAD_MINUTES * 60:
        path.unlink(missing_ok=True)
        return None
    payload = json.loads(path.read_text(encoding="utf-8"))
    if payload.get("school") != school_id:
        return None
    data = base64.b64decode(crypto.decrypt(payload["data"], f"import:{token}"))
    return {
        "kind": payload["kind"],
        "name": payload["name"],
        "partial": bool(payload.get("partial")),
        "data": data,
    }


def delete(token: str) -> None:
    path = _path(token)
    if path is not None:
        path.unlink(missing_ok=True)


def purge_expired() -> int:
    """Delete uploads older than UPLOAD_MINUTES; how many."""
    limit = time.time() - UPLOAD_MINUTES * 60
    gone = 0
    for path in _folder().glob("*.json"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            gone += 1
    return gone
