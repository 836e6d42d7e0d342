"""The demo: two fictional schools, one Dutch and one Flemish, with groups, pupils and staff.

Every name here is invented. Pupil names are random combinations of common first names and
surnames; the schools carry "(demo)" in their names so nobody mistakes them for real ones.
"""

from __future__ import annotations

import datetime
import random
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation

from hechtwijzer.administration import actions, imports
from hechtwijzer.schools.models import DemoLogin, Membership, Role, School, current_school_year

from .cycle import add_cycle_card
from .handover import add_handover
from .meetings import add_meetings
from .observations import add_observations
from .parents import add_parent_contact
from .plans import add_focus_cards
from .referrals import add_referrals
from .safeguarding import add_safeguarding_record
from .transfer import add_transfer

User = get_user_model()

FIRST_NAMES = [
    "Noor",
    "Daan",
    "Emma",
    "Sem",
    "Julia",
    "Lucas",
    "Mila",
    "Finn",
    "Tess",
    "Levi",
    "Sara",
    "Milan",
    "Zoë",
    "Liam",
    "Lotte",
    "Noah",
    "Fleur",
    "Jesse",
    "Lieke",
    "Thijs",
    "Amira",
    "Bram",
    "Yara",
    "Mees",
    "Elin",
    "Ruben",
    "Nina",
    "Stijn",
    "Hanna",
    "Owen",
    "Ilse",
    "Jens",
    "Lina",
    "Wout",
    "Fenna",
    "Rayan",
    "Roos",
    "Senne",
    "Marit",
    "Ilias",
    "Febe",
    "Lars",
    "Anouk",
    "Warre",
    "Jade",
    "Tibo",
    "Elif",
    "Cas",
    "Nora",
    "Mats",
]
LAST_NAMES = [
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "Bos",
    "Vos",
    "Peeters",
    "Maes",
    "Claes",
    "Goossens",
    "Wouters",
    "Jacobs",
    "Mertens",
    "Willems",
    "Dekker",
    "Brouwer",
    "van Dijk",
    "Hendriks",
    "Dijkstra",
    "Kok",
    "Verhoeven",
    "Aydın",
    "El Amrani",
    "Nguyen",
    "Koster",
    "Prins",
    "Huisman",
    "Kuipers",
    "Lambrechts",
    "Desmet",
    "Van den Broeck",
    "Verbruggen",
    "Hermans",
    "Pauwels",
    "Smeets",
    "Timmermans",
]


@dataclass(frozen=True)
class DemoSchool:
    key: str
    name: str
    country: str
    groups: tuple[tuple[str, int], ...]  # (name, age the pupils turn during the school year)
    coordinator: tuple[str, str, str]  # username suffix, first name, last name
    admin: tuple[str, str, str]
    teachers: tuple[tuple[str, str], ...]  # one (first, last) per group
    # Fictional codes of the administration systems (imports match the school by them): no
    # real school has BRIN 99ZZ or instellingsnummer 999901.
    brin: str = ""
    dependance: str = ""
    institution_number: str = ""


DEMO_SCHOOLS = (
    DemoSchool(
        key="fluitekruid",
        name="Basisschool De Fluitekruid (demo)",
        country="NL",
        groups=(("Groep 3", 7), ("Groep 5", 9), ("Groep 7", 11)),
        coordinator=("ib", "Marloes", "Terpstra"),
        admin=("admin", "Jeroen", "Hofstede"),
        teachers=(("Sanne", "Verbeek"), ("Koen", "Lindeboom"), ("Esther", "Roelofsen")),
        brin="99ZZ",
        dependance="00",
    ),
    DemoSchool(
        key="klaproos",
        name="Vrije Basisschool De Klaproos (demo)",
        country="BE",
        groups=(("2de leerjaar", 8), ("4de leerjaar", 10), ("6de leerjaar", 12)),
        coordinator=("zoco", "Griet", "Vanhoutte"),
        admin=("admin", "Pieter", "Declercq"),
        teachers=(("Evelien", "Schepens"), ("Bart", "Van Acker"), ("Lien", "Moerman")),
        institution_number="999901",
    ),
)


class NotADemoDatabase(Exception):
    """The database holds data that `hechtwijzer demo` did not create."""


def holds_other_data() -> bool:
    return (
        School.objects.filter(is_demo=False).exists()
        or User.objects.filter(demo_login__isnull=True).exists()
    )


def is_loaded() -> bool:
    return School.objects.filter(is_demo=True).count() == len(DEMO_SCHOOLS)


# Letters and digits that cannot be mistaken for each other when read off a screen.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105


def _draw() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(12))  # about 69 bits


def _password(account: User) -> str:
    """A random password the configured validators accept for this account.

    Random letters now and then resemble one of the account's own attributes: the similarity
    validator compares the password's letters with each part of the e-mail address, and
    "xaLpsTeFE9Mj" holds every letter of "example". About one draw in 20,000 is refused
    (measured over 20,000 draws for the demo's account names); rare, but the test suite loads
    the demo often enough that create_staff_member's refusal stopped a run. So draw again.
    """
    while True:
        candidate = _draw()
        try:
            validate_password(candidate, account)
        except ValidationError:
            continue
        return candidate


def _staff(school, username, first, last, role, groups=(), source_key=""):
    # A reserved domain (RFC 2606): the demo's reminders and notices go nowhere real; in
    # development the console shows them (`hechtwijzer daily`).
    email = f"{username}@demo.example"
    password = _password(User(username=username, first_name=first, last_name=last, email=email))
    membership = actions.create_staff_member(
        actor=None,
        school=school,
        username=username,
        first_name=first,
        last_name=last,
        email=email,
        role=role,
        password=password,
        groups=groups,
        source_key=source_key,
    )
    DemoLogin.objects.create(user=membership.user, password=password)
    return membership


