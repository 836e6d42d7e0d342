"""Encryption keys shared by every server: check values in the database, verified at start;
the key ring follows a rotation made by another process while the server runs."""

import base64
import os
import secrets
import subprocess
import sys

import pytest
from django.db import connection
from django.utils import timezone

from hechtwijzer import crypto
from hechtwijzer.observations import actions as observe
from hechtwijzer.observations.models import Observation
from hechtwijzer.privacy import keys
from hechtwijzer.privacy.checks import encryption_keys
from hechtwijzer.privacy.models import EncryptionKey
from hechtwijzer.testing import PASSWORD, build_world


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


@pytest.fixture
def own_keys(tmp_path, settings, db):
    """A key file of this test's own (its k1 is not the k1 the test database recorded)."""
    settings.ENCRYPTION_KEYS = settings.ENCRYPTION_KEYS_FILE = ""
    settings.DATA_DIR = tmp_path
    EncryptionKey.objects.all().delete()
    yield tmp_path / "encryption_keys.json"
    crypto.forget_keyring()


def stored(observation) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM observations_observation WHERE id = %s", [observation.pk])
        return cursor.fetchone()[0]


def ids(errors) -> list[tuple[str, str]]:
    return [(e.id, e.msg) for e in errors]


def test_the_first_note_records_its_key_check_value_and_never_the_key(own_keys):
    w = build_world()
    assert not EncryptionKey.objects.exists()
    observe.log_observation(actor=w.anna, pupil=w.piet, signals=["quick_anger"], note="Eerste")
    ring = crypto.keyring()
    row = EncryptionKey.objects.get()
    assert (row.key_id, row.check_value) == (ring.current, ring.check_value(ring.current))
    assert b64(ring.keys[ring.current]) not in row.check_value
    assert ring.keys[ring.current].hex() not in row.check_value
    assert encryption_keys() == []


def test_a_server_without_a_key_the_notes_need_does_not_start(own_keys, settings):
    w = build_world()
    observe.log_observation(actor=w.anna, pupil=w.piet, signals=["quick_anger"], note="Notitie")
    # Another server, configured with only a key of its own.
    settings.ENCRYPTION_KEYS = f"k9:{crypto.new_key()}"
    [(code, message)] = ids(encryption_keys())
    assert code == "hw.E203" and "'k1'" in message
    assert "HECHTWIJZER_ENCRYPTION_KEYS environment variable" in message


def test_a_server_with_another_key_under_the_same_id_does_not_start(own_keys, settings):
    w = build_world()
    observe.log_observation(actor=w.anna, pupil=w.piet, signals=["quick_anger"], note="Notitie")
    settings.ENCRYPTION_KEYS = f"k1:{crypto.new_key()}"
    [(code, message)] = ids(encryption_keys())
    assert code == "hw.E204" and "'k1'" in message
    # Nor does it write with that key: another server could not read the note.
    with pytest.raises(crypto.KeyConfigurationError, match="does not match the check value"):
        observe.log_observation(actor=w.anna, pupil=w.piet, signals=["quick_anger"], note="x")


def test_migrate_records_the_keys_the_stored_notes_already_use(own_keys, settings):
    """A database from before check values existed: notes under k1 and k2, no rows."""
    w = build_world()
    k1, k2 = crypto.new_key(), crypto.new_key()
    settings.ENCRYPTION_KEYS = f"k1:{k1}"
    old = observe.log_observation(actor=w.anna, pupil=w.piet, signals=["quick_anger"], note="1")
    settings.ENCRYPTION_KEYS = f"k2:{k2},k1:{k1},k3:{crypto.new_key()}"
    observe.log_observation(actor=w.anna, pupil=w.piet, signals=["quick_anger"], note="2")
    EncryptionKey.objects.all().delete()

    assert keys.record_on_migrate() == ["k2", "k1"]  # k3: no note uses it
    assert set(EncryptionKey.objects.values_list("key_id", flat=True)) == {"k1", "k2"}
    assert crypto.keyring_from_string(f"k1:{k1}").key_id_of(stored(old)) == "k1"

    # The same database with a wrong k1, or a wrong current k2: migrate refuses to vouch.
    for wrong in (f"k2:{k2},k1:{crypto.new_key()}", f"k2:{crypto.new_key()},k1:{k1}"):
        EncryptionKey.objects.all().delete()
        settings.ENCRYPTION_KEYS = wrong
        with pytest.raises(crypto.KeyConfigurationError, match="does not decrypt the notes"):
            keys.record_on_migrate()
        assert not EncryptionKey.objects.exists()


