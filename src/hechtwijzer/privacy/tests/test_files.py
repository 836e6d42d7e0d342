"""The data directory is 0700, the live SQLite database and its -wal and -shm files 0600."""

import os
import stat
import subprocess
import sys

import pytest
from django.db.utils import ConnectionHandler

from hechtwijzer.settings import database_from_url


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask():
    previous = os.umask(0o022)  # what most servers run with: new files 0644
    yield
    os.umask(previous)


@pytest.mark.django_db
def test_the_database_and_its_write_ahead_log_are_private(tmp_path, usual_umask):
    path = tmp_path / "hechtwijzer.sqlite3"
    handler = ConnectionHandler({"default": database_from_url(f"sqlite:///{path}")})
    live = handler["default"]
    try:
        with live.cursor() as cursor:
            cursor.execute("CREATE TABLE note (text TEXT)")
            cursor.execute("INSERT INTO note VALUES ('Zqprivate')")
        files = {p.name: mode(p) for p in tmp_path.glob("hechtwijzer.sqlite3*")}
        assert set(files) == {
            "hechtwijzer.sqlite3",
            "hechtwijzer.sqlite3-wal",
            "hechtwijzer.sqlite3-shm",
        }
        assert files == dict.fromkeys(files, 0o600)
    finally:
        live.close()


@pytest.mark.slow
def test_a_new_data_directory_is_private(tmp_path, usual_umask):
    data = tmp_path / "srv" / "hechtwijzer"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["HECHTWIJZER_DATA_DIR"] = str(data)
    result = subprocess.run(
        [sys.executable, "-m", "hechtwijzer", "migrate", "-v0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert mode(data) == 0o700
    assert mode(data / "hechtwijzer.sqlite3") == 0o600
    assert mode(data / "secret_key") == 0o600
    assert mode(data / "encryption_keys.json") == 0o600
