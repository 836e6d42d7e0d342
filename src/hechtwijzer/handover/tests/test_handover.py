"""The warm handover: the teacher writes it, the next teacher meets it on the pupil page until
they mark it read (per user), what works comes from the evaluation and the behaviour card, and
every read and write is on the audit trail."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from hechtwijzer import access
from hechtwijzer.access import Perm, allows
from hechtwijzer.administration import actions as admin
from hechtwijzer.administration import year
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.behaviour import actions as behaviour
from hechtwijzer.handover import actions, queries
from hechtwijzer.handover.models import Acknowledgement, Handover
from hechtwijzer.holidays import first_school_day
from hechtwijzer.locking import StaleVersion
from hechtwijzer.plans import actions as plans
from hechtwijzer.schools.models import Membership, Pupil, current_school_year
from hechtwijzer.testing import PASSWORD, build_world

YEAR = current_school_year()
TEXT = "Begroet hem bij de deur en geef hem een vaste plek vooraan."


@pytest.fixture
def world(db):
    w = build_world()
    today = datetime.date.today()
    plans.start_card(
        actor=w.anna,
        pupil=w.piet,
        period_start=today - datetime.timedelta(weeks=6),
        evaluation_due=today,
    )
    card = plans.set_column(
        actor=w.anna,
        pupil=w.piet,
        measure_code="sticordi_01",
        column="trying",
        value=True,
        seen=False,
    )
    own = plans.add_own_measure(actor=w.anna, pupil=w.piet, text="Samen de dag doornemen")
    plans.set_column(
        actor=w.anna,
        pupil=w.piet,
        measure_code="sticordi_02",
        column="trying",
        value=True,
        seen=False,
    )
    card.refresh_from_db()
    plans.evaluate(
        actor=w.anna,
        card=card,
        outcomes={
            "sticordi_01": ("worked", ""),
            "sticordi_02": ("did_not_work", ""),
            f"own:{own.uid}": ("worked", ""),
        },
        decision="continue",
        referrals=[],
        next_evaluation=today + datetime.timedelta(weeks=6),
        today=today,
    )
    behaviour.start_card(
        actor=w.anna, pupil=w.piet, goals=["Ik vraag om hulp", "Ik wacht op mijn beurt"]
    )
    return w


def url(pupil, rest=""):
    return f"/pupils/{pupil.public_id}/handover/{rest}"


def write_last_year(w, text=TEXT):
    """Anna's handover, as written before the summer (last school year)."""
    handover = actions.write(actor=w.anna, pupil=w.piet, start_with=text)
    Handover.objects.filter(pk=handover.pk).update(school_year=YEAR - 1)
    handover.refresh_from_db()
    return handover


