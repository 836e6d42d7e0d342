"""Demo care-team meetings (leerlingbespreking in the Dutch school, MDO in the Flemish one).

Per school: one meeting held last week about the pupil whose card was evaluated, with minutes
and a decision for the group's teacher, due next week; and one planned for later this week
with two pupils on the agenda (the overdue card and the card that just started). The care
coordinator plans and writes; the teachers of the pupils attend. All through
`meetings.actions`, as in real use; every text is fictional.
"""

# Scripted texts: one line each.
# ruff: noqa: E501

from __future__ import annotations

import datetime

from django.utils import timezone

from hechtwijzer.meetings import actions
from hechtwijzer.schools.models import Membership, Pupil, Role, School

from .plans import _teacher


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 15)))


def add_meetings(school: School, chosen: dict[str, Pupil], *, today: datetime.date) -> None:
    coordinator = (
        Membership.objects.filter(school=school, role=Role.CARE_COORDINATOR)
        .select_related("user")
        .first()
        .user
    )
    word = "MDO" if school.country == "BE" else "Leerlingbespreking"
    held_pupil = chosen.get("disinhibited")
    if held_pupil is not None:
        teacher = _teacher(held_pupil)
        held = actions.create_meeting(
            actor=coordinator,
            school=school,
            starts_at=_at(today - datetime.timedelta(days=7), 14),
            title=f"{word} na de evaluatie",
            attendees=[teacher],
        )
        item = actions.add_to_agenda(
            actor=coordinator,
            meeting=held,
            pupil=held_pupil,
            question="Op het plein blijft het lastig: wat kan de pleinwacht doen?",
        )
        actions.write_minutes(
            actor=coordinator,
            item=item,
            text="In de klas gaat het beter sinds de vaste plek bij de deur. Op het plein zoekt het kind nog steeds volwassenen op die het niet kent. Afgesproken: één vaste pleinwacht als aanspreekpunt.",
            version=item.minutes_version,
        )
        actions.add_decision(
            actor=coordinator,
            item=item,
            what="Met de pleinwacht afspreken wie het vaste aanspreekpunt is.",
            owner=teacher,
            due_on=today + datetime.timedelta(days=7),
        )
        actions.mark_held(actor=coordinator, meeting=held)
    planned_pupils = [p for p in (chosen.get("inhibited"), chosen.get("ambivalent")) if p]
    if planned_pupils:
        planned = actions.create_meeting(
            actor=coordinator,
            school=school,
            starts_at=_at(today + datetime.timedelta(days=3), 15),
            title=word,
            attendees=[_teacher(p) for p in planned_pupils],
        )
        questions = [
            "De evaluatie is over tijd: hoe verder met de kaart?",
            "Het afscheid 's ochtends blijft moeilijk: een gesprek met de ouders?",
        ]
        for pupil, question in zip(planned_pupils, questions, strict=False):
            actions.add_to_agenda(
                actor=coordinator, meeting=planned, pupil=pupil, question=question
            )
