"""Test-wide settings: a fast password hasher and plain static files (no collectstatic)."""

import pytest
from django.conf import settings


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # WhiteNoise warns when the collected static directory is missing; tests do not collect.
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
