"""Log-in, log-out, password change, sessions, CSRF and security headers."""

from django.conf import settings
from django.test import Client, TestCase

import hechtwijzer.settings as project_settings
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.testing import PASSWORD, build_world


class LoginTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def test_it_shows_the_login_form_at_the_root_for_anonymous_visitors(self):
        response = self.client.get("/")
        assert response.status_code == 200
        self.assertContains(response, 'name="username"')
        self.assertContains(response, 'name="password"')
        self.assertContains(response, '<html lang="nl">')

    def test_it_logs_in_and_shows_the_home_page(self):
        response = self.client.post(
            "/accounts/login/", {"username": "anna", "password": PASSWORD}, follow=True
        )
        assert response.redirect_chain[-1][0] == "/"
        self.assertContains(response, "Piet Testkind")
        assert AuditEntry.objects.filter(action="auth.login", username="anna").exists()

    def test_a_login_form_posted_again_when_logged_in_leads_to_the_start_page(self):
        # Two tabs: the second still shows the log-in form at the root and is submitted.
        assert self.client.login(username="anna", password=PASSWORD)
        response = self.client.post("/", {"username": "anna", "password": PASSWORD})
        self.assertRedirects(response, "/")
        self.assertContains(self.client.get("/"), "Piet Testkind")

    def test_it_says_the_same_for_a_wrong_password_and_an_unknown_user(self):
        wrong = self.client.post("/accounts/login/", {"username": "anna", "password": "nope"})
        unknown = self.client.post("/accounts/login/", {"username": "nobody", "password": "nope"})
        inactive = self.client.post("/accounts/login/", {"username": "hugo", "password": PASSWORD})
        for response in (wrong, unknown, inactive):
            assert response.status_code == 200
            assert not response.wsgi_request.user.is_authenticated
        errors = [r.context["form"].non_field_errors() for r in (wrong, unknown, inactive)]
        assert errors[0] == errors[1] == errors[2]
        self.assertContains(wrong, 'role="alert"')
        assert AuditEntry.objects.filter(action="auth.login_failed").count() == 3

    def test_it_puts_each_missing_field_error_at_its_field(self):
        response = self.client.post("/accounts/login/", {"username": "", "password": ""})
        form = response.context["form"]
        assert set(form.errors) == {"username", "password"}
        self.assertContains(response, 'id="id_username_error"')
        self.assertContains(response, 'id="id_password_error"')

    def test_it_ends_the_session_at_logout(self):
        self.client.login(username="anna", password=PASSWORD)
        key = self.client.session.session_key
        response = self.client.post("/accounts/logout/")
        assert response.status_code == 302
        assert self.client.get(f"/pupils/{self.w.piet.public_id}/").status_code == 302
        from django.contrib.sessions.models import Session

        assert not Session.objects.filter(session_key=key).exists()

    def test_it_changes_the_password_with_the_validators(self):
        self.client.login(username="anna", password=PASSWORD)
        weak = self.client.post(
            "/accounts/password/",
            {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
        )
        assert weak.status_code == 200
        assert "new_password2" in weak.context["form"].errors
        new = "a much better passphrase"
        ok = self.client.post(
            "/accounts/password/",
            {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        )
        assert ok.status_code == 302
        assert Client().login(username="anna", password=new)

    def test_it_refuses_posts_without_a_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post("/accounts/login/", {"username": "anna", "password": PASSWORD})
        assert response.status_code == 403
        self.assertContains(response, "Er is niets opgeslagen", status_code=403)

    def test_it_sends_security_headers_and_no_store(self):
        self.client.login(username="anna", password=PASSWORD)
        response = self.client.get(f"/pupils/{self.w.piet.public_id}/")
        assert "no-store" in response["Cache-Control"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp

    def test_it_hashes_passwords_with_argon2_and_expires_sessions_within_a_day(self):
        assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
        assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
        assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE

    def test_it_stays_dutch_for_an_english_browser_until_english_is_chosen(self):
        response = self.client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        self.assertContains(response, '<html lang="nl">')
        assert response["Content-Language"] == "nl"

    def test_it_switches_the_language_to_english(self):
        response = self.client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
        self.assertContains(response, '<html lang="en">')
        self.assertContains(response, "Log in to Hechtwijzer")
