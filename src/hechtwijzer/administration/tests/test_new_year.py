"""The new school year: the step in Beheer (map groups, choose teachers, preview, apply) and
next year's import file. Pupils move with everything they have; the previous teacher keeps the
pupil until the year starts and reads on (never changes) for the weeks the school set."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied

from hechtwijzer import access
from hechtwijzer.access import Perm
from hechtwijzer.administration import actions, year
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.behaviour import actions as behaviour
from hechtwijzer.behaviour.models import BehaviourCard
from hechtwijzer.care import actions as care
from hechtwijzer.care.models import PupilFactor
from hechtwijzer.holidays import first_school_day
from hechtwijzer.observations import actions as observe
from hechtwijzer.observations.models import Observation
from hechtwijzer.plans import actions as plans
from hechtwijzer.plans.models import FocusCard
from hechtwijzer.schools.models import (
    Group,
    Membership,
    Pupil,
    PupilStatus,
    School,
    current_school_year,
)
from hechtwijzer.testing import PASSWORD, build_world

from .test_import import counts

YEAR = current_school_year()


def records(pupil):
    return (
        Observation.objects.filter(pupil=pupil).count(),
        FocusCard.objects.filter(pupil=pupil).count(),
        BehaviourCard.objects.filter(pupil=pupil).count(),
        PupilFactor.objects.filter(pupil=pupil).count(),
    )


@pytest.fixture
def world(db):
    w = build_world()
    today = datetime.date.today()
    for day in (today, today - datetime.timedelta(days=1)):
        observe.log_observation(
            actor=w.anna, pupil=w.piet, signals=["concentration"], observed_on=day
        )
    plans.start_card(actor=w.anna, pupil=w.piet)
    behaviour.start_card(actor=w.anna, pupil=w.piet, goals=["Ik vraag om hulp"])
    care.record_factor(actor=w.carla, pupil=w.piet, kind="protective", code="warm_stable_parenting")
    w.group8 = actions.create_group(actor=None, school=w.noord, name="Groep 8", school_year=YEAR)
    w.kees = actions.create_pupil(
        actor=None,
        school=w.noord,
        group=w.group8,
        first_name="Kees",
        last_name="Testkind",
        date_of_birth=datetime.date(2014, 2, 2),
    )
    w.bram_member = Membership.objects.get(user=w.bram, school=w.noord)
    return w


def steps_for(w):
    groups = {g.name: g for g in year.groups_ending(w.noord, YEAR)}
    return [
        year.Step(groups["Groep 3"], "Groep 4", [w.bram_member.pk]),
        year.Step(groups["Groep 5"], "Groep 6", []),
        year.Step(groups["Groep 8"], ""),
    ]


def fresh(user):
    return type(user).objects.get(pk=user.pk)  # no cached memberships


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Groep 3", "Groep 4"),
        ("groep 7b", "groep 8b"),
        ("Groep 8", ""),
        ("3de leerjaar", "4de leerjaar"),
        ("1ste leerjaar", "2de leerjaar"),
        ("6de leerjaar A", ""),
        ("Vlinders", "Vlinders"),
    ],
)
def test_next_year_names(name, expected):
    assert year.next_group_name(name) == expected


def test_the_preview_counts_what_the_run_does_and_nothing_is_lost(world):
    w = world
    before = {p.pk: records(p) for p in Pupil.objects.all()}
    assert before[w.piet.pk] == (2, 1, 1, 1)
    preview = year.plan(w.noord, YEAR, steps_for(w))
    assert preview.counts() == {
        "groups_created": 2,
        "groups_existing": 0,
        "pupils_moved": 3,  # Piet, Lara (groep 3; Sem left before) and Mo (groep 5)
        "pupils_leaving": 1,  # Kees (groep 8)
        "teachers": 1,
    }
    assert Group.objects.filter(school_year=YEAR + 1).count() == 0  # a preview writes nothing
    carried = year.apply(actor=w.dirk, school=w.noord, year=YEAR, steps=steps_for(w))
    assert carried.counts() == preview.counts()

    assert {p.pk: records(p) for p in Pupil.objects.all()} == before
    piet = Pupil.objects.select_related("group").get(pk=w.piet.pk)
    assert (piet.group.name, piet.group.school_year) == ("Groep 4", YEAR + 1)
    assert piet.previous_group_id == w.group3.pk
    assert Pupil.objects.get(pk=w.mo.pk).group.name == "Groep 6"
    kees = Pupil.objects.get(pk=w.kees.pk)
    assert (kees.status, kees.left_on) == (PupilStatus.LEFT, datetime.date.today())
    # Bram teaches next year's groep 4 and keeps this year's groep 5.
    assert {g.name for g in Membership.objects.get(pk=w.bram_member.pk).groups.all()} == {
        "Groep 5",
        "Groep 4",
    }
    entry = AuditEntry.objects.get(action="school_year.start")
    assert (entry.username, entry.details["pupils_moved"], entry.details["to"]) == (
        "dirk",
        3,
        YEAR + 1,
    )
    assert AuditEntry.objects.filter(action="pupil.change", username="dirk").count() == 4


def test_the_run_is_one_transaction(world):
    w = world
    failing = mock.patch.object(actions, "update_staff_member", side_effect=RuntimeError("boom"))
    with failing, pytest.raises(RuntimeError):
        year.apply(actor=w.dirk, school=w.noord, year=YEAR, steps=steps_for(w))
    assert Group.objects.filter(school_year=YEAR + 1).count() == 0
    assert Pupil.objects.get(pk=w.piet.pk).group_id == w.group3.pk
    assert not AuditEntry.objects.filter(action="school_year.start").exists()


def test_only_the_schools_administrator_runs_it(world):
    w = world
    for actor in (w.anna, w.carla, w.gijs):
        with pytest.raises(PermissionDenied):
            year.apply(actor=actor, school=w.noord, year=YEAR, steps=steps_for(w))


def at(day):
    return mock.patch("hechtwijzer.access._today", return_value=day)


def test_the_previous_teacher_before_during_and_after_the_read_on_weeks(world):
    w = world
    School.objects.filter(pk=w.noord.pk).update(former_teacher_weeks=2)
    year.apply(actor=w.dirk, school=w.noord, year=YEAR, steps=steps_for(w))
    piet = Pupil.objects.select_related("group", "school").get(pk=w.piet.pk)
    start = first_school_day("NL", "", YEAR + 1)

    # Before the new year: Anna keeps her pupils; Bram does not have them yet.
    anna, bram = fresh(w.anna), fresh(w.bram)
    for perm in (Perm.VIEW_PUPIL, Perm.OBSERVE, Perm.KEEP_FOCUS_CARD):
        assert access.allows(anna, perm, piet)
        assert not access.allows(bram, perm, piet)
    assert piet in access.pupils_for(anna)
    assert piet not in access.pupils_for(bram)
    assert set(access.staff_for(piet)) >= {anna} and bram not in set(access.staff_for(piet))
    assert not access.groups_for(bram).filter(school_year=YEAR + 1).exists()

    # The first weeks of the new year: Bram has Piet; Anna reads, changes nothing.
    with at(start + datetime.timedelta(days=3)):
        anna, bram = fresh(w.anna), fresh(w.bram)
        assert access.allows(anna, Perm.VIEW_PUPIL, piet)
        for perm in (Perm.OBSERVE, Perm.KEEP_FOCUS_CARD, Perm.KEEP_CLASS_TOOLS):
            assert not access.allows(anna, perm, piet)
            assert access.allows(bram, perm, piet)
        assert piet in access.pupils_for(anna)
        assert piet not in access.pupils_for(anna, Perm.OBSERVE)
        assert {anna, bram} <= set(access.staff_for(piet))
        assert anna not in set(access.staff_for(piet, Perm.OBSERVE))
        assert access.groups_for(bram).filter(name="Groep 4", school_year=YEAR + 1).exists()

    # After the weeks the school set: Anna no longer has Piet.
    with at(start + datetime.timedelta(weeks=2)):
        anna = fresh(w.anna)
        assert not access.allows(anna, Perm.VIEW_PUPIL, piet)
        assert piet not in access.pupils_for(anna)
        assert anna not in set(access.staff_for(piet))


def test_without_read_on_weeks_access_ends_with_the_new_year(world):
    w = world
    year.apply(actor=w.dirk, school=w.noord, year=YEAR, steps=steps_for(w))
    piet = Pupil.objects.select_related("group", "school").get(pk=w.piet.pk)
    with at(datetime.date(YEAR + 1, 8, 1)):
        assert not access.allows(fresh(w.anna), Perm.VIEW_PUPIL, piet)
        assert access.allows(fresh(w.bram), Perm.VIEW_PUPIL, piet)


def test_read_only_scopes_serve_reading_permissions_only():
    for perm, table in access.POLICY.items():
        for scopes in table.values():
            if access.READ_ONLY_SCOPES & set(scopes):
                assert perm in access.READING_PERMISSIONS, perm


def test_the_previous_teacher_reads_the_pupil_page_but_cannot_log(world, client):
    w = world
    School.objects.filter(pk=w.noord.pk).update(former_teacher_weeks=4)
    year.apply(actor=w.dirk, school=w.noord, year=YEAR, steps=steps_for(w))
    client.login(username="anna", password=PASSWORD)
    with at(first_school_day("NL", "", YEAR + 1)):
        page = client.get(f"/pupils/{w.piet.public_id}/")
        assert page.status_code == 200
        assert f"/pupils/{w.piet.public_id}/observe/" not in page.content.decode()
        assert client.get(f"/pupils/{w.piet.public_id}/observe/").status_code == 404


# --- the page in Beheer --------------------------------------------------------------------


def url(school):
    return f"/schools/{school.pk}/new-year/"


def form_data(w, action):
    groups = {g.name: g for g in year.groups_ending(w.noord, YEAR)}
    return {
        "action": action,
        "former_teacher_weeks": "3",
        f"to_{groups['Groep 3'].pk}": "Groep 4",
        f"teachers_{groups['Groep 3'].pk}": [str(w.bram_member.pk)],
        f"to_{groups['Groep 5'].pk}": "Groep 6",
        f"to_{groups['Groep 8'].pk}": "",
    }


def test_the_page_suggests_next_years_groups(world, client, django_assert_max_num_queries):
    client.login(username="dirk", password=PASSWORD)
    with django_assert_max_num_queries(12):
        page = client.get(url(world.noord))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'value="Groep 4"' in text and 'value="Groep 6"' in text


def test_preview_then_apply_on_the_page(world, client, django_assert_max_num_queries):
    w = world
    client.login(username="dirk", password=PASSWORD)
    with django_assert_max_num_queries(16):
        preview = client.post(url(w.noord), form_data(w, "preview"))
    assert preview.status_code == 200
    assert Group.objects.filter(school_year=YEAR + 1).count() == 0
    entry = AuditEntry.objects.get(action="school_year.preview")
    assert (entry.username, entry.details["pupils_moved"]) == ("dirk", 3)
    assert "Bram Test" in preview.content.decode()

    applied = client.post(url(w.noord), form_data(w, "apply"))
    assert applied.status_code == 302
    assert Pupil.objects.get(pk=w.piet.pk).group.name == "Groep 4"
    assert School.objects.get(pk=w.noord.pk).former_teacher_weeks == 3
    assert AuditEntry.objects.filter(action="school.change").exists()


def test_the_page_is_for_the_schools_administrator_only(world, client):
    w = world
    for username in ("anna", "carla", "gijs"):
        client.login(username=username, password=PASSWORD)
        assert client.get(url(w.noord)).status_code in (403, 404), username
        assert client.post(url(w.noord), form_data(w, "apply")).status_code in (403, 404)
    assert Group.objects.filter(school_year=YEAR + 1).count() == 0


# --- next year's import file ---------------------------------------------------------------

NEXT_YEAR_FILE = """<?xml version="1.0" encoding="UTF-8"?>
<!-- Fictional test data. -->
<EDEX>
  <school>
    <schooljaar>{label}</schooljaar>
    <brincode>99XA</brincode>
    <dependancecode>00</dependancecode>
    <xsdversie>2.1</xsdversie>
  </school>
  <groepen>
    <groep key="GRP-4-NEXT"><naam>Groep 4</naam><jaargroep>4</jaargroep></groep>
  </groepen>
  <leerlingen>
    <leerling key="LL-PIET">
      <achternaam>Testkind</achternaam>
      <roepnaam>Piet</roepnaam>
      <geboortedatum>2019-03-14</geboortedatum>
      <jaargroep>4</jaargroep>
      <groep key="GRP-4-NEXT"/>
    </leerling>
  </leerlingen>
  <leerkrachten>
    <leerkracht key="LK-NEXT">
      <achternaam>Beukenhof</achternaam>
      <roepnaam>Wim</roepnaam>
      <emailadres>w.beukenhof@school.example</emailadres>
      <groepen><groep key="GRP-4-NEXT"/></groepen>
    </leerkracht>
  </leerkrachten>
