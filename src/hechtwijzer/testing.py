"""Test personas: two schools and the people and pupils every access test needs.

    School "Noord" (NL)                         School "Zuid" (BE)
      group 3: anna (teacher), pupils piet, lara    group 4: erik (teacher), pupil zoe
      group 5: bram (teacher), pupil mo             care coordinator: fien
      care coordinator: carla                        school admin: gijs
      school admin: dirk
      deactivated teacher of group 3: hugo
      pupil sem left the school (was in group 3)

Everyone's password is PASSWORD. Data is built through the domain functions, as in real use.
"""

import datetime
from types import SimpleNamespace

from django.contrib.auth import get_user_model

from hechtwijzer.admin_site import site
from hechtwijzer.administration import actions
from hechtwijzer.schools.models import Role, School, current_school_year

PASSWORD = "correct horse battery staple"  # noqa: S105  (test personas only)


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    year = current_school_year()
    w.noord = School.objects.create(name="Noord", country="NL")
    w.zuid = School.objects.create(name="Zuid", country="BE")
    w.group3 = actions.create_group(actor=None, school=w.noord, name="Groep 3", school_year=year)
    w.group5 = actions.create_group(actor=None, school=w.noord, name="Groep 5", school_year=year)
    w.group4 = actions.create_group(
        actor=None, school=w.zuid, name="4de leerjaar", school_year=year
    )

    def staff(username, school, role, groups=()):
        return actions.create_staff_member(
            actor=None,
            school=school,
            username=username,
            first_name=username.title(),
            last_name="Test",
            email="",
            role=role,
            password=PASSWORD,
            groups=groups,
        ).user

    w.anna = staff("anna", w.noord, Role.TEACHER, [w.group3])
    w.bram = staff("bram", w.noord, Role.TEACHER, [w.group5])
    w.carla = staff("carla", w.noord, Role.CARE_COORDINATOR)
    w.dirk = staff("dirk", w.noord, Role.SCHOOL_ADMIN)
    w.hugo = staff("hugo", w.noord, Role.TEACHER, [w.group3])
    w.erik = staff("erik", w.zuid, Role.TEACHER, [w.group4])
    w.fien = staff("fien", w.zuid, Role.CARE_COORDINATOR)
    w.gijs = staff("gijs", w.zuid, Role.SCHOOL_ADMIN)
    user_model = get_user_model()
    user_model.objects.filter(pk=w.hugo.pk).update(is_active=False)
    w.hugo.refresh_from_db()

    def pupil(first, school, group, born=datetime.date(2019, 3, 14)):
        return actions.create_pupil(
            actor=None,
            school=school,
            group=group,
            first_name=first,
            last_name="Testkind",
            date_of_birth=born,
        )

    w.piet = pupil("Piet", w.noord, w.group3)
    w.lara = pupil("Lara", w.noord, w.group3)
    w.mo = pupil("Mo", w.noord, w.group5)
    w.sem = pupil("Sem", w.noord, w.group3)
    actions.update_pupil(actor=None, pupil=w.sem, status="left", left_on=datetime.date(2026, 7, 1))
    w.zoe = pupil("Zoe", w.zuid, w.group4)
    return w


def admin_state(instance) -> str:
    """The fingerprint an admin change form carries for `instance` (optimistic locking)."""
    return site._registry[type(instance)].record_state(instance)
