"""`hechtwijzer serve` runs the production WSGI server (gunicorn) and serves the app."""

import gc
import io
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_it_serves_the_login_page_and_static_files(tmp_path):
    env = {**os.environ, "HECHTWIJZER_DATA_DIR": str(tmp_path), "HOST": "127.0.0.1"}
    env.pop("DATABASE_URL", None)  # its own SQLite file, whatever the suite runs on
    cli = [sys.executable, "-m", "hechtwijzer"]
    for step in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([*cli, *step], env=env, check=True, timeout=300)
    port = free_port()
    env["PORT"] = str(port)
    log = (tmp_path / "server.log").open("w")  # a file, not a pipe nobody drains
    server = subprocess.Popen([*cli, "serve", "--workers", "1"], env=env, stdout=log, stderr=log)
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    body = response.read().decode()
                    headers = response.headers
                break
            except urllib.error.HTTPError:
                raise
            except OSError:  # not listening yet
                time.sleep(0.1)
        assert body is not None, "server did not answer"
        assert 'name="username"' in body
        assert "gunicorn" in headers.get("Server", "")
        assert "no-store" in headers["Cache-Control"]
        css = body.split('rel="stylesheet" href="')[1].split('"')[0]
        assert (
            css.startswith("/static/hechtwijzer/css/app.")
            and css != "/static/hechtwijzer/css/app.css"
        )
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{css}", timeout=2) as response:
            assert response.status == 200
            assert "max-age" in response.headers["Cache-Control"]
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.mark.django_db
def test_the_master_closes_its_connections_and_pools_before_forking(monkeypatch):
    """Connections (and a psycopg pool's threads) must not be shared with forked workers."""
    from django.db import connection

    from hechtwijzer.web.management.commands import serve

    calls = []
    wrapper = type(connection.cursor().db)
    monkeypatch.setattr(wrapper, "close", lambda self: calls.append("close"))
    monkeypatch.setattr(wrapper, "close_pool", lambda self: calls.append("pool"), raising=False)
    serve.close_database_connections()
    assert calls == ["close", "pool"]


def test_the_master_builds_the_search_index_before_forking(monkeypatch):
    """The workers share the search index, simplemma's dictionaries and the spelling table with
    the master (copy-on-write) only when the master builds them before gunicorn forks, and frozen
    out of the garbage collector's reach (BENCHMARKS.md, "Memory per worker")."""
    from django.core.management import call_command
    from gunicorn.app.base import BaseApplication

    from hechtwijzer.catalog import get_catalog
    from hechtwijzer.knowledge.search import index_for

    index_for.cache_clear()
    at_fork = {}

    def run(self):  # instead of gunicorn's arbiter, which forks the workers
        at_fork["indexes"] = index_for.cache_info().currsize
        at_fork["spelling table"] = "_near" in vars(index_for(get_catalog()))
        at_fork["frozen objects"] = gc.get_freeze_count()
        at_fork["collector on"] = gc.isenabled()
        at_fork["workers"] = self.cfg.workers

    monkeypatch.setattr(BaseApplication, "run", run)
    try:
        call_command("serve", "--port", str(free_port()), "--workers", "2", stdout=io.StringIO())
    finally:
        gc.unfreeze()
    assert at_fork["indexes"] == 1
    assert at_fork["spelling table"]
    assert at_fork["frozen objects"] > 100_000  # the index alone holds more
    assert at_fork["collector on"]  # off only while the shared objects are built
    assert at_fork["workers"] == 2
