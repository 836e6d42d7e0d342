"""What several app servers must agree on lives in the database (README, "Several app
servers"): sessions, the log-in throttle, the read-link throttle; Django's cache (per process)
holds only what is safe per process."""

import re
from pathlib import Path

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.utils.module_loading import import_string

PACKAGE = Path(__file__).resolve().parents[2]
# Django's cache is per process (no CACHES setting: local memory). Allowed only where a stale or
# missing entry cannot change a decision: pages kept per version of the school's records
# (audit.kept), a version every change moves in the database (audit.SchoolVersion).
CACHE_USERS = {"audit/kept.py"}


def test_sessions_are_in_the_database():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert settings.MESSAGE_STORAGE.endswith("SessionStorage")


def test_the_log_in_throttle_counts_in_the_database():
    assert issubclass(import_string(settings.AXES_HANDLER), AxesDatabaseHandler)


def test_no_shared_cache_is_assumed():
    assert getattr(settings, "CACHES", None) is None or all(
        "locmem" in c["BACKEND"] for c in settings.CACHES.values()
    )


def test_only_version_keyed_pages_use_djangos_cache():
    users = set()
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if "/tests/" in f"/{relative}" or relative == "conftest.py":
            continue
        if re.search(r"django\.core\.cache|caches\[", path.read_text(encoding="utf-8")):
            users.add(relative)
    assert users == CACHE_USERS


def test_no_import_upload_in_the_data_directory():
    source = (PACKAGE / "administration" / "uploads.py").read_text(encoding="utf-8")
    assert "DATA_DIR" not in source
