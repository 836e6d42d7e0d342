"""The live SQLite database and its `-wal` and `-shm` files are private to the app's user.

SQLite creates a new database file with mode 0644 and gives the `-wal` and `-shm` files the
mode of the database file, so restricting the database file when a connection opens it keeps
all three at 0600 (the data directory itself is created 0700 in settings).
"""

from __future__ import annotations

import os
from pathlib import Path

SUFFIXES = ("", "-wal", "-shm")


def private_database_files(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: chmod 0600 the SQLite file and its companions."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return
    name = Path(str(connection.settings_dict["NAME"]))
    for suffix in SUFFIXES:
        path = name.with_name(name.name + suffix)
        try:
            if os.stat(path).st_mode & 0o077:
                os.chmod(path, 0o600)
        except FileNotFoundError:
            continue
