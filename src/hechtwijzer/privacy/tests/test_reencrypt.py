"""Key rotation: `hechtwijzer reencrypt --rotate` rewrites every encrypted value with the new
key; every note still reads the same; tampering still fails loudly."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from hechtwijzer import crypto
from hechtwijzer.fields import _Sealed
from hechtwijzer.observations.models import Observation
from hechtwijzer.privacy.models import EncryptionKey
from hechtwijzer.privacy.reencrypt import encrypted_fields
from hechtwijzer.testing import build_world

from .seed import encrypted_markers, fill_pupil


@pytest.fixture
def own_keys(tmp_path, settings, db):
    """A key file of this test's own (its k1 is not the k1 the test database recorded)."""
    settings.ENCRYPTION_KEYS = settings.ENCRYPTION_KEYS_FILE = ""
    settings.DATA_DIR = tmp_path
    EncryptionKey.objects.all().delete()
    yield tmp_path / "encryption_keys.json"
    crypto.forget_keyring()


def _stored_values():
    values = {}
    for model, fields in encrypted_fields():
        for row in model._base_manager.all():
            for field in fields:
                sealed = row.__dict__.get(field.attname)
                if isinstance(sealed, _Sealed):
                    values[(model._meta.label, field.name, row.pk)] = (sealed.stored, row)
    return values


@pytest.mark.django_db
def test_rotate_and_reencrypt(own_keys):
    w = build_world()
    fill_pupil(w.piet, author=w.anna, coordinator=w.carla, other=w.bram, hold=True)
    before = {key: getattr(row, key[1]) for key, (_s, row) in _stored_values().items()}
    assert {crypto.keyring().key_id_of(s) for s, _row in _stored_values().values()} == {"k1"}

    out = StringIO()
    call_command("reencrypt", "--rotate", "--batch-size", "2", stdout=out)
    assert "New key k2 is current" in out.getvalue()
    assert f"{len(before)} value(s) rewritten with key k2" in out.getvalue()

    after = _stored_values()
    assert {crypto.keyring().key_id_of(s) for s, _row in after.values()} == {"k2"}
    assert {key: getattr(row, key[1]) for key, (_s, row) in after.items()} == before
    assert set(before.values()) >= set(encrypted_markers(w.piet))

    again = StringIO()
    call_command("reencrypt", stdout=again)
    assert "0 value(s) rewritten" in again.getvalue()

    # Tampering: a flipped character in a stored note fails loudly, in reading and here.
    observation = Observation.objects.get(pupil=w.piet)
    stored = observation.__dict__["note"].stored
    tampered = stored[:-6] + ("A" if stored[-6] != "A" else "B") + stored[-5:]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Observation._meta.db_table} SET note = %s WHERE id = %s",  # noqa: S608
            [tampered, observation.pk],
        )
    with pytest.raises(crypto.DecryptionError):
        _ = Observation.objects.get(pk=observation.pk).note
    with pytest.raises(CommandError, match=r"observations\.Observation\.note row"):
        call_command("reencrypt", stdout=StringIO())


@pytest.mark.django_db
def test_rotate_refused_with_keys_from_the_environment(own_keys, settings):
    settings.ENCRYPTION_KEYS = f"e1:{crypto.new_key()}"
    with pytest.raises(CommandError, match="HECHTWIJZER_ENCRYPTION_KEYS"):
        call_command("reencrypt", "--rotate", stdout=StringIO())
