"""Encryption at rest for free text about pupils and families (AES-256-GCM).

Notes about children (observation notes, factor notes, later evaluation and safeguarding notes)
are stored encrypted. The design:

- AES-256-GCM from the `cryptography` library: authenticated, so any change to a stored value
  is detected. (Fernet-based field packages use AES-128-CBC and are mostly unmaintained.)
- Keys live outside the database: in `HECHTWIJZER_ENCRYPTION_KEYS` (`id:base64key,...`, the
  first is the current key) or else in `<data dir>/encryption_keys.json`, created once with
  mode 0600 and separate from `SECRET_KEY`. Each stored value names its key id, so old keys
  keep working after a new one becomes current (`hechtwijzer reencrypt` rewrites old values).
- The record's identity (model, field, the row's uid) is bound in as associated data: a
  ciphertext copied onto another row, or another field, does not decrypt.
- Failure to decrypt is an error (`DecryptionError`), never a silent empty value.

Stored format: `hw1:<key id>:<base64 nonce + ciphertext>`.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "hw1"
NONCE_BYTES = 12
KEY_BYTES = 32


class DecryptionError(Exception):
    """A stored value could not be decrypted: wrong key, tampered data, or moved ciphertext."""


class KeyConfigurationError(Exception):
    """The encryption keys are missing or malformed."""


@dataclass(frozen=True)
class Keyring:
    current: str
    keys: dict[str, bytes]

    def encrypt(self, plaintext: str, associated: str) -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = AESGCM(self.keys[self.current]).encrypt(
            nonce, plaintext.encode("utf-8"), associated.encode("utf-8")
        )
        payload = base64.b64encode(nonce + sealed).decode("ascii")
        return f"{PREFIX}:{self.current}:{payload}"

    def decrypt(self, stored: str, associated: str) -> str:
        try:
            prefix, key_id, payload = stored.split(":", 2)
        except ValueError:
            raise DecryptionError("stored value is not in the encrypted format") from None
        if prefix != PREFIX:
            raise DecryptionError(f"unknown encryption format {prefix!r}")
        key = self.keys.get(key_id)
        if key is None:
            raise DecryptionError(f"encryption key {key_id!r} is not configured")
        try:
            raw = base64.b64decode(payload, validate=True)
            plain = AESGCM(key).decrypt(
                raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated.encode("utf-8")
            )
        except (InvalidTag, binascii.Error, ValueError):
            raise DecryptionError(
                "stored value failed authentication (tampered, moved or wrong key)"
            ) from None
        return plain.decode("utf-8")

    def key_id_of(self, stored: str) -> str:
        return stored.split(":", 2)[1] if stored.count(":") >= 2 else ""


def new_key() -> str:
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def _parse_key(key_id: str, encoded: str, origin: str) -> bytes:
    if not key_id or not key_id.replace("-", "").replace("_", "").isalnum():
        raise KeyConfigurationError(f"{origin}: key id {key_id!r} must be letters and digits")
    try:
        key = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise KeyConfigurationError(f"{origin}: key {key_id!r} is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise KeyConfigurationError(f"{origin}: key {key_id!r} must be 32 bytes (AES-256)")
    return key


def keyring_from_env(value: str) -> Keyring:
    """Parse `id:base64key,id2:base64key` (the first key is the current one)."""
    keys: dict[str, bytes] = {}
    order = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        key_id, _, encoded = part.partition(":")
        keys[key_id] = _parse_key(key_id, encoded, "HECHTWIJZER_ENCRYPTION_KEYS")
        order.append(key_id)
    if not order:
        raise KeyConfigurationError("HECHTWIJZER_ENCRYPTION_KEYS holds no key")
    return Keyring(current=order[0], keys=keys)


def read_key_file(path: Path) -> Keyring:
    try:
        data = json.loads(path.read_text())
        keys = {k: _parse_key(k, v, str(path)) for k, v in data["keys"].items()}
        current = data["current"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise KeyConfigurationError(f"{path}: not a valid key file ({error})") from None
    if current not in keys:
        raise KeyConfigurationError(f"{path}: current key {current!r} is not in the file")
    return Keyring(current=current, keys=keys)


def write_key_file(path: Path, keyring_data: dict) -> None:
    """Write the key file atomically with mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(keyring_data, handle, indent=2)
    os.replace(temporary, path)


def key_file_path() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / "encryption_keys.json"


@cache
def keyring() -> Keyring:
    """The configured keys: from the environment, else the data directory's key file."""
    configured = os.environ.get("HECHTWIJZER_ENCRYPTION_KEYS", "").strip()
    if configured:
        return keyring_from_env(configured)
    path = key_file_path()
    if not path.exists():
        write_key_file(path, {"current": "k1", "keys": {"k1": new_key()}})
    return read_key_file(path)


def rotate_key_file() -> str:
    """Add a new key to the key file and make it current; returns its id."""
    if os.environ.get("HECHTWIJZER_ENCRYPTION_KEYS", "").strip():
        raise KeyConfigurationError(
            "keys come from HECHTWIJZER_ENCRYPTION_KEYS: put the new key first there instead"
        )
    path = key_file_path()
    ring = keyring()
    number = 1 + max(int(k[1:]) for k in ring.keys if k[1:].isdigit())
    new_id = f"k{number}"
    data = {
        "current": new_id,
        "keys": {k: base64.b64encode(v).decode() for k, v in ring.keys.items()},
    }
    data["keys"][new_id] = new_key()
    write_key_file(path, data)
    keyring.cache_clear()
    return new_id
