"""The user's own API tokens page and the operator's `hechtwijzer api-token` command."""

import datetime
import io

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from hechtwijzer.api import tokens
from hechtwijzer.api.models import MAX_DAYS, ApiToken
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.testing import build_world


class TokenPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def setUp(self):
        self.client.force_login(self.w.anna)

    def test_anonymous_visitors_are_sent_to_log_in(self):
        self.client.logout()
        response = self.client.get(reverse("api_tokens"))
        assert response.status_code == 302
        assert response["Location"].startswith("/?next=") or "login" in response["Location"]

    def test_a_token_is_made_shown_once_listed_and_revoked(self):
        response = self.client.post(
            reverse("api_tokens"), {"name": "Rooster", "scope": "write", "days": "30"}
        )
        assert response.status_code == 200
        body = response.content.decode()
        token = ApiToken.objects.get(user=self.w.anna)
        start = body.index(f"hw_{token.prefix}_")
        plain = body[start : body.index("<", start)]
        assert tokens.authenticate(plain) == token
        assert (token.name, token.scope) == ("Rooster", "write")
        assert (token.expires_at - token.created_at).days == 30
        entry = AuditEntry.objects.order_by("-id").first()
        assert (entry.action, entry.username) == ("api_token.create", "anna")
        # Listed, never shown again.
        page = self.client.get(reverse("api_tokens")).content.decode()
        assert "Rooster" in page and plain not in page
        response = self.client.post(reverse("api_token_revoke", args=[token.pk]))
        assert response.status_code == 302
        assert tokens.authenticate(plain) is None
        assert AuditEntry.objects.order_by("-id").first().action == "api_token.revoke"

    def test_bad_input_is_named_and_nothing_is_made(self):
        response = self.client.post(
            reverse("api_tokens"), {"name": "", "scope": "all", "days": str(MAX_DAYS + 1)}
        )
        assert response.status_code == 200
        form = response.context["form"]
        assert set(form.errors) == {"name", "scope", "days"}
        assert not ApiToken.objects.exists()

    def test_another_users_token_cannot_be_revoked_here(self):
        token, plain = tokens.create_token(actor=None, user=self.w.bram, name="Bram")
        response = self.client.post(reverse("api_token_revoke", args=[token.pk]))
        assert response.status_code == 404
        assert tokens.authenticate(plain) == token

    def test_the_page_is_in_dutch_and_in_english(self):
        body = self.client.get(reverse("api_tokens")).content.decode()
        assert "<h1>API-sleutels</h1>" in body and "Sleutel maken" in body
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        body = self.client.get(reverse("api_tokens")).content.decode()
        assert "<h1>API tokens</h1>" in body and "Make the token" in body


class ApiTokenCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def run_command(self, *args):
        out = io.StringIO()
        call_command("api-token", *args, stdout=out)
        return out.getvalue()

    def test_create_prints_the_token_alone_on_its_last_line(self):
        out = self.run_command("create", "--user", "carla", "--scope", "write", "--days", "10")
        plain = out.strip().splitlines()[-1]
        token = tokens.authenticate(plain)
        assert token is not None and token.user == self.w.carla and token.may_write
        entry = AuditEntry.objects.order_by("-id").first()
        assert (entry.action, entry.username, entry.details["user"]) == (
            "api_token.create",
            "",
            "carla",
        )
        self.run_command("revoke", token.prefix)
        assert tokens.authenticate(plain) is None

    def test_it_refuses_unknown_users_switched_off_accounts_and_bad_days(self):
        for args in [
            ("create", "--user", "nobody"),
            ("create", "--user", "hugo"),
            ("create", "--user", "anna", "--days", str(MAX_DAYS + 1)),
            ("revoke", "deadbeef"),
        ]:
            with self.assertRaises(CommandError):
                self.run_command(*args)
        assert not ApiToken.objects.exists()


class EndedTokenPurgeTests(TestCase):
    """Tokens that ended long ago are deleted by the daily retention run; recent ones stay in
    their owner's list, usable ones always."""

    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def make(self, name, *, expired_days_ago=None, revoked_days_ago=None):
        token, _plain = tokens.create_token(actor=None, user=self.w.anna, name=name, scope="read")
        now = timezone.now()
        changes = {}
        if expired_days_ago is not None:
            changes["expires_at"] = now - datetime.timedelta(days=expired_days_ago)
        if revoked_days_ago is not None:
            changes["revoked_at"] = now - datetime.timedelta(days=revoked_days_ago)
        ApiToken.objects.filter(pk=token.pk).update(**changes)
        return token

    def test_the_retention_run_deletes_tokens_that_ended_over_90_days_ago(self):
        self.make("in gebruik")
        self.make("net verlopen", expired_days_ago=89)
        self.make("lang verlopen", expired_days_ago=91)
        self.make("net ingetrokken", revoked_days_ago=89)
        self.make("lang ingetrokken", revoked_days_ago=91)
        out = io.StringIO()
        call_command("retention", "--dry-run", stdout=out)
        assert ApiToken.objects.count() == 5  # a dry run deletes nothing
        out = io.StringIO()
        call_command("retention", stdout=out)
        assert set(ApiToken.objects.values_list("name", flat=True)) == {
            "in gebruik",
            "net verlopen",
            "net ingetrokken",
        }
        assert ", 2 api tokens" in out.getvalue()
        self.client.force_login(self.w.anna)
        self.assertContains(self.client.get(reverse("api_tokens")), "staat 90 dagen in deze lijst")
        # That they were made stays on the audit trail.
        assert AuditEntry.objects.filter(action="api_token.create").count() == 5
        call_command("retention", stdout=io.StringIO())
        assert ApiToken.objects.count() == 3