</EDEX>
"""


def test_next_years_file_creates_next_years_groups_and_moves_the_pupils(world, tmp_path):
    w = world
    School.objects.filter(pk=w.noord.pk).update(brin="99XA", dependance="00")
    before = records(w.piet)
    data = NEXT_YEAR_FILE.format(label=f"{YEAR + 1}-{YEAR + 2}").encode()
    result = counts(tmp_path, data, "--partial")
    assert result["groups"]["created"] == 1 and result["pupils"]["updated"] == 1
    piet = Pupil.objects.select_related("group", "school").get(pk=w.piet.pk)
    assert (piet.group.name, piet.group.school_year) == ("Groep 4", YEAR + 1)
    assert piet.previous_group_id == w.group3.pk
    assert records(piet) == before
    # This year's groups are left alone, and Anna keeps Piet until the new year starts.
    assert Group.objects.filter(pk=w.group3.pk, school_year=YEAR).exists()
    assert access.allows(fresh(w.anna), Perm.KEEP_FOCUS_CARD, piet)
    wim = Membership.objects.get(school=w.noord, source_key="LK-NEXT").user
    assert not access.allows(fresh(wim), Perm.VIEW_PUPIL, piet)
    with at(first_school_day("NL", "", YEAR + 1)):
        assert access.allows(fresh(wim), Perm.KEEP_FOCUS_CARD, piet)
        assert not access.allows(fresh(w.anna), Perm.VIEW_PUPIL, piet)
    # A second run changes nothing.
    again = counts(tmp_path, data, "--partial")
    assert again["pupils"]["unchanged"] == 1 and again["groups"]["unchanged"] == 1


def test_the_previous_teacher_finds_last_years_pupils_on_the_home_page(world, client):
    w = world
    School.objects.filter(pk=w.noord.pk).update(former_teacher_weeks=3)
    year.apply(actor=w.dirk, school=w.noord, year=YEAR, steps=steps_for(w))
    start = first_school_day("NL", "", YEAR + 1)
    client.login(username="anna", password=PASSWORD)
    with (
        at(start),
        mock.patch("hechtwijzer.web.views.current_school_year", return_value=YEAR + 1),
    ):
        page = client.get("/").content.decode()
    assert "Piet Testkind" in page and "Lara Testkind" in page
    # Without read-on weeks the list is not there (and costs no query).
    School.objects.filter(pk=w.noord.pk).update(former_teacher_weeks=0)
    with (
        at(start),
        mock.patch("hechtwijzer.web.views.current_school_year", return_value=YEAR + 1),
    ):
        page = client.get("/").content.decode()
    assert "Piet Testkind" not in page
