"""Test-wide settings: a fast password hasher and plain static files (no collectstatic)."""

import pytest
from django.conf import settings


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # django-axes needs the request in authenticate(); the test client's login() passes none.
    # Giving it an empty request is what axes' documentation advises for tests.
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest
    from django.test import Client

    plain_login = Client.login

    def login(self, **credentials):
        if "request" not in credentials:
            request = HttpRequest()
            request.META["REMOTE_ADDR"] = "127.0.0.1"
            request.user = AnonymousUser()
            credentials["request"] = request
        return plain_login(self, **credentials)

    Client.login = login
    # WhiteNoise warns when the collected static directory is missing; tests do not collect.
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: pages kept per school version (audit.SchoolVersion)
    must not outlive the test database's rollback, which can give a later test the same ids."""
    from django.core.cache import cache

    cache.clear()
    yield
