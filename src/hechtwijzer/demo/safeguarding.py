"""A worked safeguarding record per demo school, kept by the care coordinator herself.

Besides the concerns teachers pass on (demo.observations: the disclosure and the neglect wait
for a decision; the fear of a parent has one), each school has one record that went through
its route: the Dutch school's intern begeleider mapped the signals of the pupil with a
persistent disinhibited picture and followed the five Meldcode steps to a decision (no report,
help organised) and closed it; the Flemish school's zorgcoördinator discussed the withdrawn,
watchful pupil with the CLB, which talked with the parents and still follows it up.

Only the care coordinator sees these records (`Perm.VIEW_SAFEGUARDING`); teachers and the school
administrator do not, and the access export leaves them out unless the care coordinator
includes them (privacy/export.py). Everything is fictional and describes behaviour only. All
writes go through the domain functions in `care.actions` with the care coordinator as actor.
"""

# Scripted texts: one line each.
# ruff: noqa: E501

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from hechtwijzer.care.actions import close_concern, raise_concern, record_step
from hechtwijzer.observations.models import Observation
from hechtwijzer.schools.models import Membership, Pupil, Role, School

from .observations import _as_if_recorded_on, school_days


@dataclass(frozen=True)
class Step:
    after: int  # school days after the concern was raised
    step: str  # a step code of the school's route (care.models.ROUTE_STEPS)
    consulted: str
    decision: str


@dataclass(frozen=True)
class Record:
    picture: str  # whose record: the pupil of this picture (demo.observations)
    back: int  # school days before the last school day: when the concern was raised
    concern: str
    steps: tuple[Step, ...]
    closed_after: int | None = None  # school days after raising; None: still open


# fmt: off
RECORDS: dict[str, Record] = {
    "fluitekruid": Record(
        picture="disinhibited",
        back=30,
        concern="{naam} zoekt al weken bij elke volwassene contact, ook bij onbekenden op het plein, en gaat daarbij over grenzen. Er is geen verklaring bekend. Vastgelegd om de signalen volgens de meldcode in kaart te brengen.",
        steps=(
            Step(0, "map", "Groepsleerkracht.", "Observaties van de afgelopen weken op een rij gezet en feitelijk beschreven."),
            Step(3, "consult", "Aandachtsfunctionaris; anoniem advies bij Veilig Thuis.", "Geen acute onveiligheid. Advies: in gesprek gaan met de ouders."),
            Step(8, "talk", "Moeder en vader, samen met de groepsleerkracht.", "Ouders zien thuis ook dat {naam} snel contact zoekt; ze staan open voor steun. Over vier weken opnieuw spreken."),
            Step(12, "weigh", "Aandachtsfunctionaris.", "Afwegingskader doorlopen: geen vermoeden van onveiligheid; wel ondersteuning nodig."),
            Step(13, "decide", "Aandachtsfunctionaris en ouders.", "Geen melding. Hulp georganiseerd: de schoolmaatschappelijk werker neemt contact op met de ouders."),
        ),
        closed_after=14,
    ),
    "klaproos": Record(
        picture="inhibited",
        back=25,
        concern="{naam} is al enkele weken stil en teruggetrokken, schrikt van onverwachte geluiden en houdt de deur in de gaten. Vastgelegd om met het CLB te bespreken.",
        steps=(
            Step(2, "clb", "CLB-medewerker van de school.", "Signalen samen overlopen. Het CLB nodigt de ouders uit voor een gesprek."),
            Step(7, "other", "CLB-medewerker, ouders en klastitularis.", "Gesprek met de ouders: een verhuis en een zieke grootouder. Geen zorgen over de veiligheid thuis; het CLB volgt op en bekijkt het over zes weken opnieuw."),
        ),
    ),
}
# fmt: on


def add_safeguarding_record(
    school: School, key: str, chosen: dict[str, Pupil], *, today: datetime.date
) -> None:
    """The school's worked safeguarding record (see the module docstring), once."""
    spec = RECORDS.get(key)
    pupil = chosen.get(spec.picture) if spec else None
    if spec is None or pupil is None:
        return
    days = school_days(today)
    coordinator = (
        Membership.objects.select_related("user")
        .get(school=school, role=Role.CARE_COORDINATOR)
        .user
    )
    raised_on = days[spec.back]
    # The factual signals: the pupil's last three observations up to that day.
    resting_on = Observation.objects.filter(
        pupil=pupil, observed_on__lte=raised_on, withdrawn_at__isnull=True
    ).order_by("-observed_on")[:3]
    concern = raise_concern(
        actor=coordinator,
        pupil=pupil,
        concern=spec.concern.format(naam=pupil.first_name),
        raised_on=raised_on,
        observation_uids=[o.uid for o in resting_on],
    )
    _as_if_recorded_on(concern, raised_on)
    for step in spec.steps:
        done_on = days[spec.back - step.after]
        row = record_step(
            actor=coordinator,
            concern=concern,
            expected_version=concern.version,
            step=step.step,
            done_on=done_on,
            consulted=step.consulted.format(naam=pupil.first_name),
            decision=step.decision.format(naam=pupil.first_name),
        )
        _as_if_recorded_on(row, done_on)
    if spec.closed_after is not None:
        closed_on = days[spec.back - spec.closed_after]
        close_concern(
            actor=coordinator,
            concern=concern,
            expected_version=concern.version,
            closed_on=closed_on,
        )
        # Closed late that afternoon, after its last step (the care coordinator's lists
        # compare these moments).
        closed_at = timezone.make_aware(datetime.datetime.combine(closed_on, datetime.time(16, 45)))
        type(concern).objects.filter(pk=concern.pk).update(closed_at=closed_at)
