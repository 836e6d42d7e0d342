"""The shared modules below the apps: optimistic locking, weeks, and who may import what."""

import ast
import datetime
import pathlib
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.db.models import DateField, Value

from hechtwijzer.locking import (
    StaleVersion,
    check_fingerprint,
    check_version,
    fingerprint,
    lock_version,
)
from hechtwijzer.schools.models import School
from hechtwijzer.weeks import (
    WeekStart,
    friday_of,
    latest_school_day,
    monday_of,
    recent_mondays,
    sunday_of,
    week_number,
    weeks_choice,
)

PACKAGE = pathlib.Path(__file__).resolve().parents[2]
D = datetime.date


# --- locking -------------------------------------------------------------------------------------


def test_check_version_passes_the_current_record_through():
    row = SimpleNamespace(version=3, uid="a")
    assert check_version(row, 3) is row
    assert check_version(row, "a", field="uid") is row
    assert check_version(None, 0, absent=0) is None  # nothing yet, and nothing was seen


@pytest.mark.parametrize(
    ("row", "expected", "options"),
    [
        (SimpleNamespace(version=4), 3, {}),
        (SimpleNamespace(version=3), 3, {"closed": True}),
        (SimpleNamespace(uid="b"), "a", {"field": "uid"}),
        (None, "a", {"field": "uid"}),  # the record the user saw is gone
        (SimpleNamespace(version=1), 0, {"absent": 0}),  # someone created it meanwhile
    ],
)
def test_check_version_refuses_what_changed_and_says_what_is_current(row, expected, options):
    with pytest.raises(StaleVersion) as stale:
        check_version(row, expected, **options)
    assert stale.value.current is row
    assert stale.value.field == options.get("field", "version")


@pytest.mark.django_db
def test_lock_version_reloads_the_row_and_checks_it():
    school = School.objects.create(name="Noord", country="NL")
    with transaction.atomic():
        assert lock_version(School.objects, school.pk, "Noord", field="name") == school
    School.objects.filter(pk=school.pk).update(name="Noord-Oost")
    with transaction.atomic(), pytest.raises(StaleVersion) as stale:
        lock_version(School.objects, school.pk, "Noord", field="name")
    assert stale.value.current.name == "Noord-Oost"


@pytest.mark.django_db
def test_a_fingerprint_changes_with_any_field_and_with_extra():
    school = School.objects.create(name="Noord", country="NL")
    seen = fingerprint(school)
    assert fingerprint(School.objects.get(pk=school.pk)) == seen
    assert fingerprint(school, {"account": "x"}) != seen
    assert check_fingerprint(school, seen) is school
    school.require_two_factor = not school.require_two_factor
    with pytest.raises(StaleVersion) as stale:
        check_fingerprint(school, seen)
    assert stale.value.field == "fingerprint"


# --- weeks ---------------------------------------------------------------------------------------


def test_weeks_run_from_monday_and_carry_the_iso_number():
    sunday = D(2027, 1, 3)  # ISO week 53 of 2026
    assert monday_of(sunday) == D(2026, 12, 28)
    assert sunday_of(sunday) == sunday and friday_of(sunday) == D(2027, 1, 1)
    assert week_number(sunday) == 53 and week_number(D(2027, 1, 4)) == 1
    assert recent_mondays(D(2027, 1, 6), 3) == [D(2026, 12, 21), D(2026, 12, 28), D(2027, 1, 4)]
    assert latest_school_day(sunday) == D(2027, 1, 1)
    assert weeks_choice("12", (4, 8, 12), 8) == 12 and weeks_choice("7", (4, 8, 12), 8) == 8


@pytest.mark.django_db
def test_the_database_finds_the_same_monday():
    School.objects.create(name="Noord", country="NL")
    days = [D(2026, 12, 28) + datetime.timedelta(days=n) for n in range(8)]
    for day in days:
        found = School.objects.annotate(
            week=WeekStart(Value(day, output_field=DateField()))
        ).values_list("week", flat=True)[0]
        if isinstance(found, datetime.datetime):
            found = found.date()
        assert found == monday_of(day), day


# --- who may import what -------------------------------------------------------------------------


def imports_of(app: str) -> dict[str, set[str]]:
    """{file: the hechtwijzer modules it imports}, for the app's code (tests left out)."""
    found = {}
    for path in (PACKAGE / app).rglob("*.py"):
        if "tests" in path.parts:
            continue
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
                if node.module == "hechtwijzer":
                    names.update(f"hechtwijzer.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        found[str(path.relative_to(PACKAGE))] = {n for n in names if n.startswith("hechtwijzer.")}
    return found


def offending(app: str, forbidden: set[str]) -> list[str]:
    return [
        f"{file} imports {name}"
        for file, names in imports_of(app).items()
        for name in sorted(names)
        if name.split(".")[1] in forbidden
    ]


def test_the_lower_apps_import_nothing_from_the_apps_above_them():
    above = {"observations", "care", "behaviour", "plans", "demo", "web"}
    assert offending("schools", above) == []
    assert offending("audit", above | {"accounts"}) == []


def test_nothing_but_the_demo_imports_the_demo():
    users = [
        f"{app.name}: {line}"
        for app in PACKAGE.iterdir()
        if app.is_dir() and app.name != "demo"
        for line in offending(app.name, {"demo"})
    ]
    assert users == []
