"""Issue 14: switching two-step log-in off needs the password or a code; single-use backup codes;
the school administrator's audited reset of a staff member's two-step log-in."""

from django.db import connection
from django.test import Client, TestCase

from hechtwijzer.accounts import actions
from hechtwijzer.accounts.models import (
    AuthenticatorDevice,
    BackupCode,
    BackupCodeDevice,
    TwoFactorReset,
)
from hechtwijzer.accounts.tests.test_login_hardening import CODE, LOGIN, SETUP, code_for
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.testing import PASSWORD, build_world

TWO_STEP = "/accounts/two-step/"


def with_two_step(user):
    """A confirmed authenticator app for the user; returns it and the backup codes."""
    device = AuthenticatorDevice.objects.create(user=user, name="phone", confirmed=False)
    codes = actions.confirm_authenticator(request=None, user=user, device=device)
    return device, codes


def skip_code_wait():
    """django-otp makes one wait a second after a wrong code; tests do not wait."""
    AuthenticatorDevice.objects.update(throttling_failure_count=0)
    BackupCodeDevice.objects.update(throttling_failure_count=0)


class SwitchingOffTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def setUp(self):
        self.device, _codes = with_two_step(self.w.anna)
        self.client = Client()
        self.client.force_login(self.w.anna)

    def still_on(self):
        return AuthenticatorDevice.objects.filter(user=self.w.anna, confirmed=True).exists()

    def test_switching_off_without_password_or_code_is_refused(self):
        response = self.client.post(TWO_STEP, {"remove": "1", "action": "remove"})
        assert response.status_code == 200
        assert "confirmation" in response.context["form"].errors
        assert self.still_on()
        assert not AuditEntry.objects.filter(action="auth.two_factor_removed").exists()

    def test_a_wrong_password_is_refused_and_counts_as_a_failed_log_in(self):
        response = self.client.post(TWO_STEP, {"action": "remove", "confirmation": "not it at all"})
        assert "confirmation" in response.context["form"].errors
        assert self.still_on()
        failed = AuditEntry.objects.get(action="auth.login_failed")
        assert failed.details == {"username": "anna"}

    def test_the_password_switches_it_off_and_the_audit_says_how(self):
        response = self.client.post(TWO_STEP, {"action": "remove", "confirmation": PASSWORD})
        assert response.status_code == 302
        assert not self.still_on()
        assert not BackupCodeDevice.objects.filter(user=self.w.anna).exists()
        entry = AuditEntry.objects.get(action="auth.two_factor_removed")
        assert (entry.username, entry.details) == ("anna", {"confirmed_with": "password"})

    def test_a_current_code_switches_it_off_too(self):
        code = code_for(self.device)
        self.client.post(TWO_STEP, {"action": "remove", "confirmation": code})
        assert not self.still_on()
        entry = AuditEntry.objects.get(action="auth.two_factor_removed")
        assert entry.details == {"confirmed_with": "code"}


class BackupCodeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def password_step(self, client, username="anna"):
        response = client.post(LOGIN, {"username": username, "password": PASSWORD})
        assert response["Location"] == CODE
        return response

    def test_setting_up_shows_ten_codes_once_and_stores_only_digests(self):
        client = Client()
        client.force_login(self.w.anna)
        client.get(TWO_STEP)
        device = AuthenticatorDevice.objects.get(user=self.w.anna)
        shown = client.post(TWO_STEP, {"code": code_for(device)})
        assert shown.status_code == 200
        codes = shown.context["codes"]
        assert len(codes) == 10 and len(set(codes)) == 10
        for code in codes:
            self.assertContains(shown, code)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT digest FROM {BackupCode._meta.db_table}")  # noqa: S608
            stored = " ".join(row[0] for row in cursor.fetchall())
        assert not any(code.replace("-", "") in stored or code in stored for code in codes)
        # Afterwards the page shows how many are left, never the codes.
        page = client.get(TWO_STEP)
        assert page.context["backup_codes_left"] == 10
        for code in codes:
            self.assertNotContains(page, code)
        assert AuditEntry.objects.filter(action="auth.backup_codes_created").count() == 1

    def test_a_backup_code_logs_in_once(self):
        _device, codes = with_two_step(self.w.anna)
        first = Client()
        self.password_step(first)
        # Typed in capitals and with spaces instead of hyphens: still the code.
        typed = codes[0].upper().replace("-", " ")
        response = first.post(CODE, {"code": "", "backup_code": typed})
        assert response.status_code == 302
        assert first.get("/").wsgi_request.user.username == "anna"
        assert first.session["hechtwijzer_two_factor"] is True
        used = AuditEntry.objects.get(action="auth.backup_code_used")
        assert (used.username, used.details) == ("anna", {"remaining": 9})
        assert actions.remaining_backup_codes(self.w.anna) == 9

        second = Client()
        self.password_step(second)
        skip_code_wait()
        again = second.post(CODE, {"code": "", "backup_code": codes[0]})
        assert again.status_code == 200 and "backup_code" in again.context["form"].errors
        assert not again.wsgi_request.user.is_authenticated
        assert AuditEntry.objects.filter(action="auth.login_failed").exists()
        # Another unused code works.
        skip_code_wait()
        assert second.post(CODE, {"backup_code": codes[1]}).status_code == 302

    def test_a_malformed_backup_code_is_a_form_error(self):
        with_two_step(self.w.anna)
        client = Client()
        self.password_step(client)
        response = client.post(CODE, {"backup_code": "x" * 30})
        assert response.status_code == 200
        assert "backup_code" in response.context["form"].errors
        assert client.post(CODE, {}).context["form"].errors["code"]

    def test_new_codes_need_the_password_and_replace_the_old_ones(self):
        _device, old = with_two_step(self.w.anna)
        client = Client()
        client.force_login(self.w.anna)
        refused = client.post(TWO_STEP, {"action": "backup_codes", "confirmation": ""})
        assert "codes" not in refused.context
        new = client.post(TWO_STEP, {"action": "backup_codes", "confirmation": PASSWORD})
        assert len(new.context["codes"]) == 10
        login = Client()
        self.password_step(login)
        assert login.post(CODE, {"backup_code": old[0]}).status_code == 200
        skip_code_wait()
        assert login.post(CODE, {"backup_code": new.context["codes"][0]}).status_code == 302


class AdminResetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        cls.page = f"/schools/{cls.w.noord.pk}/two-step/"

    def setUp(self):
        with_two_step(self.w.carla)
        self.carla_membership = self.w.carla.memberships.get()

    def admin(self, user=None):
        client = Client()
        client.force_login(user or self.w.dirk)
        return client

    def test_the_school_admin_resets_a_staff_member_and_the_audit_says_who_whom(self):
        client = self.admin()
        page = client.get(self.page)
        self.assertContains(page, "Carla")
        response = client.post(self.page, {"membership": self.carla_membership.pk})
        assert response.status_code == 302
        assert not AuthenticatorDevice.objects.filter(user=self.w.carla).exists()
        assert not BackupCodeDevice.objects.filter(user=self.w.carla).exists()
        entry = AuditEntry.objects.get(action="auth.two_factor_reset")
        assert entry.username == "dirk" and entry.role == "school_admin"
        assert entry.object_id == str(self.w.carla.pk)
        assert entry.details == {"username": "carla", "had_app": True}
        # Noord does not require two-step log-in; carla must still set it up again.
        login = Client()
        step = login.post(LOGIN, {"username": "carla", "password": PASSWORD})
        assert step["Location"] == SETUP
        login.get(SETUP)
        device = AuthenticatorDevice.objects.get(user=self.w.carla)
        assert login.post(SETUP, {"code": code_for(device)}).status_code == 200
        assert not TwoFactorReset.objects.filter(user=self.w.carla).exists()

    def test_only_the_own_schools_admin_may_reset(self):
        for outsider in (self.w.gijs, self.w.anna, self.w.carla):
            client = self.admin(outsider)
            assert client.get(self.page).status_code == 404
            assert (
                client.post(self.page, {"membership": self.carla_membership.pk}).status_code == 404
            )
        # Gijs's own page does not offer Noord's staff either.
        zuid = self.admin(self.w.gijs).post(
            f"/schools/{self.w.zuid.pk}/two-step/", {"membership": self.carla_membership.pk}
        )
        assert zuid.status_code == 200 and zuid.context["form"].errors
        assert AuthenticatorDevice.objects.filter(user=self.w.carla).exists()
        assert not AuditEntry.objects.filter(action="auth.two_factor_reset").exists()

    def test_a_malformed_choice_is_a_form_error(self):
        for value in ("abc", "", "99999999"):
            response = self.admin().post(self.page, {"membership": value})
            assert response.status_code == 200, value
            assert response.context["form"].non_field_errors()
        assert AuthenticatorDevice.objects.filter(user=self.w.carla).exists()

    def test_the_staff_list_costs_the_same_queries_for_more_staff(self):
        client = self.admin()
        client.get(self.page)
        from django.db import connection as conn
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(conn) as few:
            client.get(self.page)
        for user in (self.w.anna, self.w.bram):
            with_two_step(user)
        with CaptureQueriesContext(conn) as more:
            client.get(self.page)
        assert len(more) == len(few)


class ConfirmationLockTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def test_wrong_confirmations_lock_and_then_even_the_password_or_a_code_is_refused(self):
        from django.conf import settings

        device, _codes = with_two_step(self.w.anna)
        client = Client()
        client.force_login(self.w.anna)
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(TWO_STEP, {"action": "remove", "confirmation": "not it at all"})
        client.post(TWO_STEP, {"action": "remove", "confirmation": PASSWORD})
        client.post(TWO_STEP, {"action": "remove", "confirmation": code_for(device)})
        assert AuthenticatorDevice.objects.filter(user=self.w.anna, confirmed=True).exists()
