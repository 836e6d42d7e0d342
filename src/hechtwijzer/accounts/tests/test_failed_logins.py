"""Issue 14: failed log-ins keep no typed text that names no account; axes keeps no log of
successful log-ins; one address's failures lock the account tried, not the school behind it."""

from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.test import Client, TestCase, override_settings

from hechtwijzer.accounts.tests.test_login_hardening import LOGIN
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.testing import PASSWORD, build_world


def fail(client, username, addr="10.0.0.1", **extra):
    return client.post(
        LOGIN, {"username": username, "password": "wrong"}, REMOTE_ADDR=addr, **extra
    )


def failed_entries():
    return list(AuditEntry.objects.filter(action="auth.login_failed").order_by("id"))


class FailedLoginAuditTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def test_text_that_names_no_account_is_kept_only_as_a_keyed_digest(self):
        typed = "MySecretPassw0rd!"  # a password typed into the username field
        client = Client()
        fail(client, typed)
        fail(client, typed)
        fail(client, "someone-else")
        first, second, other = failed_entries()
        for entry in (first, second, other):
            assert typed not in str(entry.details) and "someone-else" not in str(entry.details)
            assert entry.username == "" and set(entry.details) == {"username_digest"}
        # The same text twice can be correlated; other text cannot be mistaken for it.
        assert first.details == second.details
        assert other.details != first.details
        assert len(first.details["username_digest"]) == 32

    @override_settings(SECRET_KEY="another-secret-key-for-this-test-only-0123456789")
    def test_the_digest_is_keyed_with_the_secret_key(self):
        from hechtwijzer.audit.signals import username_digest

        with override_settings(SECRET_KEY="one-secret-key-for-this-test-only-0123456789abc"):
            one = username_digest("MySecretPassw0rd!")
        assert username_digest("MySecretPassw0rd!") != one

    def test_the_username_of_an_existing_account_is_kept(self):
        fail(Client(), "anna")
        (entry,) = failed_entries()
        assert entry.details == {"username": "anna"}


class AxesRecordsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def test_axes_keeps_no_log_of_successful_log_ins(self):
        client = Client()
        assert client.post(LOGIN, {"username": "anna", "password": PASSWORD}).status_code == 302
        client.post("/accounts/logout/")
        assert AccessLog.objects.count() == 0
        assert AuditEntry.objects.filter(action="auth.login", username="anna").count() == 1

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_the_throttle_and_the_audit_see_the_address_the_proxy_saw(self):
        # The client forges left-most entries; the proxy appends what it saw.
        for forged in ("6.6.6.6", "7.7.7.7, 8.8.8.8"):
            fail(
                Client(),
                "anna",
                addr="10.1.1.1",
                HTTP_X_FORWARDED_FOR=f"{forged}, 192.0.2.7",
            )
        assert {e.remote_addr for e in failed_entries()} == {"192.0.2.7"}
        attempt = AccessAttempt.objects.get()
        assert attempt.ip_address == "192.0.2.7"
        assert attempt.failures_since_start == 2

    @override_settings(TRUSTED_PROXY_COUNT=2)
    def test_too_few_forwarded_entries_fall_back_to_the_direct_address(self):
        fail(Client(), "anna", addr="10.1.1.1", HTTP_X_FORWARDED_FOR="192.0.2.7")
        assert failed_entries()[0].remote_addr == "10.1.1.1"
        assert AccessAttempt.objects.get().ip_address == "10.1.1.1"

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_a_forwarded_entry_that_is_no_address_is_not_used(self):
        fail(Client(), "anna", addr="10.1.1.1", HTTP_X_FORWARDED_FOR="not-an-address")
        assert failed_entries()[0].remote_addr == "10.1.1.1"


class LockPerAccountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def test_one_persons_wrong_passwords_lock_that_account_not_the_school(self):
        school_nat = "192.0.2.50"
        anna = Client()
        codes = [fail(anna, "anna", addr=school_nat).status_code for _ in range(6)]
        assert codes[-1] == 429
        right = anna.post(LOGIN, {"username": "anna", "password": PASSWORD}, REMOTE_ADDR=school_nat)
        assert right.status_code == 429
        carla = Client().post(
            LOGIN, {"username": "carla", "password": PASSWORD}, REMOTE_ADDR=school_nat
        )
        assert carla.status_code == 302
        assert AuditEntry.objects.filter(action="auth.login", username="carla").exists()

    def test_many_failures_across_usernames_from_one_address_throttle_that_address(self):
        limit = settings.AXES_ADDRESS_FAILURE_LIMIT
        assert limit >= 10 * settings.AXES_FAILURE_LIMIT  # much higher than per account
        attacker = Client()
        statuses = [
            fail(attacker, f"guess{n}", addr="203.0.113.9").status_code for n in range(limit)
        ]
        assert statuses[:-1] == [200] * (limit - 1)
        assert statuses[-1] == 429
        # Now even a right password from that address is refused, with the same page ...
        blocked = Client().post(
            LOGIN, {"username": "carla", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
        )
        assert blocked.status_code == 429
        assert not blocked.wsgi_request.user.is_authenticated
        # ... while other addresses are not affected.
        elsewhere = Client().post(
            LOGIN, {"username": "carla", "password": PASSWORD}, REMOTE_ADDR="198.51.100.1"
        )
        assert elsewhere.status_code == 302


class RetentionOfThrottleRecordsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def test_the_retention_run_deletes_expired_attempts_and_old_access_logs(self):
        from io import StringIO

        from django.core.management import call_command
        from django.utils import timezone

        fail(Client(), "MySecretPassw0rd!", addr="10.0.0.1")
        fail(Client(), "anna", addr="10.0.0.2")
        old = timezone.now() - settings.AXES_COOLOFF_TIME - timezone.timedelta(minutes=1)
        AccessAttempt.objects.filter(ip_address="10.0.0.1").update(attempt_time=old)
        # A row axes wrote before its access log was switched off.
        AccessLog.objects.create(username="anna", ip_address="10.0.0.2", user_agent="x")
        out = StringIO()
        call_command("retention", stdout=out)
        assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.0.0.2"]
        assert AccessLog.objects.count() == 0
        assert "1 expired failed attempt(s), 1 access log row(s)" in out.getvalue()
