"""`/healthz`: whether this app server can serve, for a load balancer in front of several.

Three checks, in order: the database answers, every migration this server's code has is
applied, and the encryption keys this server holds match the check values stored in the
database (`hechtwijzer.privacy.keys`). 200 `{"status": "ok", ...}` when all pass; 503 with
`"failing": [names]` otherwise. Nothing else is said (no error text, versions or key ids):
the endpoint is public (SECURITY.md, "/healthz").

Cheap on purpose (a load balancer asks every few seconds): no log-in, no session, no audit
entry, three small queries. The migrations this server expects are read from disk once per
process; the applied ones are read from the database on every call.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from hechtwijzer import crypto
from hechtwijzer.door import Policy, policy
from hechtwijzer.privacy import keys

logger = logging.getLogger(__name__)
CHECKS = ("database", "migrations", "keys")
_expected_migrations: set[tuple[str, str]] | None = None


def expected_migrations() -> set[tuple[str, str]]:
    """(app, name) of every migration in this server's code, once per process."""
    global _expected_migrations
    if _expected_migrations is None:
        loader = MigrationLoader(None, ignore_no_migrations=True)
        _expected_migrations = set(loader.graph.nodes)
    return _expected_migrations


def database_ok(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def migrations_ok(connection) -> bool:
    # The table itself, not applied_migrations(), which first lists every table.
    applied = set(MigrationRecorder(connection).migration_qs.values_list("app", "name"))
    return expected_migrations() <= applied


def keys_ok() -> bool:
    """The keys this process holds match the database's check values. When they do not, the key
    source is read once again first: after a rotation another process started, this server's
    next write or read would reload too."""
    try:
        ring = crypto.keyring()
        if not any(keys.problems(ring)):
            return True
        return not any(keys.problems(crypto.reload_keyring()))
    except crypto.KeyConfigurationError:
        return False


def run_checks() -> dict[str, str]:
    """{check name: "ok" | "failing" | "skipped"}; a check after a failing one is skipped."""
    connection = connections["default"]
    results: dict[str, str] = {}
    steps = (
        ("database", lambda: database_ok(connection)),
        ("migrations", lambda: migrations_ok(connection)),
        ("keys", keys_ok),
    )
    for name, check in steps:
        if any(value != "ok" for value in results.values()):
            results[name] = "skipped"
            continue
        try:
            results[name] = "ok" if check() else "failing"
        except DatabaseError as error:
            logger.warning("healthz: %s check failed: %s", name, error.__class__.__name__)
            results[name] = "failing"
    return results


@policy(Policy.PUBLIC)  # for load balancers: says ok or names failing checks, nothing else
@never_cache
@require_safe
def healthz(request):
    results = run_checks()
    failing = [name for name in CHECKS if results[name] == "failing"]
    body = {"status": "failing" if failing else "ok", "checks": results}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)
