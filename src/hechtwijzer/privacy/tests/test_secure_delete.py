"""On an SQLite file database, erasure leaves no trace of the pupil in the database file or its
write-ahead log: migrate, seed and run `hechtwijzer retention` in subprocesses against a
temporary data directory, then read the files' bytes."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

SEED = """
import datetime, json
from django.contrib.auth import get_user_model
from hechtwijzer.observations.models import Observation
from hechtwijzer.schools.models import Pupil, School
school = School.objects.create(name="Zqschool", country="NL")
user = get_user_model().objects.create(username="zqteacher")
pupil = Pupil.objects.create(
    school=school, first_name="Zqmarkerfirst", last_name="Zqmarkerlast",
    date_of_birth=datetime.date(2015, 1, 1), status="left",
    left_on=datetime.date(2020, 1, 1),
)
obs = Observation.objects.create(
    pupil=pupil, author=user, informant="group_teacher",
    observed_on=datetime.date(2019, 5, 1), note="Zqmarkernote",
)
stored = Observation.objects.get(pk=obs.pk).__dict__["note"].stored
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("PRAGMA secure_delete")
    secure = cursor.fetchone()[0]
print(json.dumps({
    "public_id": pupil.public_id, "ciphertext": stored.split(":", 2)[2], "secure": secure,
}))
"""


def _run(env, *args):
    result = subprocess.run(
        [sys.executable, "-m", "hechtwijzer", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _bytes(data_dir: Path) -> bytes:
    return b"".join(
        path.read_bytes() for path in data_dir.glob("hechtwijzer.sqlite3*") if path.is_file()
    )


@pytest.mark.slow
def test_erased_pupil_leaves_no_bytes_behind(tmp_path):
    import json

    env = {
        **os.environ,
        "HECHTWIJZER_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'hechtwijzer.sqlite3'}",
    }
    env.pop("HECHTWIJZER_ENCRYPTION_KEYS", None)
    _run(env, "migrate", "--verbosity", "0")
    seeded = json.loads(_run(env, "shell", "-c", SEED).strip().splitlines()[-1])
    # Some SQLite builds (Debian's) overwrite deleted content anyway; the settings make sure.
    assert seeded["secure"] == 1
    before = _bytes(tmp_path)
    assert b"Zqmarkerlast" in before  # the check below can see what it looks for
    assert seeded["ciphertext"].encode() in before

    out = _run(env, "retention")
    assert f"erased {seeded['public_id']}" in out and "Zqmarker" not in out

    after = _bytes(tmp_path)
    for marker in (b"Zqmarkerfirst", b"Zqmarkerlast", seeded["ciphertext"].encode()):
        assert marker not in after, marker
    wal = tmp_path / "hechtwijzer.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    assert seeded["public_id"].encode() in after  # the audit entry that it happened
