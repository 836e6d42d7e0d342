"""Notes are encrypted at rest, bound to their row, and fail loudly when tampered with."""

import base64

import pytest
from django.db import connection
from django.test import TestCase

from hechtwijzer import crypto
from hechtwijzer.observations import actions
from hechtwijzer.observations.models import Observation
from hechtwijzer.testing import build_world

MARKER = "MARKER-Piet-sloeg-Zoe-7731"


def stored_note(observation):
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM observations_observation WHERE id = %s", [observation.pk])
        return cursor.fetchone()[0]


class EncryptionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def log(self, note=MARKER, pupil=None):
        return actions.log_observation(
            actor=self.w.anna, pupil=pupil or self.w.piet, signals=["quick_anger"], note=note
        )

    def test_the_database_holds_ciphertext_only(self):
        observation = self.log()
        raw = stored_note(observation)
        assert raw.startswith("hw1:") and MARKER not in raw
        assert Observation.objects.get(pk=observation.pk).note == MARKER

    def test_a_tampered_ciphertext_fails_loudly(self):
        observation = self.log()
        prefix, key_id, payload = stored_note(observation).split(":", 2)
        raw = bytearray(base64.b64decode(payload))
        raw[-1] ^= 1
        tampered = f"{prefix}:{key_id}:{base64.b64encode(bytes(raw)).decode()}"
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE observations_observation SET note = %s WHERE id = %s",
                [tampered, observation.pk],
            )
        with pytest.raises(crypto.DecryptionError):
            _ = Observation.objects.get(pk=observation.pk).note

    def test_a_ciphertext_moved_to_another_pupil_does_not_decrypt(self):
        first = self.log()
        second = self.log(note="other", pupil=self.w.lara)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE observations_observation SET note = %s WHERE id = %s",
                [stored_note(first), second.pk],
            )
        with pytest.raises(crypto.DecryptionError):
            _ = Observation.objects.get(pk=second.pk).note

    def test_bulk_writes_of_plaintext_are_refused(self):
        observation = self.log()
        with pytest.raises(ValueError, match="encrypted"):
            Observation.objects.filter(pk=observation.pk).update(note="plain")


def test_rotation_keeps_old_values_readable(monkeypatch):
    old = crypto.keyring_from_env(f"k1:{crypto.new_key()}")
    sealed = old.encrypt("geheim", "x:1")
    newer = crypto.keyring_from_env(
        f"k2:{crypto.new_key()},k1:{base64.b64encode(old.keys['k1']).decode()}"
    )
    assert newer.current == "k2"
    assert newer.decrypt(sealed, "x:1") == "geheim"
    assert newer.key_id_of(newer.encrypt("nieuw", "x:1")) == "k2"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "holds no key"),
        ("k1:notbase64!!", "not valid base64"),
        ("k1:" + base64.b64encode(b"short").decode(), "32 bytes"),
    ],
)
def test_bad_key_configuration_is_named(value, message):
    with pytest.raises(crypto.KeyConfigurationError, match=message):
        crypto.keyring_from_env(value)
