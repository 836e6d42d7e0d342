"""The database side of the append-only audit trail (triggers: migrations/0002).

On SQLite one operation may delete audit rows: Django's `flush` (which empties every table; used
by an operator and by TransactionTestCase / pytest-django's `transactional_db` between tests).
SQLite has no session variables, so the marker is a SQL function registered on each connection
this process opens, `hechtwijzer_audit_flush_allowed()`: 1 only inside `flushing(connection)`,
which only our `flush` command (management/commands/flush.py) enters. A connection from any
other program (the sqlite3 shell, a script) lacks the function, so its DELETE fails as well:
the trigger fails closed. UPDATE is refused always. On PostgreSQL, flush uses TRUNCATE, which
the row-level trigger does not see, so no marker is needed there.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.db.backends.signals import connection_created
from django.dispatch import receiver

SQLITE_FLUSH_FUNCTION = "hechtwijzer_audit_flush_allowed"


@receiver(connection_created, dispatch_uid="hechtwijzer.audit.sqlite_flush_function")
def register_sqlite_flush_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        SQLITE_FLUSH_FUNCTION, 0, lambda: 1 if getattr(connection, "_audit_flushing", False) else 0
    )


@contextlib.contextmanager
def flushing(connection: Any) -> Iterator[None]:
    """Let a whole-database flush empty the audit table on this connection (SQLite)."""
    connection._audit_flushing = True
    try:
        yield
    finally:
        connection._audit_flushing = False
