"""Erasure that cannot half-succeed: when a reader keeps SQLite's write-ahead log in use, the
checkpoint after an erasure says so instead of being ignored; the erasure is reported as
pending removal from the log, and the next run completes it."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from hechtwijzer.privacy import actions
from hechtwijzer.privacy.models import PendingWalRemoval
from hechtwijzer.schools.models import Pupil
from hechtwijzer.testing import PASSWORD, build_world

from .test_secure_delete import SEED

NAME = b"Zqwalmarker"


def wal(path: Path) -> bytes:
    log = path.with_name(path.name + "-wal")
    return log.read_bytes() if log.exists() else b""


def files(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*") if p.is_file())


def test_a_reader_holding_the_log_makes_the_checkpoint_report_busy(tmp_path):
    path = tmp_path / "db.sqlite3"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA secure_delete=ON")
    writer.execute("CREATE TABLE pupil (name TEXT)")
    writer.execute("INSERT INTO pupil VALUES (?)", [NAME.decode()])
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM pupil").fetchone() == (1,)  # holds the log

    writer.execute("DELETE FROM pupil")
    result = actions.sqlite_checkpoint(writer, attempts=3, busy_ms=20, pause=0.01)
    assert not result.done
    assert "busy" in result.reason and "after 3 attempts" in result.reason
    assert NAME in wal(path)  # what "pending" means: the name is still in the -wal file

    reader.execute("COMMIT")
    assert actions.sqlite_checkpoint(writer) == actions.Checkpoint(done=True)
    assert wal(path) == b"" and NAME not in files(path)
    assert writer.execute("PRAGMA busy_timeout").fetchone() == (5000,)  # sqlite3's default
    reader.close()
    writer.close()


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


@pytest.mark.slow
def test_retention_reports_a_pending_removal_and_the_next_run_completes_it(tmp_path):
    path = tmp_path / "hechtwijzer.sqlite3"
    env = {
        **os.environ,
        "HECHTWIJZER_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{path}",
    }
    _run(env, "migrate", "--verbosity", "0")
    # A second connection stays open, so the seeding process does not fold the log into the
    # database when it exits; then it holds a read transaction that sees the new pupil.
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens the log's index
    seeded = json.loads(_run(env, "shell", "-c", SEED).strip().splitlines()[-1])
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM schools_pupil").fetchone()
    assert b"Zqmarkerlast" in wal(path)

    out = _run(env, "retention")
    assert f"erased {seeded['public_id']}" in out
    assert "pending removal from the write-ahead log" in out and "busy" in out
    assert b"Zqmarkerlast" in wal(path)

    reader.execute("COMMIT")
    reader.close()
    out = _run(env, "retention")
    assert f"completed removal of erased {seeded['public_id']} from the write-ahead log" in out
    assert b"Zqmarkerlast" not in files(path) and wal(path) == b""
    out = _run(env, "retention")
    assert "write-ahead log" not in out  # nothing pending any more


@pytest.mark.django_db(transaction=True)
def test_the_erase_page_says_when_removal_from_the_log_is_pending(monkeypatch):
    """The test database lives in memory, where no reader can hold a log: the checkpoint's
    answer is what a busy file database gives (the two tests above show that it does)."""
    w = build_world()
    busy = actions.Checkpoint(done=False, reason=actions.Checkpoint.BUSY)
    monkeypatch.setattr(actions, "checkpoint", lambda: busy)
    client = Client()
    client.login(username="dirk", password=PASSWORD)
    response = client.post(
        f"/admin-tools/pupils/{w.sem.public_id}/erase/", {"first_name": "Sem"}, follow=True
    )
    assert response.status_code == 200
    assert not Pupil.objects.filter(pk=w.sem.pk).exists()
    page = response.content.decode()
    assert "nog oude kopieën in het logbestand van de database" in page
    assert f"leerling {w.sem.public_id} zijn uit de database gewist" in page
    assert PendingWalRemoval.objects.get().public_id == w.sem.public_id

    monkeypatch.setattr(actions, "checkpoint", lambda: actions.Checkpoint(done=True))
    assert actions.complete_wal_removals() == actions.WalRemovals(
        completed=[w.sem.public_id], pending=[]
    )
    assert not PendingWalRemoval.objects.exists()
