"""`hechtwijzer demo`: fictional schools, idempotent, refuses real data, JSON for scripts."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from hechtwijzer.schools.models import Group, Pupil, Role, School


def run_demo(*args):
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_loads_two_schools_with_three_groups_of_about_twenty_pupils():
    data = json.loads(run_demo("--json"))
    schools = School.objects.filter(is_demo=True)
    assert sorted(schools.values_list("country", flat=True)) == ["BE", "NL"]
    assert Group.objects.count() == 6
    for group in data["groups"]:
        assert 18 <= len(group["pupils"]) <= 22
        for pupil in group["pupils"]:
            assert set(pupil) == {"public_id", "first_name", "last_name"}
    roles = {}
    for account in data["accounts"]:
        assert set(account) == {"username", "password", "role", "school", "groups"}
        roles.setdefault(account["school"], []).append(account["role"])
    for school_roles in roles.values():
        assert sorted(school_roles) == sorted(
            [Role.TEACHER] * 3 + [Role.CARE_COORDINATOR, Role.SCHOOL_ADMIN]
        )


@pytest.mark.django_db
def test_it_is_idempotent_and_keeps_the_passwords():
    first = json.loads(run_demo("--json"))
    second = json.loads(run_demo("--json"))
    assert first == second
    assert Pupil.objects.count() == sum(len(g["pupils"]) for g in first["groups"])


@pytest.mark.django_db
def test_a_password_resembling_the_accounts_address_is_drawn_again(monkeypatch):
    """A random draw can resemble the e-mail address (this one holds every letter of
    "example"); the validators would refuse it and stop the load, so the demo draws again."""
    from hechtwijzer.demo import schools

    draws = iter(["xaLpsTeFE9Mj", "Hq7rWz3nVb2k"])
    monkeypatch.setattr(schools, "_draw", lambda: next(draws))
    school = School.objects.create(name="Testschool (demo)", country="NL", is_demo=True)
    membership = schools._staff(school, "fluitekruid.ib", "Ilse", "Bos", Role.CARE_COORDINATOR)

    assert membership.user.demo_login.password == "Hq7rWz3nVb2k"
    assert membership.user.check_password("Hq7rWz3nVb2k")


@pytest.mark.django_db
def test_its_printed_logins_work_and_show_the_right_pupils():
    data = json.loads(run_demo("--json"))
    teacher = next(a for a in data["accounts"] if a["role"] == "teacher")
    coordinator = next(
        a
        for a in data["accounts"]
        if a["role"] == "care_coordinator" and a["school"] == teacher["school"]
    )
    own = next(
        g
        for g in data["groups"]
        if g["name"] == teacher["groups"][0] and g["school"] == teacher["school"]
    )
    other = next(g for g in data["groups"] if g["school"] == teacher["school"] and g is not own)

    client = Client()
    assert client.login(username=teacher["username"], password=teacher["password"])
    page = client.get("/").content.decode()
    assert all(p["public_id"] in page for p in own["pupils"])
    assert not any(p["public_id"] in page for p in other["pupils"])

    client = Client()
    assert client.login(username=coordinator["username"], password=coordinator["password"])
    page = client.get("/").content.decode()
    assert all(p["public_id"] in page for p in own["pupils"] + other["pupils"])


@pytest.mark.django_db
def test_it_refuses_a_database_with_real_data():
    School.objects.create(name="Echte school", country="NL")
    with pytest.raises(CommandError, match="not demo data"):
        run_demo()
    assert not School.objects.filter(is_demo=True).exists()
    assert "not demo data" in run_demo("--if-empty")


@pytest.mark.django_db
def test_it_refuses_a_database_with_a_real_account(django_user_model):
    django_user_model.objects.create_superuser("operator", "", "x" * 12)
    with pytest.raises(CommandError):
        run_demo()


def test_it_sorts_dutch_prefixes_the_dutch_way_and_flemish_ones_the_flemish_way():
    from hechtwijzer.schools.models import surname_sort_key

    names = ["Wouters", "van Dijk", "Van den Broeck", "de Vries", "Bakker"]
    assert sorted(names, key=surname_sort_key) == [
        "Bakker",
        "van Dijk",
        "Van den Broeck",
        "de Vries",
        "Wouters",
    ]


@pytest.mark.django_db
def test_the_care_cycle_pupils_card_shows_rates_at_its_evaluation():
    """demo.cycle: the pupil the e2e care cycle uses (Groep 5, second in name order) has no
    picture, a card due today, and enough observed school days before and during it for the
    evaluation's rates to compare."""
    from django.utils import timezone

    from hechtwijzer.demo.cycle import cycle_pupil
    from hechtwijzer.demo.schools import describe, load
    from hechtwijzer.plans.actions import current_card, signal_figures

    load()
    described = describe()
    for school in School.objects.all():
        pupil = cycle_pupil(school)
        card = current_card(pupil)
        assert card is not None and card.evaluation_due <= timezone.localdate()
        figures = signal_figures(pupil, card.period_start, timezone.localdate())
        assert figures["comparable"], figures["observed_days"]
        assert figures["direction"] == "fewer"
        if school.country == "NL":
            group = next(g for g in described["groups"] if g["name"] == "Groep 5")
            assert group["pupils"][1]["public_id"] == pupil.public_id
