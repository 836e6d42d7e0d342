"""Consistent backups and restores of the database.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies a consistent snapshot while
the app keeps running; restoring copies the backup into the configured database the same way.
PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists --single-transaction`
(the PostgreSQL client programs must be installed and match the server's major version).

The encryption keys are NOT in the database, so not in the backup: without them the notes in
a backup cannot be read. `hechtwijzer backup` says so every time; `--include-keys` writes a
copy of the keys next to the backup (mode 0600) for operators who store both in one safe place.
Keeping the keys apart from the backups is the better practice: a stolen backup alone then
reveals no notes (names and dates are not encrypted).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.db import connection, connections

from hechtwijzer import crypto

from .reencrypt import encrypted_fields

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, for the operator."""


def vendor() -> str:
    return connection.vendor


def default_path(directory: Path, stamp: str) -> Path:
    suffix = ".sqlite3" if vendor() == "sqlite" else ".pgdump"
    return directory / f"hechtwijzer-{stamp}{suffix}"


def _private_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


# --- PostgreSQL --------------------------------------------------------------------------------


def _pg_env() -> tuple[dict[str, str], str]:
    settings = connection.settings_dict
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings.get(key):
            env[variable] = str(settings[key])
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    options = settings.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = options["sslmode"]
    return env, settings["NAME"]


def _run(program: str, arguments: list[str]) -> None:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(f"{program} is not installed (install the PostgreSQL client programs)")
    env, _name = _pg_env()
    result = subprocess.run(  # noqa: S603  (fixed program, arguments from the settings)
        [executable, *arguments], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip() or result.returncode}")


# --- backup ------------------------------------------------------------------------------------


def backup(path: Path) -> None:
    """Write a consistent backup of the configured database to `path` (mode 0600)."""
    if path.exists():
        raise BackupError(f"{path} already exists; choose another file name")
    if connection.in_atomic_block:
        # SQLite would wait forever for the open transaction; pg_dump would not see it.
        raise BackupError("cannot back up from inside a transaction")
    _private_file(path)
    try:
        if vendor() == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(path)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        elif vendor() == "postgresql":
            _env, name = _pg_env()
            _run("pg_dump", ["--format=custom", "--no-owner", f"--file={path}", name])
        else:
            raise BackupError(f"backups of {vendor()} databases are not supported")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    os.chmod(path, 0o600)


def write_keys(path: Path) -> None:
    """Copy the encryption keys to `path` (mode 0600), in the key file's format."""
    ring = crypto.keyring()
    data = {
        "current": ring.current,
        "keys": {k: base64.b64encode(v).decode("ascii") for k, v in ring.keys.items()},
    }
    crypto.write_key_file(path, data)


# --- restore -----------------------------------------------------------------------------------


def data_models():
    """The models whose rows count as data (not Django's own bookkeeping)."""
    skip = {"contenttypes", "sessions", "admin"}
    # Bookkeeping that `migrate` writes: permissions and the encryption keys' check values.
    bookkeeping = {"auth.permission", "privacy.encryptionkey"}
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in skip and model._meta.label_lower not in bookkeeping
    ]


def row_counts() -> dict[str, int]:
    """Rows per table of every data model (tables that do not exist yet count 0)."""
    existing = set(connection.introspection.table_names())
    counts = {}
    for model in data_models():
        table = model._meta.db_table
        counts[model._meta.label] = (
            model._base_manager.using(connection.alias).count() if table in existing else 0
        )
    return counts


def detect_format(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except OSError as error:
        raise BackupError(f"{path}: cannot be read ({error.strerror})") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a Hechtwijzer backup (neither SQLite nor pg_dump format)")


def _check_sqlite_backup(path: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master")}
        if "django_migrations" not in tables or "schools_pupil" not in tables:
            raise BackupError(f"{path} is an SQLite file but not a Hechtwijzer database")
        (status,) = source.execute("PRAGMA integrity_check").fetchone()
        if status != "ok":
            raise BackupError(f"{path} is damaged: {status}")
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} cannot be read as SQLite: {error}") from None
    finally:
        source.close()


def restore(path: Path, *, force: bool) -> None:
    """Replace the configured database's contents with the backup at `path`.

    Refuses when the database holds data, unless `force`.
    """
    kind = detect_format(path)
    if kind != vendor():
        raise BackupError(
            f"{path} is a {kind} backup but the configured database is {vendor()}; "
            "restore it into a database of the same kind"
        )
    if not force:
        filled = {label: n for label, n in row_counts().items() if n}
        if filled:
            summary = ", ".join(f"{label} {n}" for label, n in sorted(filled.items())[:5])
            raise BackupError(
                f"the database is not empty ({summary}{', …' if len(filled) > 5 else ''}); "
                "restoring would replace it. Add --force to overwrite it."
            )
    if kind == "sqlite":
        _check_sqlite_backup(path)
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise BackupError("cannot restore inside a transaction")
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        connections.close_all()
        _env, name = _pg_env()
        _run(
            "pg_restore",
            [
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={name}",
                str(path),
            ],
        )
        connections.close_all()


def undecryptable_sample(limit_per_field: int = 1) -> list[str]:
    """Try to decrypt one stored value per encrypted field: the fields that fail (e.g. the
    backup was made with keys that are not configured here)."""
    failures = []
    for model, fields in encrypted_fields():
        for field in fields:
            rows = model._base_manager.exclude(**{field.attname: ""})[:limit_per_field]
            for row in rows:
                try:
                    getattr(row, field.attname)
                except crypto.DecryptionError as error:
                    failures.append(f"{model._meta.label}.{field.name}: {error}")
    return failures


def key_reminder() -> str:
    where = crypto.describe_source()
    return (
        "The encryption keys are NOT in this backup. Without them the notes in it cannot be "
        f"read. Keep a copy of the keys ({where}) in a safe place, apart from the backups, "
        "or add --include-keys to write a copy next to the backup."
    )


def keys_path_for(path: Path) -> Path:
    return path.with_name(path.name + ".keys.json")


def describe(counts: dict[str, int]) -> str:
    return json.dumps({k: v for k, v in sorted(counts.items()) if v})
