"""Issue 14: a session ends 8 hours after the log-in however busy it is, and a session opened
without a second factor ends once its user needs one."""

import contextlib
import datetime
import time
from unittest import mock

from django.test import Client, TestCase, override_settings
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from hechtwijzer.accounts.models import AuthenticatorDevice
from hechtwijzer.accounts.tests.test_login_hardening import CODE, LOGIN, code_for
from hechtwijzer.administration import actions as admin_actions
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.schools.models import Role
from hechtwijzer.testing import PASSWORD, build_world


@contextlib.contextmanager
def clock(seconds_ahead):
    """Both clocks the app reads (time.time for its own timestamps, timezone.now for Django's
    session expiry) moved forward together."""
    real_time, real_now = time.time, timezone.now
    with (
        mock.patch("time.time", lambda: real_time() + seconds_ahead),
        mock.patch(
            "django.utils.timezone.now",
            lambda: real_now() + datetime.timedelta(seconds=seconds_ahead),
        ),
    ):
        yield


def messages_of(response):
    """The messages on a page, in the page's language."""
    return [str(m) for m in response.context["messages"]]


def log_in(username="anna"):
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


class MaximumLengthTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        cls.page = f"/pupils/{cls.w.piet.public_id}/"

    @override_settings(SESSION_COOKIE_AGE=8 * 60 * 60, IDLE_TIMEOUT_MINUTES=30)
    def test_a_busy_session_still_ends_eight_hours_after_the_log_in(self):
        client = log_in()
        # Used every 20 minutes (never idle) for just under 8 hours: still logged in.
        for minutes in range(20, 8 * 60, 20):
            with clock(minutes * 60):
                assert client.get(self.page).status_code == 200, minutes
        with clock(8 * 60 * 60 + 60):
            response = client.get(self.page)
            assert response.status_code == 302
            home = client.get("/")
        assert not home.wsgi_request.user.is_authenticated
        assert messages_of(home) == [
            ngettext(
                "You were logged out because a log-in lasts at most %(hours)d hour. "
                "Please log in again.",
                "You were logged out because a log-in lasts at most %(hours)d hours. "
                "Please log in again.",
                8,
            )
            % {"hours": 8}
        ]
        entry = AuditEntry.objects.filter(action="auth.logout", username="anna").get()
        assert entry.details == {"reason": "max_age"}

    @override_settings(SESSION_COOKIE_AGE=60 * 60)
    def test_htmx_requests_are_sent_to_the_log_in_page_as_a_whole(self):
        client = log_in()
        client.get(self.page)
        # Only the app's clock moves: Django's own expiry of the stored session has not come.
        with mock.patch("time.time", lambda real=time.time: real() + 60 * 60 + 1):
            response = client.get(self.page, HTTP_HX_REQUEST="true")
        assert response.status_code == 204
        assert response["HX-Redirect"] == "/"

    def test_a_session_without_a_log_in_time_ends(self):
        client = log_in()
        session = client.session
        del session["hechtwijzer_login_time"]
        session.save()
        assert client.get(self.page).status_code == 302
        assert not client.get("/").wsgi_request.user.is_authenticated

    @override_settings(IDLE_TIMEOUT_MINUTES=30)
    def test_the_idle_log_out_names_its_reason(self):
        client = log_in()
        with clock(31 * 60):
            assert client.get(self.page).status_code == 302
        entry = AuditEntry.objects.filter(action="auth.logout", username="anna").get()
        assert entry.details == {"reason": "idle"}


class TwoFactorSwitchedOnTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        cls.page = f"/pupils/{cls.w.piet.public_id}/"

    def require_two_factor(self):
        admin_actions.update_school(actor=self.w.dirk, school=self.w.noord, require_two_factor=True)

    def test_switching_it_on_ends_sessions_that_had_no_second_factor(self):
        carla = log_in("carla")
        anna = log_in("anna")
        assert carla.get(self.page).status_code == 200
        self.require_two_factor()
        response = carla.get(self.page)
        assert response.status_code == 302
        home = carla.get("/")
        assert not home.wsgi_request.user.is_authenticated
        assert messages_of(home) == [
            gettext(
                "Your school now asks for two-step log-in for your role. Please log in again; "
                "Hechtwijzer will help you set it up."
            )
        ]
        entry = AuditEntry.objects.filter(action="auth.logout", username="carla").get()
        assert entry.details == {"reason": "two_factor_required"}
        # The teacher's role does not need it: her session goes on.
        assert anna.get(self.page).status_code == 200
        # Logging in again leads to the set-up, not to the pupils.
        again = Client().post(LOGIN, {"username": "carla", "password": PASSWORD})
        assert again["Location"] == "/accounts/login/setup/"

    def test_the_administrator_who_switches_it_on_without_a_second_factor_is_included(self):
        dirk = log_in("dirk")
        page = f"/admin/schools/school/{self.w.noord.pk}/change/"
        assert dirk.get(page).status_code == 200
        self.require_two_factor()
        assert dirk.get(page).status_code == 302
        assert not dirk.get("/").wsgi_request.user.is_authenticated

    def test_a_session_opened_with_the_code_goes_on(self):
        device = AuthenticatorDevice.objects.create(user=self.w.carla, name="phone", confirmed=True)
        client = Client()
        client.post(LOGIN, {"username": "carla", "password": PASSWORD})
        assert client.post(CODE, {"code": code_for(device)}).status_code == 302
        self.require_two_factor()
        assert client.get(self.page).status_code == 200

    def test_a_role_that_needs_it_ends_the_session_too(self):
        self.require_two_factor()
        anna = log_in("anna")
        assert anna.get(self.page).status_code == 200
        admin_actions.update_staff_member(
            actor=self.w.dirk,
            membership=self.w.anna.memberships.get(),
            first_name="Anna",
            last_name=self.w.anna.last_name,
            email=self.w.anna.email,
            role=Role.CARE_COORDINATOR,
            groups=[],
            is_active=True,
        )
        assert anna.get(self.page).status_code == 302
        assert not anna.get("/").wsgi_request.user.is_authenticated
