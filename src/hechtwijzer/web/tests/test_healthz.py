"""/healthz: the load balancer's check (web/health.py)."""

import pytest
from django.db import DatabaseError
from django.test import override_settings

from hechtwijzer import crypto
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.privacy import keys
from hechtwijzer.privacy.models import EncryptionKey
from hechtwijzer.web import health

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_recorded():
    ring = crypto.keyring()
    keys.record(ring, ring.current)
    return ring.current


def test_all_checks_pass(client, key_recorded, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "keys": "ok"},
    }


def test_no_session_no_audit_not_cached(client, key_recorded):
    before = AuditEntry.objects.count()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert not response.cookies  # no session, no CSRF cookie
    assert "no-store" in response["Cache-Control"]
    assert AuditEntry.objects.count() == before
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_a_missing_migration_fails(client, key_recorded, monkeypatch):
    expected = health.expected_migrations() | {("observations", "9999_not_applied")}
    monkeypatch.setattr(health, "_expected_migrations", expected)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "failing",
        "checks": {"database": "ok", "migrations": "failing", "keys": "skipped"},
        "failing": ["migrations"],
    }


def test_a_key_that_does_not_match_fails(client, key_recorded):
    EncryptionKey.objects.filter(key_id=key_recorded).update(check_value="0" * 64)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["keys"]
    assert key_recorded not in response.content.decode()  # names the check, not the key


def test_a_key_in_use_that_the_server_lacks_fails(client, key_recorded):
    EncryptionKey.objects.create(key_id="k-elsewhere", check_value="1" * 64)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["keys"]


def test_an_unreachable_database_fails(client, monkeypatch):
    def unreachable(connection):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(health, "database_ok", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database"]
    assert body["checks"] == {"database": "failing", "migrations": "skipped", "keys": "skipped"}
    assert "refused" not in response.content.decode()


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=[r"^healthz$"])
def test_plain_http_from_the_load_balancer_is_not_redirected(client, key_recorded):
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301