def _birth_date(rng: random.Random, school_year: int, turns: int) -> datetime.date:
    """A birthday such that the pupil turns `turns` in the calendar year the school year ends."""
    year = school_year + 1 - turns
    start = datetime.date(year, 1, 1)
    return start + datetime.timedelta(days=rng.randrange(365))


def load() -> None:
    """Create the demo schools (once). Refuses when the database holds anything else."""
    if holds_other_data():
        raise NotADemoDatabase
    if is_loaded():
        return
    year = current_school_year()
    today = timezone.localdate()
    # The demo's stored texts (the first line of a passed-on concern, say) are Dutch, whatever
    # language the caller happens to have active (a test run left English active once).
    with translation.override("nl"), transaction.atomic():
        for spec in DEMO_SCHOOLS:
            rng = random.Random(spec.key)  # noqa: S311  (names only; ids and passwords use secrets)
            school = School.objects.create(
                name=spec.name,
                country=spec.country,
                # The Dutch demo school lies in the middle region (school holidays).
                holiday_region="middle" if spec.country == "NL" else "",
                is_demo=True,
                brin=spec.brin,
                dependance=spec.dependance,
                institution_number=spec.institution_number,
            )
            groups = []
            teachers = []
            # The keys an administration system's export would give them (imports match by
            # them; `hechtwijzer import edexml`).
            pupil_number = 0
            for (group_name, turns), (first, last) in zip(spec.groups, spec.teachers, strict=True):
                number = "".join(ch for ch in group_name if ch.isdigit())
                group = actions.create_group(
                    actor=None,
                    school=school,
                    name=group_name,
                    school_year=year,
                    source_key=f"GRP-{number}",
                    year_level=number if spec.country == "NL" else str(int(number) + 2),
                )
                groups.append(group)
                teachers.append(
                    _staff(
                        school,
                        f"{spec.key}.{'groep' if spec.country == 'NL' else 'leerjaar'}{number}",
                        first,
                        last,
                        Role.TEACHER,
                        [group],
                        source_key=f"LK-{number}",
                    )
                )
                for _ in range(rng.randint(19, 22)):
                    pupil_number += 1
                    actions.create_pupil(
                        actor=None,
                        school=school,
                        group=group,
                        first_name=rng.choice(FIRST_NAMES),
                        last_name=rng.choice(LAST_NAMES),
                        date_of_birth=_birth_date(rng, year, turns),
                        source_key=f"LL-{pupil_number:04d}",
                    )
            # The last import proposed the third teacher as a second care coordinator (the
            # file's IB or zorg role): the administrator decides (Beheer, role proposals).
            imports.propose_role(
                actor=None,
                membership=teachers[-1],
                role=Role.CARE_COORDINATOR,
                source_codes="IB" if spec.country == "NL" else "ZORG",
            )
            suffix, first, last = spec.coordinator
            _staff(school, f"{spec.key}.{suffix}", first, last, Role.CARE_COORDINATOR)
            suffix, first, last = spec.admin
            _staff(school, f"{spec.key}.{suffix}", first, last, Role.SCHOOL_ADMIN)
            # About ten weeks of observations and a few care factors, once everyone exists.
            chosen = add_observations(
                school,
                spec.key,
                today=today,
                rng=random.Random(f"{spec.key}.observations"),  # noqa: S311
            )
            # Focus cards for three of the pupils with a clear picture: one evaluated once,
            # one overdue, one just started.
            add_focus_cards(chosen, today=today)
            # One pupil without a picture whose card is due today, with enough observed days
            # before and during it for the evaluation's rates (the e2e care cycle's pupil).
            add_cycle_card(school, chosen, today=today)
            # A parent conversation about the newest card, and the parents' consent on it.
            add_parent_contact(chosen, today=today)
            # A transfer report being prepared for the pupil whose card was evaluated once.
            add_transfer(chosen, today=today)
            # A safeguarding record worked through the school's route, for the care
            # coordinator only.
            add_safeguarding_record(school, spec.key, chosen, today=today)
            # A care-team meeting held last week (minutes, a decision) and one planned.
            add_meetings(school, chosen, today=today)
            # Referrals to care partners: one sent with a working link, one answered.
            add_referrals(school, chosen, today=today)
            # Last year's warm handover for the pupil whose card was evaluated.
            add_handover(school, chosen)


def describe() -> dict:
    """The demo's accounts and pupils, in the shape `hechtwijzer demo --json` prints."""
    accounts = [
        {
            "username": m.user.username,
            "password": m.user.demo_login.password,
            "role": m.role,
            "school": m.school.name,
            "groups": [g.name for g in m.groups.all()],
        }
        for m in Membership.objects.filter(school__is_demo=True)
        .select_related("user__demo_login", "school")
        .prefetch_related("groups")
        .order_by("school__name", "role", "user__username")
    ]
    groups = []
    for school in School.objects.filter(is_demo=True).prefetch_related("groups__pupils"):
        for group in sorted(school.groups.all(), key=lambda g: g.name):
            groups.append(
                {
                    "name": group.name,
                    "school": school.name,
                    "pupils": [
                        {
                            "public_id": p.public_id,
                            "first_name": p.first_name,
                            "last_name": p.last_name,
                        }
                        for p in group.pupils.all()  # in the model's (Dutch) name order
                    ],
                }
            )
    return {"accounts": accounts, "groups": groups}