def rotate_in_another_process(key_file, observation) -> crypto.Keyring:
    """What `hechtwijzer reencrypt --rotate` in another process does: the key file gains k2
    (current), k2's check value is stored, every note is rewritten under k2. This process's
    cached ring is left alone."""
    file = crypto.read_key_file(key_file)
    crypto.write_key_file(
        key_file,
        {"current": "k2", "keys": {"k1": b64(file.keys["k1"]), "k2": crypto.new_key()}},
    )
    other = crypto.read_key_file(key_file)
    EncryptionKey.objects.create(key_id="k2", check_value=other.check_value("k2"))
    associated = Observation._meta.get_field("note").associated_data(observation)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE observations_observation SET note = %s WHERE id = %s",
            [other.encrypt(observation.note, associated), observation.pk],
        )
    return other


@pytest.fixture
def rotated(own_keys, client):
    """A worker with a cached k1 ring, after another process rotated to k2."""
    w = build_world()
    old = observe.log_observation(
        actor=w.anna, pupil=w.piet, signals=["quick_anger"], note="Notitie van maandag"
    )
    cached = crypto.keyring()
    assert cached.current == "k1"
    other = rotate_in_another_process(own_keys, old)
    assert crypto.keyring() is cached and "k2" not in cached.keys
    client.login(username="anna", password=PASSWORD)
    return w, old, other


def test_a_worker_reads_notes_rewritten_by_another_process_after_a_rotation(rotated, client):
    w, _old, _other = rotated
    page = client.get(f"/pupils/{w.piet.public_id}/")
    assert page.status_code == 200 and "Notitie van maandag" in page.content.decode()


def test_a_worker_writes_with_the_new_key_after_a_rotation(rotated, client):
    w, old, other = rotated
    response = client.post(  # the first request after the rotation writes; nothing read yet
        f"/pupils/{w.piet.public_id}/observe/",
        {
            "signals": ["withdrawn"],
            "observed_on": timezone.localdate().isoformat(),
            "note": "Notitie van dinsdag",
        },
    )
    assert response.status_code == 302
    new = Observation.objects.exclude(pk=old.pk).get()
    assert other.key_id_of(stored(new)) == "k2"
    assert Observation.objects.get(pk=new.pk).note == "Notitie van dinsdag"


def test_reencrypt_retires_the_old_key_so_servers_may_drop_it(own_keys, settings):
    from io import StringIO

    from django.core.management import call_command

    w = build_world()
    observe.log_observation(actor=w.anna, pupil=w.piet, signals=["quick_anger"], note="Notitie")
    out = StringIO()
    call_command("reencrypt", "--rotate", stdout=out)
    assert "Key k1 is no longer used by any stored note" in out.getvalue()
    keys.record_on_migrate()  # a deploy before the old key leaves the configuration
    assert EncryptionKey.objects.get(key_id="k1").retired_at is not None
    assert EncryptionKey.objects.get(key_id="k2").retired_at is None
    # A server holding only k2 now starts; one holding only k1 does not.
    ring = crypto.read_key_file(own_keys)
    settings.ENCRYPTION_KEYS = f"k2:{b64(ring.keys['k2'])}"
    assert encryption_keys() == []
    settings.ENCRYPTION_KEYS = f"k1:{b64(ring.keys['k1'])}"
    assert [e.id for e in encryption_keys()] == ["hw.E203"]


# --- configuration, in a fresh process as the server starts -------------------------------------


