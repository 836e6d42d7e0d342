"""The audit trail: written with every read and change, append-only, printable per pupil."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from hechtwijzer.administration import actions
from hechtwijzer.audit.models import AppendOnlyError, AuditEntry
from hechtwijzer.testing import PASSWORD, build_world


class AuditTrailTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def test_it_cannot_be_changed_or_deleted(self):
        entry = AuditEntry.objects.first()
        entry.action = "something.else"
        with pytest.raises(AppendOnlyError):
            entry.save()
        with pytest.raises(AppendOnlyError):
            entry.delete()
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.all().update(action="x")
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.all().delete()

    def test_the_admin_shows_it_read_only_and_only_for_the_own_school(self):
        self.client.login(username="dirk", password=PASSWORD)
        self.client.get(f"/pupils/{self.w.zoe.public_id}/")  # a refusal at the other school
        listing = self.client.get("/admin/audit/auditentry/")
        assert listing.status_code == 200
        entries = listing.context["cl"].result_list
        assert entries and all(e.school_id in (self.w.noord.pk, None) for e in entries)
        entry = AuditEntry.objects.filter(school_id=self.w.noord.pk).first()
        response = self.client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {})
        assert response.status_code == 403
        assert self.client.post(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403

    def test_a_change_and_its_entry_are_one_transaction(self):
        count = AuditEntry.objects.count()
        with pytest.raises(Exception):  # noqa: B017 (the invalid change itself)
            actions.update_pupil(actor=self.w.dirk, pupil=self.w.piet, status="left")
        assert AuditEntry.objects.count() == count
        self.w.piet.refresh_from_db()
        assert self.w.piet.status == "active"

    def test_the_command_prints_who_read_a_pupil(self):
        self.client.login(username="anna", password=PASSWORD)
        self.client.get(f"/pupils/{self.w.piet.public_id}/")
        self.client.login(username="bram", password=PASSWORD)
        self.client.get(f"/pupils/{self.w.piet.public_id}/")
        out = io.StringIO()
        call_command("audit", "--pupil", self.w.piet.public_id, "--json", stdout=out)
        rows = json.loads(out.getvalue())
        assert {"at", "username", "role", "action", "object"} <= set(rows[0])
        seen = [(r["username"], r["action"]) for r in rows]
        assert ("", "pupil.create") in seen
        assert ("anna", "pupil.view") in seen
        assert ("bram", "access.denied") in seen
        text = io.StringIO()
        call_command("audit", "--pupil", self.w.piet.public_id, stdout=text)
        assert "anna" in text.getvalue() and "pupil.view" in text.getvalue()

    def test_it_records_the_clients_address_behind_a_trusted_proxy(self):
        from django.test import override_settings

        with override_settings(TRUSTED_PROXY_COUNT=1):
            self.client.login(username="anna", password=PASSWORD)
            self.client.get(
                f"/pupils/{self.w.piet.public_id}/",
                HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.9",
            )
        entry = AuditEntry.objects.filter(action="pupil.view").latest("id")
        assert entry.remote_addr == "198.51.100.9"  # the proxy's own view of the client

    def test_the_command_names_a_malformed_pupil_id(self):
        with pytest.raises(CommandError, match="is not a pupil id"):
            call_command("audit", "--pupil", "../etc", stdout=io.StringIO())
