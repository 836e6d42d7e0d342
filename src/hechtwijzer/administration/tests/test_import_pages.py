"""The school administrator's import pages: upload, preview (nothing stored, the names shown and
the read audited), apply; the CSV column mapping remembered; the upload encrypted and deleted;
role proposals confirmed on their page; other schools' and other roles' requests 404."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from hechtwijzer.administration.models import ImportMapping, ImportUpload, RoleProposal
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.schools.models import Membership, Pupil, Role, School

from .conftest import import_file
from .test_import import snapshot


@pytest.fixture
def world(db, tmp_path):
    from hechtwijzer.testing import build_world

    w = build_world()
    School.objects.filter(pk=w.noord.pk).update(brin="99XA", dependance="00")
    School.objects.filter(pk=w.zuid.pk).update(institution_number="999902")
    with override_settings(LANGUAGE_CODE="en"):
        yield w


def upload(client, school, data, name="export.xml", kind="edexml"):
    return client.post(
        reverse("administration:import", args=[school.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, data)},
    )


def test_upload_preview_apply(world, client, tmp_path, django_assert_max_num_queries):
    client.force_login(world.dirk)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("administration:import", args=[world.noord.pk]))
    assert page.status_code == 200
    before = snapshot()
    response = upload(client, world.noord, import_file("nl.xml"))
    assert response.status_code == 302
    # Kept encrypted in the database (not in a server's data directory) until applied.
    (kept,) = ImportUpload.objects.all()
    assert "Appelboom" not in kept.sealed and kept.school_id == world.noord.pk
    assert not (tmp_path / "imports").exists()
    # The preview is a dry run of the sync, whose queries grow with the file (each change goes
    # through its domain function and audit entry, which also moves the school's version):
    # here 4 new pupils, 3 leaving, 3 staff.
    with django_assert_max_num_queries(200):
        preview = client.get(response["Location"])
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Fleur Appelboom" in html and "Mees van Dijk" in html
    assert "Pupils who left the school" in html and "Piet Testkind" in html
    assert snapshot() == before
    entry = AuditEntry.objects.get(action="import.preview")
    assert (entry.username, entry.details["pupils"]["created"]) == ("dirk", 4)
    done = client.post(response["Location"], {"action": "apply"})
    assert done.status_code == 200
    assert "the invitation link was sent to s.lindeveld@school.example" in done.content.decode()
    assert "has no e-mail address: give them this link" in done.content.decode()
    assert Pupil.objects.filter(school=world.noord, source_key__startswith="LL-").count() == 4
    assert not ImportUpload.objects.exists()  # deleted once applied
    assert AuditEntry.objects.get(action="import.apply").username == "dirk"
    # Applied and gone: the same address does not apply it twice.
    again = client.post(response["Location"], {"action": "apply"})
    assert again.status_code == 302


def test_a_hostile_upload_changes_nothing_and_is_deleted(world, client, tmp_path):
    client.force_login(world.dirk)
    before = snapshot()
    hostile = b'<?xml version="1.0"?>\n<!DOCTYPE EDEX [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    response = upload(client, world.noord, hostile + b"<EDEX>&x;</EDEX>")
    preview = client.get(response["Location"])
    assert preview.status_code == 422
    assert "document type declaration (DTD)" in preview.content.decode()
    assert snapshot() == before
    assert not ImportUpload.objects.exists()


def test_discard(world, client, tmp_path):
    client.force_login(world.dirk)
    response = upload(client, world.noord, import_file("nl.xml"))
    client.post(response["Location"], {"action": "discard"})
    assert not ImportUpload.objects.exists()


def test_csv_mapping_chosen_on_the_page_and_remembered(world, client):
    client.force_login(world.gijs)
    response = upload(client, world.zuid, import_file("leerlingen.csv"), "l.csv", "csv")
    first = client.get(response["Location"])
    assert "Columns of the CSV file" in first.content.decode()
    assert "Apply these changes" not in first.content.decode()  # a mapping first
    columns = {
        "key": "Stamnummer",
        "first_name": "Voornaam",
        "last_name": "Familienaam",
        "date_of_birth": "Geboortedatum",
        "group": "Klas",
        "year_level": "Leerjaar",
    }
    chosen = client.post(response["Location"], {"action": "mapping", **columns})
    assert chosen.status_code == 302
    assert ImportMapping.objects.get(school=world.zuid).columns == columns
    preview = client.get(response["Location"])
    assert "Mila Janssens-Fictief" in preview.content.decode()
    assert "Apply these changes" in preview.content.decode()
    # The next upload of this school goes straight to the preview.
    response = upload(client, world.zuid, import_file("leerlingen.csv"), "l.csv", "csv")
    assert "Apply these changes" in client.get(response["Location"]).content.decode()


def test_a_mapping_without_a_required_column_is_refused(world, client):
    client.force_login(world.gijs)
    response = upload(client, world.zuid, import_file("leerlingen.csv"), "l.csv", "csv")
    refused = client.post(response["Location"], {"action": "mapping", "key": "Stamnummer"})
    assert refused.status_code == 422
    assert not ImportMapping.objects.exists()


@pytest.mark.parametrize("who", ["anna", "carla", "gijs"])
def test_only_the_schools_administrator_reaches_the_pages(world, client, who):
    client.force_login(getattr(world, who))
    for name in ("administration:import", "administration:role_proposals"):
        assert client.get(reverse(name, args=[world.noord.pk])).status_code == 404
    assert AuditEntry.objects.filter(action="import.preview").count() == 0


def test_another_schools_upload_is_not_found(world, client):
    client.force_login(world.dirk)
    response = upload(client, world.noord, import_file("nl.xml"))
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    client.force_login(world.gijs)
    url = reverse("administration:import_preview", args=[world.zuid.pk, token])
    assert client.get(url).status_code == 302  # "no longer there": not this school's
    url = reverse("administration:import_preview", args=[world.noord.pk, token])
    assert client.get(url).status_code == 404


def test_anonymous_is_sent_to_log_in(world, client):
    response = client.get(reverse("administration:import", args=[world.noord.pk]))
    assert response.status_code == 302 and "?next=/schools/" in response["Location"]


def test_role_proposals_confirmed_on_their_page(world, client, django_assert_max_num_queries):
    client.force_login(world.dirk)
    response = upload(client, world.noord, import_file("nl.xml"))
    client.post(response["Location"], {"action": "apply"})
    home = client.get("/")
    assert "1 proposed role to decide" in home.content.decode()
    url = reverse("administration:role_proposals", args=[world.noord.pk])
    with django_assert_max_num_queries(10):
        page = client.get(url)
    assert "Confirm for Ilse Zorgvlied" in page.content.decode()
    ilse = Membership.objects.get(source_key="LK-03")
    assert ilse.role == Role.TEACHER  # not granted by the file
    proposal = RoleProposal.objects.get()
    assert client.post(url, {"proposal": proposal.pk, "decision": "confirm"}).status_code == 302
    ilse.refresh_from_db()
    assert ilse.role == Role.CARE_COORDINATOR
    entry = AuditEntry.objects.get(action="role.confirm")
    assert (entry.username, entry.details["role"]) == ("dirk", "care_coordinator")
    # Decided: a second post finds no open proposal.
    assert client.post(url, {"proposal": proposal.pk, "decision": "decline"}).status_code == 404
    assert json.loads(json.dumps(entry.details))["username"] == ilse.user.username


def test_a_partial_upload_marks_nobody_left(world, client):
    client.force_login(world.dirk)
    response = client.post(
        reverse("administration:import", args=[world.noord.pk]),
        {
            "kind": "edexml",
            "partial": "on",
            "file": SimpleUploadedFile("x.xml", import_file("nl.xml")),
        },
    )
    preview = client.get(response["Location"]).content.decode()
    assert "Pupils who left the school" not in preview
    assert "nobody is marked as left for missing from it" in preview
