"""Two app servers, one PostgreSQL database (README, "Several app servers").

Starts `hechtwijzer serve` twice, on two free ports, each with its own data directory, both
with the same database, SECRET_KEY and key file, and drives them over HTTP as a browser behind
a load balancer would: a log-in on one continues on the other with the same session cookie; a
note written through one is read through the other; a key rotation done next to one (the key
file changed, `hechtwijzer reencrypt`) is followed by both, and /healthz agrees on both.

Only with DATABASE_URL=postgres://...: several servers on one SQLite file is not a set-up the
product supports. The servers get a database of their own, created, migrated with
`hechtwijzer migrate` and dropped here (pytest-django's test database lives inside the test's
transaction, which other processes cannot see).
"""

from __future__ import annotations

import datetime
import html
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from hechtwijzer import crypto
from hechtwijzer.settings import database_from_url

DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not ON_POSTGRES,
        reason="needs DATABASE_URL=postgres://...: two app servers share one PostgreSQL "
        "database (several servers on one SQLite file are not supported)",
    ),
]

CLI = [sys.executable, "-m", "hechtwijzer"]
WORLD = """
import json
from hechtwijzer.testing import PASSWORD, build_world
w = build_world()
print(json.dumps({"piet": w.piet.public_id, "password": PASSWORD}))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _admin_connection(dbname: str = "postgres"):
    import psycopg

    settings = database_from_url(DATABASE_URL)
    return psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )


@pytest.fixture
def shared_database():
    """A PostgreSQL database of the two servers' own, dropped afterwards; its URL."""
    name = f"hechtwijzer_two_servers_{secrets.token_hex(4)}"
    with _admin_connection() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(DATABASE_URL)
    yield name, urllib.parse.urlunsplit(parts._replace(path=f"/{name}", query=""))
    with _admin_connection() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Browser:
    """A cookie jar and urllib: what a browser sends, without following redirects."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self):
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), self._NoRedirect
        )

    def request(self, url: str, data: dict | None = None) -> tuple[int, dict, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(url, data=body)  # noqa: S310 (a loopback URL)
        request.add_header("Accept-Language", "en")
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def csrf(self, url: str) -> str:
        status, _headers, page = self.request(url)
        assert status == 200, (url, status)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)


class Servers:
    def __init__(self, tmp_path: Path, database_url: str):
        self.tmp_path = tmp_path
        self.key_file = tmp_path / "shared-keys.json"
        crypto.write_key_file(self.key_file, {"current": "k1", "keys": {"k1": crypto.new_key()}})
        self.common = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "HECHTWIJZER_ENCRYPTION_KEYS_FILE": str(self.key_file),
            "HOST": "127.0.0.1",
        }
        for name in ("HECHTWIJZER_ENCRYPTION_KEYS", "HECHTWIJZER_ENV", "DEBUG"):
            self.common.pop(name, None)
        self.processes: list[subprocess.Popen] = []
        self.logs = []

    def env(self, name: str) -> dict[str, str]:
        data_dir = self.tmp_path / f"data-{name}"
        return {**self.common, "HECHTWIJZER_DATA_DIR": str(data_dir)}

    def data_files(self, name: str) -> dict[str, float]:
        folder = self.tmp_path / f"data-{name}"
        return {str(p.relative_to(folder)): p.stat().st_mtime for p in folder.rglob("*")}

    def run(self, name: str, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [*CLI, *args],
            env=self.env(name),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self, name: str) -> str:
        port = _free_port()
        env = {**self.env(name), "PORT": str(port)}
        log = (self.tmp_path / f"server-{name}.log").open("w")
        self.logs.append(log)
        process = subprocess.Popen(
            [*CLI, "serve", "--workers", "1"], env=env, stdout=log, stderr=log
        )
        self.processes.append(process)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310
                    return base
            except urllib.error.HTTPError:
                return base  # answering (a 503 is for the test to see)
            except (urllib.error.URLError, OSError):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(f"server {name} did not start:\n{Path(log.name).read_text()}")
                time.sleep(0.2)

    def stop(self):
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in self.logs:
            log.close()


@pytest.fixture
def servers(tmp_path, shared_database):
    name, url = shared_database
    servers = Servers(tmp_path, url)
    servers.database_name = name
    try:
        yield servers
    finally:
        servers.stop()


def healthz(base: str) -> tuple[int, dict]:
    status, headers, body = Browser().request(f"{base}/healthz")
    assert "no-store" in headers.get("Cache-Control", "")
    assert "Set-Cookie" not in headers  # no session for a load balancer's check
    return status, json.loads(body)


def observe(browser: Browser, base: str, piet: str, note: str) -> None:
    url = f"{base}/pupils/{piet}/observe/"
    status, _headers, page = browser.request(
        url,
        {
            "csrfmiddlewaretoken": browser.csrf(url),
            "signals": ["hypervigilant"],
            "observed_on": (datetime.date.today() - datetime.timedelta(days=1)).isoformat(),
            "note": note,
        },
    )
    assert status == 302, page[:2000]


def stored_note_key(database: str, note_marker_count: int) -> list[str]:
    """The key ids the stored notes are sealed with, newest note last."""
    with _admin_connection(database) as connection:
        rows = connection.execute(
            "SELECT note FROM observations_observation WHERE note <> '' ORDER BY id"
        ).fetchall()
    assert len(rows) == note_marker_count
    return [row[0].split(":")[1] for row in rows]


def test_two_servers_share_sessions_notes_and_a_key_rotation(servers):
    # Deploy steps, not run time: migrate once, collect the static files per server.
    servers.run("a", "migrate", "--noinput", "-v0")
    servers.run("a", "collectstatic", "--noinput", "-v0")
    shutil.copytree(servers.tmp_path / "data-a" / "static", servers.tmp_path / "data-b" / "static")
    before = {name: servers.data_files(name) for name in ("a", "b")}
    world = json.loads(servers.run("a", "shell", "-c", WORLD).strip().splitlines()[-1])
    piet = world["piet"]
    a, b = servers.start("a"), servers.start("b")
    assert a != b
    assert healthz(a) == healthz(b) == (200, healthz(a)[1])
    assert healthz(a)[1]["status"] == "ok"

    # Log in on A; the same session cookie continues on B (sessions live in the database).
    browser = Browser()
    status, _headers, page = browser.request(
        f"{a}/accounts/login/",
        {
            "csrfmiddlewaretoken": browser.csrf(f"{a}/accounts/login/"),
            "username": "anna",
            "password": world["password"],
        },
    )
    assert status == 302, page[:2000]
    session = browser.cookie("sessionid")
    assert session
    on_b = Browser()
    for cookie in browser.cookies:
        on_b.cookies.set_cookie(cookie)
    status, _headers, page = on_b.request(f"{b}/pupils/{piet}/")
    assert status == 200, page[:2000]
    assert "Piet Testkind" in page
    assert Browser().request(f"{b}/pupils/{piet}/")[0] == 302  # without the cookie: log in

    # A note written through A is read through B (and the other way round).
    observe(browser, a, piet, "Written on server A before the rotation")
    assert "Written on server A before the rotation" in on_b.request(f"{b}/pupils/{piet}/")[2]
    observe(on_b, b, piet, "Written on server B before the rotation")
    assert "Written on server B before the rotation" in browser.request(f"{a}/pupils/{piet}/")[2]
    assert stored_note_key(servers.database_name, 2) == ["k1", "k1"]

    # Rotation next to server A: a new key first in the shared key file, then re-encrypt.
    keyring = json.loads(servers.key_file.read_text())
    keyring["keys"]["k2"] = crypto.new_key()
    keyring["current"] = "k2"
    crypto.write_key_file(servers.key_file, keyring)
    output = servers.run("a", "reencrypt")
    assert "with key k2" in output
    assert stored_note_key(servers.database_name, 2) == ["k2", "k2"]

    # Both servers follow: their health agrees, each reads the re-encrypted notes, a note
    # written through either after the rotation is sealed with k2 and read by the other.
    assert healthz(a) == healthz(b) == (200, healthz(a)[1])
    page_b = on_b.request(f"{b}/pupils/{piet}/")[2]
    assert "Written on server A before the rotation" in page_b
    observe(browser, a, piet, "Written on server A after the rotation")
    observe(on_b, b, piet, "Written on server B after the rotation")
    assert stored_note_key(servers.database_name, 4) == ["k2", "k2", "k2", "k2"]
    page_a = browser.request(f"{a}/pupils/{piet}/")[2]
    page_b = on_b.request(f"{b}/pupils/{piet}/")[2]
    for server in ("A", "B"):
        text = f"Written on server {server} after the rotation"
        assert text in html.unescape(page_a) and text in html.unescape(page_b)

    # A server started with the old key file only is refused by its health check.
    stale = servers.tmp_path / "stale-keys.json"
    old = {"current": "k1", "keys": {"k1": keyring["keys"]["k1"]}}
    crypto.write_key_file(stale, old)
    servers.common["HECHTWIJZER_ENCRYPTION_KEYS_FILE"] = str(stale)
    done = subprocess.run(
        [*CLI, "check"], env=servers.env("c"), capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0 and "hw.E203" in done.stderr

    # Nothing was written to either data directory while serving.
    assert {name: servers.data_files(name) for name in ("a", "b")} == before