def test_writing_and_changing_the_handover(world):
    w = world
    handover = actions.write(actor=w.anna, pupil=w.piet, start_with=TEXT)
    assert (handover.school_year, handover.version, handover.author) == (YEAR, 1, w.anna)
    assert Handover.objects.get(pk=handover.pk).start_with == TEXT  # the column is encrypted
    with connection.cursor() as cursor:
        cursor.execute("SELECT start_with FROM handover_handover WHERE id = %s", [handover.pk])
        assert "Begroet" not in cursor.fetchone()[0]
    changed = actions.write(actor=w.anna, pupil=w.piet, start_with="Anders", expected_version=1)
    assert (changed.pk, changed.version) == (handover.pk, 2)
    with pytest.raises(StaleVersion):
        actions.write(actor=w.anna, pupil=w.piet, start_with="Oud", expected_version=1)
    actions_seen = list(
        AuditEntry.objects.filter(action__startswith="handover.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions_seen == ["handover.write", "handover.change"]
    assert "Begroet" not in str(AuditEntry.objects.filter(action="handover.write").get().details)


def test_only_those_who_keep_the_plan_write_it_and_only_for_a_pupil_with_a_card(world):
    w = world
    for outsider in (w.bram, w.erik, w.dirk):
        with pytest.raises(PermissionDenied):
            actions.write(actor=outsider, pupil=w.piet, start_with=TEXT)
    with pytest.raises(ValidationError):
        actions.write(actor=w.anna, pupil=w.lara, start_with=TEXT)  # no card
    with pytest.raises(ValidationError):
        actions.write(actor=w.anna, pupil=w.piet, start_with="   ")
    assert not Handover.objects.exists()


def test_what_works_comes_from_the_evaluation_and_the_behaviour_card(world):
    works = queries.what_works(world.piet)
    assert [m.code for m in works["measures"]] == ["sticordi_01"]
    assert works["own_measures"] == ["Samen de dag doornemen"]
    assert works["goals"] == ["Ik vraag om hulp", "Ik wacht op mijn beurt"]


def test_the_next_teacher_meets_it_until_they_mark_it_read(world, client):
    w = world
    handover = write_last_year(w)
    # Hugo is this year's teacher of groep 3 (anna wrote it last year).
    hugo = w.hugo
    type(hugo).objects.filter(pk=hugo.pk).update(is_active=True)
    client.login(username="hugo", password=PASSWORD)
    page = client.get(f"/pupils/{w.piet.public_id}/").content.decode()
    assert "handover-box" in page and "vaste plek vooraan" in page
    # The author does not meet their own handover.
    client.login(username="anna", password=PASSWORD)
    assert "handover-box" not in client.get(f"/pupils/{w.piet.public_id}/").content.decode()
    # Marking it read is per user and recorded.
    client.login(username="hugo", password=PASSWORD)
    response = client.post(url(w.piet, "acknowledge/"), {"handover": str(handover.uid)})
    assert response.status_code == 302
    assert Acknowledgement.objects.filter(handover=handover, user=hugo).count() == 1
    assert "handover-box" not in client.get(f"/pupils/{w.piet.public_id}/").content.decode()
    client.post(url(w.piet, "acknowledge/"), {"handover": str(handover.uid)})  # idempotent
    assert AuditEntry.objects.filter(action="handover.acknowledge", username="hugo").count() == 1
    # The care coordinator still meets it until she marks it read herself.
    client.login(username="carla", password=PASSWORD)
    assert "handover-box" in client.get(f"/pupils/{w.piet.public_id}/").content.decode()
    # The handover page keeps it.
    client.login(username="hugo", password=PASSWORD)
    assert "vaste plek vooraan" in client.get(url(w.piet)).content.decode()


def test_the_box_comes_with_the_new_school_year(world, client):
    """Written before the summer, the handover greets next year's teacher after the year step,
    from the day the new year starts."""
    w = world
    actions.write(actor=w.anna, pupil=w.piet, start_with=TEXT)
    bram = Membership.objects.get(user=w.bram, school=w.noord)
    steps = [
        year.Step(g, year.next_group_name(g.name), [bram.pk] if g.pk == w.group3.pk else [])
        for g in year.groups_ending(w.noord, YEAR)
    ]
    year.apply(actor=w.dirk, school=w.noord, year=YEAR, steps=steps)
    client.login(username="bram", password=PASSWORD)
    assert client.get(f"/pupils/{w.piet.public_id}/").status_code == 404  # not his pupil yet
    with mock.patch("hechtwijzer.access._today", return_value=first_school_day("NL", "", YEAR + 1)):
        page = client.get(f"/pupils/{w.piet.public_id}/").content.decode()
    assert "handover-box" in page and "vaste plek vooraan" in page


def test_next_years_teacher_reads_it_before_the_summer(
    world, client, django_assert_max_num_queries
):
    """Placed in bram's group for next year, piet's handover is his to read at once, from his
    start page; piet's record stays closed to him until the new school year starts."""
    w = world
    handover = actions.write(actor=w.anna, pupil=w.piet, start_with=TEXT)
    bram_membership = Membership.objects.get(user=w.bram, school=w.noord)
    steps = [
        year.Step(g, year.next_group_name(g.name), [bram_membership.pk] if g == w.group3 else [])
        for g in year.groups_ending(w.noord, YEAR)
    ]
    year.apply(actor=w.dirk, school=w.noord, year=YEAR, steps=steps)
    piet = Pupil.objects.select_related("group", "school").get(pk=w.piet.pk)
    bram = type(w.bram).objects.get(pk=w.bram.pk)
    assert allows(bram, Perm.READ_HANDOVER, piet)
    assert not allows(bram, Perm.VIEW_PUPIL, piet)
    assert not allows(bram, Perm.KEEP_FOCUS_CARD, piet)
    assert bram in access.staff_for(piet, Perm.READ_HANDOVER)

    client.login(username="bram", password=PASSWORD)
    home = client.get("/").content.decode()
    assert url(w.piet) in home  # lara moved with him but has no card, so no handover
    assert url(w.lara) not in home and "Warme overdracht voor volgend schooljaar" in home
    with django_assert_max_num_queries(16):
        page = client.get(url(w.piet))
    text = page.content.decode()
    assert page.status_code == 200 and "vaste plek vooraan" in text
    assert "Samen de dag doornemen" in text  # what works
    assert f'href="/pupils/{w.piet.public_id}/"' not in text  # not his record yet
    assert 'name="start_with"' not in text  # nor his to write
    assert AuditEntry.objects.filter(action="handover.view", username="bram").count() == 1
    # Lara moved with him but nothing was written for her: her page passes nothing on, not
    # even what works from her record.
    lara = client.get(url(w.lara)).content.decode()
    assert "Er is nog niets geschreven." in lara and 'id="works-heading"' not in lara
    assert 'id="works-heading"' in text
    # Reading only: the record, logging and writing stay closed.
    assert client.get(f"/pupils/{w.piet.public_id}/").status_code == 404
    assert client.get(f"/pupils/{w.piet.public_id}/observe/").status_code == 404
    assert client.post(url(w.piet), {"start_with": "x", "version": "1"}).status_code == 404
    assert Handover.objects.get().start_with == TEXT

    response = client.post(url(w.piet, "acknowledge/"), {"handover": str(handover.uid)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert Acknowledgement.objects.filter(handover=handover, user=w.bram).exists()
    pupils = access.pupils_for(bram, Perm.READ_HANDOVER).filter(group=piet.group)
    assert [(p.pk, p.read) for p in queries.for_next_year(bram, pupils, YEAR)] == [(piet.pk, True)]
    # Read in June, it does not greet him again when the year starts.
    with mock.patch("hechtwijzer.access._today", return_value=first_school_day("NL", "", YEAR + 1)):
        page = client.get(f"/pupils/{w.piet.public_id}/")
    assert page.status_code == 200 and "handover-box" not in page.content.decode()
    # Next year's teacher of another school, or of another group, reads nothing.
    for username in ("erik", "fien"):
        client.login(username=username, password=PASSWORD)
        assert client.get(url(w.piet)).status_code == 404, username


def test_a_teacher_moving_up_with_the_class_is_not_shown_their_own(world, client):
    w = world
    actions.write(actor=w.anna, pupil=w.piet, start_with=TEXT)
    anna_membership = Membership.objects.get(user=w.anna, school=w.noord)
    steps = [
        year.Step(g, year.next_group_name(g.name), [anna_membership.pk] if g == w.group3 else [])
        for g in year.groups_ending(w.noord, YEAR)
    ]
    year.apply(actor=w.dirk, school=w.noord, year=YEAR, steps=steps)
    client.login(username="anna", password=PASSWORD)
    assert url(w.piet) not in client.get("/").content.decode()


def test_the_handover_page(world, client, django_assert_max_num_queries):
    w = world
    client.login(username="anna", password=PASSWORD)
    with django_assert_max_num_queries(16):
        page = client.get(url(w.piet))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Samen de dag doornemen" in text and "Ik wacht op mijn beurt" in text
    assert AuditEntry.objects.filter(action="handover.view", username="anna").count() == 1
    response = client.post(url(w.piet), {"start_with": TEXT})
    assert response.status_code == 302
    handover = Handover.objects.get(pupil=w.piet)
    response = client.post(url(w.piet), {"start_with": "Nieuw", "version": "1"})
    assert response.status_code == 302
    handover.refresh_from_db()
    assert (handover.start_with, handover.version) == ("Nieuw", 2)
    # An empty text is refused on the page.
    assert client.post(url(w.piet), {"start_with": "", "version": "2"}).status_code == 422


def test_access_to_the_handover_pages(world, client):
    w = world
    handover = write_last_year(w)
    # Outside the scope: another group's teacher, another school's staff: 404.
    for username in ("bram", "erik", "fien"):
        client.login(username=username, password=PASSWORD)
        assert client.get(url(w.piet)).status_code == 404, username
        assert client.post(url(w.piet), {"start_with": "x"}).status_code == 404, username
        response = client.post(url(w.piet, "acknowledge/"), {"handover": str(handover.uid)})
        assert response.status_code == 404, username
    # The school administrator does not read care content.
    client.login(username="dirk", password=PASSWORD)
    assert client.get(url(w.piet)).status_code in (403, 404)
    assert not Acknowledgement.objects.exists()
    assert Handover.objects.get().start_with == TEXT


def test_the_previous_teacher_reading_on_cannot_write(world):
    """Read-only access (the new school year's read-on weeks) gives no writing."""
    w = world
    next_group = admin.create_group(actor=None, school=w.noord, name="Groep 4", school_year=YEAR)
    Pupil.objects.filter(pk=w.piet.pk).update(group=next_group, previous_group=w.group3)
    admin.update_group(actor=None, group=w.group3, name="Groep 3", school_year=YEAR - 1)
    w.noord.former_teacher_weeks = 52
    w.noord.save()
    piet = Pupil.objects.select_related("group", "school").get(pk=w.piet.pk)
    anna = type(w.anna).objects.get(pk=w.anna.pk)
    assert allows(anna, Perm.VIEW_PUPIL, piet)
    with pytest.raises(PermissionDenied):
        actions.write(actor=anna, pupil=piet, start_with=TEXT)
    assert Membership.objects.filter(user=w.anna).exists()


def test_the_groups_handover_list(world, client, django_assert_max_num_queries):
    w = world
    actions.write(actor=w.anna, pupil=w.piet, start_with=TEXT)
    client.login(username="anna", password=PASSWORD)
    with django_assert_max_num_queries(8):
        page = client.get(f"/groups/{w.group3.pk}/handovers/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Piet Testkind" in text and "Lara Testkind" not in text  # Lara has no card
    assert AuditEntry.objects.filter(action="handover.list", username="anna").count() == 1
    for username in ("bram", "erik", "dirk"):
        client.login(username=username, password=PASSWORD)
        assert client.get(f"/groups/{w.group3.pk}/handovers/").status_code == 404, username
