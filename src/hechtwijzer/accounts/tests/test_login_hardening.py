"""Issue 6, log-in hardening: throttling, two-step log-in, session rotation, idle timeout."""

import datetime
import time
from unittest import mock

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client, TestCase, override_settings
from django_otp.oath import totp

from hechtwijzer.accounts.middleware import LAST_ACTIVITY_KEY
from hechtwijzer.accounts.models import AuthenticatorDevice
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.testing import PASSWORD, build_world

LOGIN = "/accounts/login/"
CODE = "/accounts/login/code/"
SETUP = "/accounts/login/setup/"


def code_for(device):
    """The code an authenticator app shows now (django_otp's reference TOTP)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=30, t0=0, digits=6):06d}"


def main_part(response):
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def confirmed_device(user):
    return AuthenticatorDevice.objects.create(user=user, name="phone", confirmed=True)


class ThrottlingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def fail(self, client, username="anna", addr="10.0.0.1"):
        return client.post(LOGIN, {"username": username, "password": "wrong"}, REMOTE_ADDR=addr)

    def test_the_nth_failed_login_locks_and_the_lock_says_nothing_about_the_account(self):
        limit = settings.AXES_FAILURE_LIMIT
        client = Client()
        first = self.fail(client)
        for _ in range(limit - 2):
            response = self.fail(client)
            assert response.status_code == 200
            assert (
                response.context["form"].non_field_errors()
                == first.context["form"].non_field_errors()
            )
        locked = self.fail(client)
        assert locked.status_code == 429
        self.assertContains(locked, "15", status_code=429)
        self.assertNotContains(locked, "anna", status_code=429)
        # Now even the right password is refused.
        right = client.post(
            LOGIN, {"username": "anna", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
        )
        assert right.status_code == 429
        assert not right.wsgi_request.user.is_authenticated
        # An unknown username locks the same way, with the same page.
        other = Client()
        for _ in range(limit):
            unknown = self.fail(other, username="nobody", addr="10.0.0.9")
        assert unknown.status_code == 429
        assert main_part(unknown) == main_part(locked)
        assert AuditEntry.objects.filter(action="auth.login_failed").count() >= 2 * limit

    def test_the_lock_expires_after_the_cool_off(self):
        client = Client()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.fail(client)
        assert self.fail(client).status_code == 429
        past = datetime.timedelta(minutes=settings.AXES_COOLOFF_MINUTES, seconds=1)
        AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - past)
        response = client.post(
            LOGIN, {"username": "anna", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
        )
        assert response.status_code == 302
        assert client.get("/").wsgi_request.user.username == "anna"

    def test_a_locked_username_does_not_lock_others_from_another_address(self):
        attacker = Client()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.fail(attacker, username="carla", addr="10.6.6.6")
        colleague = Client()
        response = colleague.post(
            LOGIN, {"username": "anna", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2"
        )
        assert response.status_code == 302
        # The locked account itself stays locked from any address.
        carla = Client().post(
            LOGIN, {"username": "carla", "password": PASSWORD}, REMOTE_ADDR="10.0.0.3"
        )
        assert carla.status_code == 429

    def test_a_successful_login_resets_the_count(self):
        client = Client()
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            self.fail(client)
        client.post(LOGIN, {"username": "anna", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
        client.post("/accounts/logout/")
        assert self.fail(client).status_code == 200

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_behind_a_proxy_it_throttles_the_address_the_proxy_saw(self):
        from django.test import RequestFactory

        from hechtwijzer.network import client_ip

        request = RequestFactory().get(
            "/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7"
        )
        assert client_ip(request) == "192.0.2.7"  # the forged left entry is ignored
        bare = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1")
        assert client_ip(bare) == "10.1.1.1"


class TwoFactorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        cls.w.noord.require_two_factor = True
        cls.w.noord.save()

    def password_step(self, client, username):
        return client.post(LOGIN, {"username": username, "password": PASSWORD})

    def test_a_coordinator_of_a_requiring_school_must_set_up_before_reaching_pupils(self):
        client = Client()
        response = self.password_step(client, "carla")
        assert response.status_code == 302 and response["Location"] == SETUP
        # Not logged in: the home page is still the log-in form, the pupil page redirects.
        home = client.get("/")
        assert not home.wsgi_request.user.is_authenticated
        self.assertNotContains(home, "Piet Testkind")
        assert client.get(f"/pupils/{self.w.piet.public_id}/").status_code == 302
        page = client.get(SETUP)
        self.assertContains(page, 'autocomplete="one-time-code"')
        self.assertContains(page, 'inputmode="numeric"')
        self.assertContains(page, "data:image/svg+xml")
        device = AuthenticatorDevice.objects.get(user=self.w.carla)
        assert not device.confirmed
        self.assertContains(page, "otpauth://totp/")
        wrong = client.post(SETUP, {"code": "000000"})
        assert wrong.status_code == 200 and "code" in wrong.context["form"].errors
        # django-otp makes one wait a second after a wrong code; skip that wait.
        AuthenticatorDevice.objects.update(throttling_failure_count=0)
        done = client.post(SETUP, {"code": code_for(device)})
        # Logged in; the answer shows the backup codes once, then leads on.
        assert done.status_code == 200
        assert len(done.context["codes"]) == 10
        device.refresh_from_db()
        assert device.confirmed
        self.assertContains(client.get("/"), "Piet Testkind")
        assert AuditEntry.objects.filter(action="auth.two_factor_added", username="carla").exists()

    def test_the_admin_of_a_requiring_school_is_also_forced(self):
        response = self.password_step(Client(), "dirk")
        assert response["Location"] == SETUP

    def test_a_teacher_of_that_school_is_not_forced(self):
        client = Client()
        response = self.password_step(client, "anna")
        assert response["Location"] == "/"
        self.assertContains(client.get("/"), "Piet Testkind")

    def test_a_coordinator_of_another_school_is_not_forced(self):
        assert self.password_step(Client(), "fien")["Location"] == "/"

    def test_a_valid_code_logs_in_and_the_same_code_is_refused_the_second_time(self):
        device = confirmed_device(self.w.carla)
        first = Client()
        assert self.password_step(first, "carla")["Location"] == CODE
        assert not first.get("/").wsgi_request.user.is_authenticated
        code = code_for(device)
        response = first.post(CODE, {"code": code})
        assert response.status_code == 302 and response["Location"] == "/"
        self.assertContains(first.get("/"), "Piet Testkind")

        second = Client()
        self.password_step(second, "carla")
        replay = second.post(CODE, {"code": code})
        assert replay.status_code == 200
        assert "code" in replay.context["form"].errors
        assert not replay.wsgi_request.user.is_authenticated
        assert AuditEntry.objects.filter(action="auth.login_failed").exists()

    def test_a_voluntary_device_asks_for_the_code_too(self):
        confirmed_device(self.w.anna)
        assert self.password_step(Client(), "anna")["Location"] == CODE

    def test_the_code_page_needs_the_password_step_first_and_it_expires(self):
        client = Client()
        assert client.get(CODE)["Location"] == "/"
        confirmed_device(self.w.carla)
        self.password_step(client, "carla")
        later = time.time() + settings.TWO_FACTOR_STEP_SECONDS + 5
        with mock.patch("time.time", return_value=later):
            assert client.get(CODE)["Location"] == "/"

    def test_wrong_codes_count_towards_the_lock(self):
        device = confirmed_device(self.w.carla)
        client = Client()
        self.password_step(client, "carla")
        codes = []
        with mock.patch.object(AuthenticatorDevice, "verify_is_allowed", return_value=(True, None)):
            for _ in range(settings.AXES_FAILURE_LIMIT):
                codes.append(client.post(CODE, {"code": "000000"}).status_code)
        assert codes[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
        assert codes[-1] == 429
        # Locked: even the right code (after logging in with the password again) is refused.
        assert self.password_step(client, "carla").status_code == 429
        assert client.post(CODE, {"code": code_for(device)}).status_code in (302, 429)
        assert not client.get("/").wsgi_request.user.is_authenticated

    def test_users_set_up_and_remove_their_own_device(self):
        client = Client()
        client.login(username="anna", password=PASSWORD)
        page = client.get("/accounts/two-step/")
        self.assertContains(page, "otpauth://totp/")
        device = AuthenticatorDevice.objects.get(user=self.w.anna)
        client.post("/accounts/two-step/", {"code": code_for(device)})
        device.refresh_from_db()
        assert device.confirmed
        # Switching it off needs the password (or a current code).
        client.post("/accounts/two-step/", {"action": "remove", "confirmation": PASSWORD})
        assert not AuthenticatorDevice.objects.filter(user=self.w.anna).exists()

    def test_a_required_device_cannot_be_removed(self):
        confirmed_device(self.w.carla)
        client = Client()
        client.force_login(self.w.carla)
        client.post("/accounts/two-step/", {"action": "remove", "confirmation": PASSWORD})
        assert AuthenticatorDevice.objects.filter(user=self.w.carla).exists()

    def test_the_secret_is_encrypted_at_rest(self):
        device = confirmed_device(self.w.carla)
        from django.db import connection

        with connection.cursor() as cursor:
            table = AuthenticatorDevice._meta.db_table
            cursor.execute(f"SELECT key FROM {table} WHERE id = %s", [device.pk])  # noqa: S608
            stored = cursor.fetchone()[0]
        assert device.key not in stored
        assert AuthenticatorDevice.objects.get(pk=device.pk).key == device.key


class SessionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def test_the_session_key_changes_at_login(self):
        client = Client()
        client.get("/")
        client.session.save()
        before = client.session.session_key
        client.post(LOGIN, {"username": "anna", "password": PASSWORD})
        after = client.session.session_key
        assert before and after and before != after

    def test_the_session_key_changes_after_the_second_step_too(self):
        device = confirmed_device(self.w.anna)
        client = Client()
        client.post(LOGIN, {"username": "anna", "password": PASSWORD})
        between = client.session.session_key
        client.post(CODE, {"code": code_for(device)})
        assert client.session.session_key != between

    @override_settings(IDLE_TIMEOUT_MINUTES=30)
    def test_an_idle_session_is_logged_out(self):
        client = Client()
        client.post(LOGIN, {"username": "anna", "password": PASSWORD})
        pupil_page = f"/pupils/{self.w.piet.public_id}/"
        assert client.get(pupil_page).status_code == 200
        session = client.session
        session[LAST_ACTIVITY_KEY] = int(time.time()) - 31 * 60
        session.save()
        response = client.get(pupil_page)
        assert response.status_code == 302
        assert not client.get("/").wsgi_request.user.is_authenticated
        assert AuditEntry.objects.filter(action="auth.logout", username="anna").exists()

    def test_an_active_session_stays(self):
        client = Client()
        client.post(LOGIN, {"username": "anna", "password": PASSWORD})
        session = client.session
        session[LAST_ACTIVITY_KEY] = int(time.time()) - 29 * 60
        session.save()
        assert client.get(f"/pupils/{self.w.piet.public_id}/").status_code == 200
        assert client.session[LAST_ACTIVITY_KEY] >= int(time.time()) - 5


class NoDefaultAccountsTests(TestCase):
    def test_migrations_create_no_accounts(self):
        assert get_user_model().objects.count() == 0
