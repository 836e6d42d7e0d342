"""Issue 14: password changes go on the audit trail (own change, the operator's command)."""

from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.test import Client, TestCase

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.testing import PASSWORD, build_world

NEW = "a brand new long passphrase 42"


class PasswordAuditTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def test_changing_ones_own_password_is_audited_without_the_password(self):
        client = Client()
        client.force_login(self.w.anna)
        response = client.post(
            "/accounts/password/",
            {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
        )
        assert response.status_code == 302
        entry = AuditEntry.objects.get(action="auth.password_changed")
        assert (entry.username, entry.object_id) == ("anna", str(self.w.anna.pk))
        assert NEW not in str(entry.details) and PASSWORD not in str(entry.details)
        self.w.anna.refresh_from_db()
        assert self.w.anna.check_password(NEW)
        # The session that changed it goes on.
        assert client.get("/").wsgi_request.user.is_authenticated

    def test_a_refused_change_writes_no_entry(self):
        client = Client()
        client.force_login(self.w.anna)
        response = client.post(
            "/accounts/password/",
            {"old_password": "not it", "new_password1": NEW, "new_password2": NEW},
        )
        assert response.status_code == 200 and response.context["form"].errors
        assert not AuditEntry.objects.filter(action="auth.password_changed").exists()

    def test_the_operators_changepassword_command_is_audited(self):
        with mock.patch("getpass.getpass", return_value=NEW):
            call_command("changepassword", "carla", stdout=StringIO())
        entry = AuditEntry.objects.get(action="auth.password_reset")
        assert entry.object_id == str(self.w.carla.pk)
        assert entry.details == {"username": "carla", "by": "operator (changepassword)"}
        self.w.carla.refresh_from_db()
        assert self.w.carla.check_password(NEW)
