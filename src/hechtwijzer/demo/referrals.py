"""Demo referrals to care partners (see demo.plans for the pupils' cards).

Per school: the inhibited pupil (whose card is overdue) was referred today and the link for
the named professional works (the wijkteam at the Dutch school, the CLB at the Flemish one);
the disinhibited pupil (evaluated once) was referred to the youth doctor (Dutch school) or the
CLB (Flemish school), who answered. The teacher drafts and records the parents' consent, the
care coordinator chooses nothing from the safeguarding record and sends. All through the
domain functions; names and texts are fictional.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from hechtwijzer.referrals import actions
from hechtwijzer.schools.models import Membership, Pupil, Role

SENT = {
    "NL": ("wijkteam", "mw. J. Bakker", "Wijkteam Centrum"),
    "BE": ("clb", "mevr. L. Peeters", "Vrij CLB Regio Zuid"),
}
ANSWERED = {
    "NL": ("jeugdarts", "dr. S. Mulder", "GGD, jeugdgezondheidszorg"),
    "BE": ("clb", "dhr. K. Janssens", "Vrij CLB Regio Zuid"),
}
QUESTION_SENT = (
    "In de klas trekt {naam} zich steeds meer terug en zoekt weinig contact, ook na zes weken "
    "met vaste maatregelen.\n\nKunt u met de ouders bekijken welke steun thuis en op school "
    "past?"
)
QUESTION_ANSWERED = (
    "Op het plein loopt het vaak mis en {naam} zoekt snel contact met onbekende volwassenen."
    "\n\nGraag uw kijk op de ontwikkeling van {naam} en of verder onderzoek nodig is."
)
ANSWER = (
    "Kennismaking met ouders en {naam} gehad. Geen aanwijzing voor een medische oorzaak; we "
    "volgen {naam} op en sluiten aan bij het volgende overleg op school."
)


def _staff(pupil: Pupil, role: str):
    members = Membership.objects.filter(school_id=pupil.school_id, role=role)
    if role == Role.TEACHER:
        members = members.filter(groups=pupil.group_id)
    return members.select_related("user").first().user


def _refer(pupil: Pupil, spec, question: str, today: datetime.date):
    partner, professional, organisation = spec
    teacher = _staff(pupil, Role.TEACHER)
    coordinator = _staff(pupil, Role.CARE_COORDINATOR)
    referral = actions.create_referral(
        actor=teacher,
        pupil=pupil,
        partner=partner,
        professional=professional,
        organisation=organisation,
        question=question.format(naam=pupil.first_name),
    )
    chosen = list(actions.choosable_observations(pupil).filter(informant="group_teacher")[:3])
    referral = actions.choose_observations(
        actor=teacher,
        referral=referral,
        expected_version=referral.version,
        uids=[o.uid for o in chosen],
        include_notes=False,
    )
    referral = actions.record_consent(
        actor=teacher,
        referral=referral,
        expected_version=referral.version,
        status="given",
        decided_on=today - datetime.timedelta(days=2),
    )
    referral, _token = actions.send(
        actor=coordinator, referral=referral, expected_version=referral.version
    )
    return referral, coordinator


def add_referrals(school, chosen: dict[str, Pupil], *, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    country = school.country if school.country in SENT else "NL"
    pupil = chosen.get("inhibited")
    if pupil is not None:
        _refer(pupil, SENT[country], QUESTION_SENT, today)
    pupil = chosen.get("disinhibited")
    if pupil is not None:
        referral, coordinator = _refer(pupil, ANSWERED[country], QUESTION_ANSWERED, today)
        actions.record_answer(
            actor=coordinator,
            referral=referral,
            expected_version=referral.version,
            answered_on=today,
            answer=ANSWER.format(naam=pupil.first_name),
        )
