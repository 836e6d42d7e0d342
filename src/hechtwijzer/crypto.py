"""Encryption at rest for free text about pupils and families (AES-256-GCM).

Notes about children (observation notes, factor notes, later evaluation and safeguarding notes)
are stored encrypted. The design:

- AES-256-GCM from the `cryptography` library: authenticated, so any change to a stored value
  is detected. (Fernet-based field packages use AES-128-CBC and are mostly unmaintained.)
- Keys live outside the database, in the settings (`ENCRYPTION_KEYS`, read from
  `HECHTWIJZER_ENCRYPTION_KEYS` or from the file named by `HECHTWIJZER_ENCRYPTION_KEYS_FILE`:
  `id:base64key,...`, the first is the current key), or, outside production only, in
  `<data dir>/encryption_keys.json`, created once with mode 0600 and separate from `SECRET_KEY`.
  Each stored value names its key id, so old keys keep working after a new one becomes current
  (`hechtwijzer reencrypt` rewrites old values).
- The record's identity (model, field, the row's uid) is bound in as associated data: a
  ciphertext copied onto another row, or another field, does not decrypt.
- Failure to decrypt is an error (`DecryptionError`), never a silent empty value.
- Rotation while the servers run: the key ring is cached per process, but a value under a key
  id the ring does not hold makes it read its source again once (`decrypt`), and before the
  first write of each request a guard that the privacy app installs (`set_write_guard`,
  `privacy/keys.py`) compares the current key with the database's check values and reloads the
  ring when another process made a newer key current.

Stored format: `hw1:<key id>:<base64 nonce + ciphertext>`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "hw1"
NONCE_BYTES = 12
KEY_BYTES = 32


class DecryptionError(Exception):
    """A stored value could not be decrypted: wrong key, tampered data, or moved ciphertext."""


class UnknownKeyError(DecryptionError):
    """A stored value names a key id this key ring does not hold."""


class KeyConfigurationError(Exception):
    """The encryption keys are missing or malformed."""


# Each key's check value is an HMAC of this fixed label under the key: it shows whether two
# servers hold the same key under one id without revealing anything about the key.
CHECK_LABEL = b"hechtwijzer encryption key check v1"


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
            raise UnknownKeyError(f"encryption key {key_id!r} is not configured")
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

    def check_value(self, key_id: str) -> str:
        """HMAC-SHA256 of a fixed label under the key (hex): stored in the database so every
        server can verify that it holds the same key under that id; never the key itself."""
        return hmac.new(self.keys[key_id], CHECK_LABEL, hashlib.sha256).hexdigest()


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


def keyring_from_string(value: str, origin: str = "HECHTWIJZER_ENCRYPTION_KEYS") -> Keyring:
    """Parse `id:base64key,id2:base64key` (the first key is the current one)."""
    keys: dict[str, bytes] = {}
    order = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        key_id, _, encoded = part.partition(":")
        if key_id in keys:
            raise KeyConfigurationError(f"{origin}: key id {key_id!r} appears twice")
        keys[key_id] = _parse_key(key_id, encoded, origin)
        order.append(key_id)
    if not order:
        raise KeyConfigurationError(f"{origin} holds no key")
    return Keyring(current=order[0], keys=keys)


# The name tests and older callers know.
keyring_from_env = keyring_from_string


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


def read_keys_secret(path: Path) -> Keyring:
    """The keys in the file `HECHTWIJZER_ENCRYPTION_KEYS_FILE` names: `id:base64,...` as in
    the variable, or a JSON key file as `backup --include-keys` and development write."""
    origin = f"HECHTWIJZER_ENCRYPTION_KEYS_FILE ({path})"
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        raise KeyConfigurationError(f"{origin}: no such file") from None
    except OSError as error:
        raise KeyConfigurationError(f"{origin}: cannot be read ({error.strerror})") from None
    if text.startswith("{"):
        try:
            return read_key_file(path)
        except KeyConfigurationError as error:
            raise KeyConfigurationError(f"HECHTWIJZER_ENCRYPTION_KEYS_FILE: {error}") from None
    return keyring_from_string(text, origin)


def write_key_file(path: Path, keyring_data: dict, *, replace: bool = True) -> bool:
    """Write the key file atomically with mode 0600, through a temporary file of this call's
    own (several processes may write at once: one shared temporary name let a process write
    into the file another had just put in place, and a reader met it half written).

    `replace=False` writes only where there is no key file yet, as one step (a hard link), and
    answers False when another process made one first: that file stands, so every process
    starting on a fresh data directory uses the same key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as handle:  # mkstemp's file is 0600
            json.dump(keyring_data, handle, indent=2)
        if replace:
            os.replace(temporary, path)
            return True
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        return True
    finally:
        Path(temporary).unlink(missing_ok=True)


def key_file_path() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / "encryption_keys.json"


