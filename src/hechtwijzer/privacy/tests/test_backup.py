"""`hechtwijzer backup` and `restore`: a round trip on the configured database (SQLite or
PostgreSQL, whichever DATABASE_URL names), and the refusals."""

import stat
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from hechtwijzer.observations.models import Observation
from hechtwijzer.privacy import backup
from hechtwijzer.schools.models import Pupil
from hechtwijzer.testing import build_world

from .seed import fill_pupil, marker


def _call(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_round_trip(tmp_path):
    w = build_world()
    fill_pupil(w.piet, author=w.anna, coordinator=w.carla, other=w.bram)
    before = backup.row_counts()
    path = tmp_path / "hw.backup"

    out = _call("backup", str(path))
    assert "NOT in this backup" in out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not backup.keys_path_for(path).exists()

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(path))
    Observation.objects.all().delete()
    Pupil.objects.filter(pk=w.mo.pk).delete()
    assert backup.row_counts() != before

    out = _call("restore", str(path), "--force")
    assert "Restored" in out and "cannot be decrypted" not in out
    assert backup.row_counts() == before
    note = Observation.objects.get(pupil__public_id=w.piet.public_id).note
    assert note == marker(w.piet, "observations.Observation", "note")


@pytest.mark.django_db(transaction=True)
def test_backup_with_keys_and_refusals(tmp_path):
    path = tmp_path / "hw.backup"
    out = _call("backup", str(path), "--include-keys")
    keys = backup.keys_path_for(path)
    assert stat.S_IMODE(keys.stat().st_mode) == 0o600
    assert '"current"' in keys.read_text() and str(keys) in out
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(path))
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "missing"))
    junk = tmp_path / "junk"
    junk.write_text("hello")
    with pytest.raises(CommandError, match="not a Hechtwijzer backup"):
        call_command("restore", str(junk), "--force")