def run_cli(*args, **env):
    drop = {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}
    full_env = {k: v for k, v in os.environ.items() if k not in drop and "ENCRYPTION" not in k}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "hechtwijzer", *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production(tmp_path, **env):
    return {
        "HECHTWIJZER_ENV": "production",
        "HECHTWIJZER_DATA_DIR": str(tmp_path / "data"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "hechtwijzer.example.org",
        **env,
    }


@pytest.mark.slow
def test_production_refuses_to_start_without_keys_and_generates_none(tmp_path):
    result = run_cli("check", **production(tmp_path))
    assert result.returncode != 0
    assert "hw.E201" in result.stderr and "HECHTWIJZER_ENCRYPTION_KEYS" in result.stderr
    assert not (tmp_path / "data" / "encryption_keys.json").exists()


@pytest.mark.slow
def test_keys_from_a_mounted_file(tmp_path):
    secret = tmp_path / "keys"
    secret.write_text(f"k2:{crypto.new_key()},k1:{crypto.new_key()}\n")
    env = production(tmp_path, HECHTWIJZER_ENCRYPTION_KEYS_FILE=str(secret))
    result = run_cli("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"HECHTWIJZER_ENCRYPTION_KEYS": "k1:x", "HECHTWIJZER_ENCRYPTION_KEYS_FILE": "/x"},
            "HECHTWIJZER_ENCRYPTION_KEYS and HECHTWIJZER_ENCRYPTION_KEYS_FILE are both set",
        ),
        (
            {"HECHTWIJZER_ENCRYPTION_KEYS_FILE": "/nonexistent/keys"},
            "HECHTWIJZER_ENCRYPTION_KEYS_FILE='/nonexistent/keys': no such file",
        ),
        ({"HECHTWIJZER_ENCRYPTION_KEYS_FILE": "BAD"}, "not valid base64"),
        ({"HECHTWIJZER_ENCRYPTION_KEYS_FILE": "EMPTY"}, "holds no key"),
        ({"HECHTWIJZER_ENCRYPTION_KEYS": "k1:short"}, "HECHTWIJZER_ENCRYPTION_KEYS: key 'k1'"),
    ],
)
def test_bad_key_configuration_is_named_at_start(tmp_path, env, message):
    files = {"BAD": "k1:not-base64!!", "EMPTY": "\n"}
    for name, value in env.items():
        if value in files:
            (tmp_path / value).write_text(files[value])
            env[name] = str(tmp_path / value)
    result = run_cli("check", **production(tmp_path, **env))
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_two_servers_on_one_database_with_their_own_key_files(tmp_path):
    """The silent split this replaces: each data directory generated its own k1."""
    database = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    first = {"HECHTWIJZER_DATA_DIR": str(tmp_path / "a"), "DATABASE_URL": database}
    second = {"HECHTWIJZER_DATA_DIR": str(tmp_path / "b"), "DATABASE_URL": database}
    assert run_cli("migrate", "-v0", **first).returncode == 0
    assert run_cli("check", **first).returncode == 0
    result = run_cli("check", **second)
    assert result.returncode != 0
    assert "hw.E204" in result.stderr and "'k1'" in result.stderr


def test_processes_starting_on_a_fresh_data_directory_make_one_key_file(tmp_path):
    # Eight processes at once, as test workers or server workers on a first start: one key
    # file is made, every process reads the same key, and no temporary file is left.
    script = (
        "import sys, json\n"
        "from pathlib import Path\n"
        "from hechtwijzer import crypto\n"
        "path = Path(sys.argv[1]) / 'encryption_keys.json'\n"
        "if not path.exists():\n"
        "    crypto.write_key_file(path, {'current': 'k1', 'keys': {'k1': crypto.new_key()}},"
        " replace=False)\n"
        "print(json.dumps(json.loads(path.read_text())['keys']['k1']))\n"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(8)
    ]
    keys_read = {run.communicate(timeout=60)[0] for run in runs}
    assert all(run.returncode == 0 for run in runs)
    assert len(keys_read) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["encryption_keys.json"]
    assert (tmp_path / "encryption_keys.json").stat().st_mode & 0o777 == 0o600


def test_a_key_file_that_exists_is_not_replaced_by_a_first_start(tmp_path):
    path = tmp_path / "encryption_keys.json"
    crypto.write_key_file(path, {"current": "k1", "keys": {"k1": "first"}})
    made = crypto.write_key_file(path, {"current": "k1", "keys": {"k1": "second"}}, replace=False)
    assert made is False
    assert "first" in path.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["encryption_keys.json"]