def key_source() -> str:
    """Where the keys come from: 'file' (HECHTWIJZER_ENCRYPTION_KEYS_FILE), 'env'
    (HECHTWIJZER_ENCRYPTION_KEYS), 'data_dir' (the generated key file) or '' (none, in
    production: the system check hw.E201 stops the server)."""
    from django.conf import settings

    if getattr(settings, "ENCRYPTION_KEYS_FILE", ""):
        return "file"
    if getattr(settings, "ENCRYPTION_KEYS", ""):
        return "env"
    return "" if getattr(settings, "PRODUCTION", False) else "data_dir"


def describe_source() -> str:
    from django.conf import settings

    path = getattr(settings, "ENCRYPTION_KEYS_FILE", "")
    return {
        "file": f"HECHTWIJZER_ENCRYPTION_KEYS_FILE ({path})",
        "env": "the HECHTWIJZER_ENCRYPTION_KEYS environment variable",
        "data_dir": str(key_file_path()),
        "": "nowhere: HECHTWIJZER_ENCRYPTION_KEYS is not set",
    }[key_source()]


def load_keyring() -> Keyring:
    """Read the keys from their source now (no cache)."""
    from django.conf import settings

    source = key_source()
    if source == "file":
        return read_keys_secret(Path(settings.ENCRYPTION_KEYS_FILE))
    if source == "env":
        return keyring_from_string(settings.ENCRYPTION_KEYS)
    if source == "":
        # Each server generating its own key would make the notes one server writes unreadable
        # to the others: production needs keys every server shares.
        raise KeyConfigurationError(
            "HECHTWIJZER_ENV=production needs HECHTWIJZER_ENCRYPTION_KEYS or "
            "HECHTWIJZER_ENCRYPTION_KEYS_FILE; no key file is generated in production"
        )
    path = key_file_path()
    if not path.exists():
        write_key_file(path, {"current": "k1", "keys": {"k1": new_key()}}, replace=False)
    return read_key_file(path)


# The process's key ring, read once, and whether the write guard has run since the ring was
# (re)loaded or the current request began.
_ring: Keyring | None = None
_write_checked = False
_write_guard: Callable[[Keyring], Keyring] | None = None


def keyring() -> Keyring:
    """The configured keys, read once per process (see `reload_keyring`)."""
    return _ring if _ring is not None else reload_keyring()


def reload_keyring() -> Keyring:
    """Read the keys from their source again and use them from now on."""
    global _ring, _write_checked
    _ring = load_keyring()
    _write_checked = False
    return _ring


def forget_keyring() -> None:
    """Drop the cached ring (settings changed, tests); the next use reads the source."""
    global _ring, _write_checked
    _ring = None
    _write_checked = False


def set_write_guard(guard: Callable[[Keyring], Keyring] | None) -> None:
    """Install the function run before the first encryption after a (re)load or request
    start: it gets the ring and returns the ring to encrypt with (the privacy app's
    `keys.before_write` records and verifies check values and follows a rotation)."""
    global _write_guard, _write_checked
    _write_guard = guard
    _write_checked = False


def recheck_before_next_write() -> None:
    """Run the write guard again before the next encryption (at each request start)."""
    global _write_checked
    _write_checked = False


def encrypt(plaintext: str, associated: str) -> str:
    """Encrypt with the current key, after the write guard has had its say."""
    global _write_checked
    ring = keyring()
    if not _write_checked and _write_guard is not None:
        ring = _write_guard(ring)
        _write_checked = True
    return ring.encrypt(plaintext, associated)


def decrypt(stored: str, associated: str) -> str:
    """Decrypt; a key id the cached ring does not hold makes it read the source once more
    (another process may have rotated the key file or the mounted secret)."""
    try:
        return keyring().decrypt(stored, associated)
    except UnknownKeyError:
        return reload_keyring().decrypt(stored, associated)


def rotate_key_file() -> str:
    """Add a new key to the data directory's key file and make it current; returns its id."""
    source = key_source()
    if source == "env":
        raise KeyConfigurationError(
            "keys come from HECHTWIJZER_ENCRYPTION_KEYS: put the new key first there instead"
        )
    if source == "file":
        raise KeyConfigurationError(
            "keys come from HECHTWIJZER_ENCRYPTION_KEYS_FILE: put the new key first in that "
            "file instead (SECURITY.md, key rotation)"
        )
    path = key_file_path()
    ring = reload_keyring()  # the file as it is now, not as this process first read it
    number = 1 + max((int(k[1:]) for k in ring.keys if k[1:].isdigit()), default=0)
    new_id = f"k{number}"
    data = {
        "current": new_id,
        "keys": {k: base64.b64encode(v).decode() for k, v in ring.keys.items()},
    }
    data["keys"][new_id] = new_key()
    write_key_file(path, data)
    reload_keyring()
    return new_id
