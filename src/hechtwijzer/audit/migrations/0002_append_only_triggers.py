"""Append-only in the database too: UPDATE and DELETE of audit entries are refused.

The model already refuses `save()` of an existing entry, `delete()` and queryset
`update()`/`delete()`; these triggers refuse the same at the database, so raw SQL, a bulk
operation or a future code path cannot change or remove the trail either.

- PostgreSQL: a row-level BEFORE UPDATE OR DELETE trigger whose function raises
  integrity_constraint_violation (Django's IntegrityError). TRUNCATE fires no row triggers and is
  not covered: only `flush` (an operator's command, and TransactionTestCase between tests) uses
  it. Django's TestCase rolls its transactions back and deletes nothing.
- SQLite: BEFORE UPDATE and BEFORE DELETE triggers with RAISE(ABORT, ...) (IntegrityError).
  SQLite has no TRUNCATE: `flush` deletes rows, which the trigger would refuse, and the suite has
  transactional tests (the backup round trip). So the DELETE trigger lets rows go only while the
  connection-level marker `hechtwijzer_audit_flush_allowed()` answers 1, which it does only inside
  our `flush` command (hechtwijzer.audit.append_only). Other programs' connections lack the
  function, so their deletes fail too. UPDATE is refused always.

Removing the trail on purpose otherwise (the end of a retention period) is an operator's job in
the database: migrate this app back to 0001, which drops the triggers.
"""

from django.db import migrations

TABLE = "audit_auditentry"
# Fixed here, not imported, so the migration stays as it was when applied.
SQLITE_FLUSH_FUNCTION = "hechtwijzer_audit_flush_allowed"
MESSAGE = "audit entries are append-only: they cannot be changed or deleted"

POSTGRES_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE} (% refused)', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$
    """,
    f"""
    CREATE TRIGGER {TABLE}_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()
    """,
]
POSTGRES_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_append_only()",
]
SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
    WHEN {SQLITE_FLUSH_FUNCTION}() IS NOT 1
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete",
]
STATEMENTS = {
    "postgresql": (POSTGRES_FORWARD, POSTGRES_BACKWARD),
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
}


def _run(schema_editor, direction):
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise NotImplementedError(f"no append-only triggers for the {vendor} database")
    for statement in STATEMENTS[vendor][direction]:
        schema_editor.execute(statement, params=None)  # no placeholders: % is literal


def forward(apps, schema_editor):
    _run(schema_editor, 0)


def backward(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
