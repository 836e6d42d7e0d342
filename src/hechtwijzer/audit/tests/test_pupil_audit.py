"""Per pupil, who looked at it (care coordinator and school administrator), and the trail is
append-only in the database itself."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import TestCase
from django.utils import translation

from hechtwijzer.audit import append_only
from hechtwijzer.audit.models import AuditEntry, record
from hechtwijzer.privacy import trail as views
from hechtwijzer.testing import PASSWORD, build_world


class PupilAuditPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def url(self, pupil=None):
        return f"/pupils/{(pupil or self.w.piet).public_id}/audit/"

    def get(self, username, pupil=None, **params):
        self.client.logout()
        if username:
            assert self.client.login(username=username, password=PASSWORD)
        return self.client.get(self.url(pupil), params)

    def test_the_care_coordinator_sees_who_looked_newest_first(self):
        self.client.login(username="anna", password=PASSWORD)
        self.client.get(f"/pupils/{self.w.piet.public_id}/")
        response = self.get("carla")
        assert response.status_code == 200
        rows = response.context["rows"]
        actions = [row["entry"].action for row in rows]
        # The page's own read is on the trail (and is the newest), the teacher's read below it.
        assert actions[0] == "audit.view" and rows[0]["entry"].username == "carla"
        assert "pupil.view" in actions
        read = next(row for row in rows if row["entry"].action == "pupil.view")
        assert read["entry"].username == "anna" and read["entry"].role == "teacher"
        stamps = [(row["entry"].at, row["entry"].pk) for row in rows]
        assert stamps == sorted(stamps, reverse=True)
        # Only this pupil's entries.
        assert {row["entry"].pupil_public_id for row in rows} == {self.w.piet.public_id}
        page = response.content.decode()
        assert "anna" in page and f'href="/pupils/{self.w.piet.public_id}/"' in page

    def test_reading_the_trail_is_itself_recorded(self):
        before = AuditEntry.objects.filter(action="audit.view").count()
        self.get("carla")
        entry = AuditEntry.objects.filter(action="audit.view").latest("at", "id")
        assert AuditEntry.objects.filter(action="audit.view").count() == before + 1
        assert entry.username == "carla" and entry.role == "care_coordinator"
        assert entry.pupil_public_id == self.w.piet.public_id

    def test_the_school_administrator_reaches_it_without_a_pupil_page(self):
        response = self.get("dirk")
        assert response.status_code == 200
        # No link to the care record, which is not theirs.
        assert f'href="/pupils/{self.w.piet.public_id}/"' not in response.content.decode()
        # Pupils who left stay on the trail for the whole school.
        assert self.get("dirk", self.w.sem).status_code == 200

    def test_everyone_else_gets_404_and_a_recorded_refusal(self):
        for username in ["anna", "bram", "erik", "fien", "gijs"]:
            assert self.get(username).status_code == 404, username
            refusal = AuditEntry.objects.latest("at", "id")
            assert refusal.action == "access.denied" and refusal.username == username
            assert refusal.details == {"wanted": "audit.view"}
        response = self.get(None)
        assert response.status_code == 302 and response["Location"].startswith("/?next=")

    def test_it_is_paginated(self):
        for _ in range(views.PAGE_SIZE + 5):
            record(action="pupil.view", actor=self.w.carla, pupil=self.w.piet)
        first = self.get("carla")
        assert len(first.context["rows"]) == views.PAGE_SIZE
        second = self.get("carla", page=2)
        assert 5 <= len(second.context["rows"]) < views.PAGE_SIZE
        assert second.context["page"].number == 2

    def test_entries_are_described_in_words(self):
        self.client.login(username="anna", password=PASSWORD)
        # Refused: anna teaches group 3, Mo is in group 5.
        assert self.client.get(f"/pupils/{self.w.mo.public_id}/").status_code == 404
        response = self.get("carla", self.w.mo)
        rows = {row["entry"].action: row for row in response.context["rows"]}
        with translation.override("en"):
            assert str(rows["access.denied"]["kind"]) == "refused"
            assert str(rows["access.denied"]["subject"]) == "Pupil record"  # wanted pupil.view
            assert str(rows["audit.view"]["kind"]) == "read"
            assert str(rows["audit.view"]["subject"]) == "Audit trail"

    def test_a_care_team_meetings_entries_are_described_in_words(self):
        record(action="meeting.minutes", actor=self.w.carla, pupil=self.w.piet)
        response = self.get("carla")
        row = next(r for r in response.context["rows"] if r["entry"].action == "meeting.minutes")
        with translation.override("en"):
            assert str(row["subject"]) == "Care-team meetings"
            assert str(row["kind"]) == "changed"
        with translation.override("nl"):
            assert str(row["subject"]) == "Leerlingbesprekingen"

    def test_the_pupil_page_links_to_it_for_the_care_coordinator_only(self):
        link = f'href="{self.url()}"'
        self.client.login(username="carla", password=PASSWORD)
        assert link in self.client.get(f"/pupils/{self.w.piet.public_id}/").content.decode()
        self.client.login(username="anna", password=PASSWORD)
        assert link not in self.client.get(f"/pupils/{self.w.piet.public_id}/").content.decode()


class AppendOnlyInTheDatabaseTests(TestCase):
    """Raw SQL bypasses the model's guards; the database triggers refuse it all the same."""

    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def raw(self, sql, params=()):
        with transaction.atomic(), connection.cursor() as cursor:  # a savepoint per attempt
            cursor.execute(sql, params)

    def test_raw_update_is_refused(self):
        entry = AuditEntry.objects.first()
        with pytest.raises(IntegrityError, match="append-only"):
            self.raw("UPDATE audit_auditentry SET action = %s WHERE id = %s", ["x", entry.pk])
        with pytest.raises(IntegrityError):
            self.raw("UPDATE audit_auditentry SET username = ''")
        assert AuditEntry.objects.get(pk=entry.pk).action == entry.action

    def test_raw_delete_is_refused(self):
        count = AuditEntry.objects.count()
        entry = AuditEntry.objects.first()
        with pytest.raises(IntegrityError, match="append-only"):
            self.raw("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
        with pytest.raises(IntegrityError):
            self.raw("DELETE FROM audit_auditentry")
        assert AuditEntry.objects.count() == count

    def test_bulk_operations_that_skip_the_queryset_are_refused_too(self):
        # QuerySet._raw_delete and a plain UPDATE through Django's SQL compiler skip the
        # AuditQuerySet guards; the trigger still refuses them.
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEntry.objects.all()._raw_delete(connection.alias)
        with pytest.raises(DatabaseError), transaction.atomic():
            from django.db.models.query import QuerySet

            QuerySet.update(AuditEntry.objects.all(), action="x")
        assert AuditEntry.objects.filter(action="x").count() == 0

    def test_appending_still_works(self):
        count = AuditEntry.objects.count()
        record(action="pupil.view", actor=self.w.carla, pupil=self.w.piet)
        assert AuditEntry.objects.count() == count + 1

    def test_only_the_flush_command_may_empty_the_table(self):
        from django.core.management import get_commands

        assert get_commands()["flush"] == "hechtwijzer.audit"
        if connection.vendor != "sqlite":
            return  # PostgreSQL's flush is TRUNCATE, which row triggers do not see
        count = AuditEntry.objects.count()
        with transaction.atomic():
            with append_only.flushing(connection), connection.cursor() as cursor:
                cursor.execute("DELETE FROM audit_auditentry")
            assert AuditEntry.objects.count() == 0
            transaction.set_rollback(True)
        assert AuditEntry.objects.count() == count
        with pytest.raises(IntegrityError):  # the marker is gone again
            self.raw("DELETE FROM audit_auditentry")


def test_the_sqlite_triggers_fail_closed_without_the_marker_function(tmp_path):
    """Another program's connection (no marker function) cannot delete; ours only while
    flushing. Runs on a scratch SQLite file whatever database the suite uses."""
    import importlib
    import sqlite3

    migration = importlib.import_module("hechtwijzer.audit.migrations.0002_append_only_triggers")
    path = tmp_path / "audit.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE audit_auditentry (id INTEGER PRIMARY KEY, action TEXT)")
        db.execute("INSERT INTO audit_auditentry (action) VALUES ('pupil.view')")
        for statement in migration.SQLITE_FORWARD:
            db.execute(statement)
    db = sqlite3.connect(path)
    with pytest.raises(sqlite3.OperationalError, match="no such function"):
        db.execute("DELETE FROM audit_auditentry")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE audit_auditentry SET action = 'x'")
    allowed = {"now": 0}
    db.create_function(migration.SQLITE_FLUSH_FUNCTION, 0, lambda: allowed["now"])
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM audit_auditentry")
    allowed["now"] = 1
    db.execute("DELETE FROM audit_auditentry")
    assert db.execute("SELECT count(*) FROM audit_auditentry").fetchone() == (0,)
    db.close()
