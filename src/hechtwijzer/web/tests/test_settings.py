"""Settings from the environment, the production switch, and the generated secret key."""

import base64
import os
import secrets
import stat
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from hechtwijzer.settings import database_from_url, env_bool, secret_key_from_file


def run_cli(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "hechtwijzer", *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_it_reads_sqlite_and_postgres_urls():
    sqlite = database_from_url("sqlite:////srv/data/hw.sqlite3")
    assert sqlite["ENGINE"].endswith("sqlite3") and sqlite["NAME"] == "/srv/data/hw.sqlite3"
    pg = database_from_url("postgres://hw:s%40cret@db.internal:6432/hechtwijzer?sslmode=require")
    assert pg["ENGINE"].endswith("postgresql")
    assert (pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"]) == (
        "hw",
        "s@cret",
        "db.internal",
        "6432",
        "hechtwijzer",
    )
    # psycopg's pool by default (README, "Several app servers"); Django wants CONN_MAX_AGE 0.
    assert pg["OPTIONS"] == {
        "sslmode": "require",
        "pool": {"min_size": 1, "max_size": 4, "timeout": 10},
    }
    assert pg["CONN_MAX_AGE"] == 0


def test_the_pool_is_configured_from_the_environment(monkeypatch):
    monkeypatch.setenv("HECHTWIJZER_DB_POOL_MIN", "2")
    monkeypatch.setenv("HECHTWIJZER_DB_POOL_MAX", "8")
    monkeypatch.setenv("HECHTWIJZER_DB_POOL_TIMEOUT", "5")
    pg = database_from_url("postgres://hw@db/hechtwijzer")
    assert pg["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 8, "timeout": 5}
    monkeypatch.setenv("HECHTWIJZER_DB_POOL_MIN", "9")
    with pytest.raises(ImproperlyConfigured, match="MIN <= MAX"):
        database_from_url("postgres://hw@db/hechtwijzer")


def test_without_the_pool_a_connection_is_kept_per_worker(monkeypatch):
    monkeypatch.setenv("HECHTWIJZER_DB_POOL", "0")
    pg = database_from_url("postgres://hw@db/hechtwijzer")
    assert "pool" not in pg["OPTIONS"]
    assert pg["CONN_MAX_AGE"] > 0 and pg["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/hw", "unsupported scheme 'mysql'"),
        ("postgres://localhost", "needs a database name"),
        ("sqlite://", "needs a file path"),
    ],
)
def test_it_names_the_problem_with_a_bad_database_url(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        database_from_url(url)


def test_it_refuses_a_vague_boolean(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe' is not a yes/no value"):
        env_bool("DEBUG")


def test_it_generates_the_secret_key_once_and_keeps_it_private(tmp_path):
    path = tmp_path / "data" / "secret_key"
    first = secret_key_from_file(path)
    assert len(first) >= 50
    assert secret_key_from_file(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_production_passes_the_deploy_check(tmp_path):
    result = run_cli(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        HECHTWIJZER_ENV="production",
        HECHTWIJZER_DATA_DIR=str(tmp_path),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="hechtwijzer.example.org",
        HECHTWIJZER_ENCRYPTION_KEYS=f"k1:{base64.b64encode(secrets.token_bytes(32)).decode()}",
        # A database of its own: the key check (hw.W201) reads it, and the suite's DATABASE_URL
        # (PostgreSQL in CI) names a database only the test runner creates, as test_….
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"ALLOWED_HOSTS": "hechtwijzer.example.org"}, "SECRET_KEY"),
        ({"SECRET_KEY": "x" * 60}, "ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_key_or_hosts(tmp_path, env, missing):
    result = run_cli(
        "check", HECHTWIJZER_ENV="production", HECHTWIJZER_DATA_DIR=str(tmp_path), **env
    )
    assert result.returncode != 0
    assert f"needs {missing} to be set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_reads_the_key_and_the_database_url_from_mounted_secret_files(tmp_path):
    """compose.yaml mounts secrets as files under /run/secrets and names them in *_FILE."""
    key = secrets.token_urlsafe(50)
    database = tmp_path / "from-file.sqlite3"
    (tmp_path / "secret_key").write_text(key + "\n")  # as `echo … > file` writes it
    (tmp_path / "database_url").write_text(f"sqlite:///{database}\n")
    keys = f"k1:{base64.b64encode(secrets.token_bytes(32)).decode()}"
    (tmp_path / "encryption_keys").write_text(keys + "\n")
    show = (
        "from django.conf import settings as s; print(s.SECRET_KEY, s.DATABASES['default']['NAME'])"
    )
    result = run_cli(
        "shell",
        "-v0",
        "-c",
        show,
        HECHTWIJZER_ENV="production",
        HECHTWIJZER_DATA_DIR=str(tmp_path),
        ALLOWED_HOSTS="hechtwijzer.example.org",
        SECRET_KEY_FILE=str(tmp_path / "secret_key"),
        DATABASE_URL_FILE=str(tmp_path / "database_url"),
        HECHTWIJZER_ENCRYPTION_KEYS_FILE=str(tmp_path / "encryption_keys"),
        DATABASE_URL="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [key, str(database)]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"SECRET_KEY": "x" * 60, "SECRET_KEY_FILE": "/run/secrets/secret_key"},
            "SECRET_KEY and SECRET_KEY_FILE are both set: use one of them",
        ),
        (
            {"SECRET_KEY": "x" * 60, "DATABASE_URL_FILE": "/run/secrets/no-such-secret"},
            "DATABASE_URL_FILE='/run/secrets/no-such-secret': no such file",
        ),
        ({"SECRET_KEY_FILE": "/dev/null"}, "needs SECRET_KEY to be set (or SECRET_KEY_FILE)"),
    ],
)
def test_a_bad_secret_file_is_named_without_a_traceback(tmp_path, env, message):
    result = run_cli(
        "check",
        HECHTWIJZER_ENV="production",
        HECHTWIJZER_DATA_DIR=str(tmp_path),
        ALLOWED_HOSTS="hechtwijzer.example.org",
        DATABASE_URL="",
        **env,
    )
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
