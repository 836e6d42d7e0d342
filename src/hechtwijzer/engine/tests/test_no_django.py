"""The engine and the catalog are plain Python: importing them must not import Django.

Checked in a fresh interpreter, because this test session has Django loaded for other apps.
"""

import os
import subprocess
import sys

import pytest

CHECK = """
import sys
import hechtwijzer.catalog, hechtwijzer.engine, hechtwijzer.engine.cli
from hechtwijzer.engine import build_profile, profile_to_json
from hechtwijzer.catalog import get_catalog
from datetime import date
profile_to_json(build_profile([], catalog=get_catalog(), as_of=date(2026, 1, 1)))
print(sorted(m for m in sys.modules if m == "django" or m.startswith("django.")))
"""


@pytest.mark.slow
def test_engine_does_not_import_django() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", CHECK],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "[]"
