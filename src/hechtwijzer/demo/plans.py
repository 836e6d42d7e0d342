"""Demo focus cards for the pupils with clear pictures (see demo.observations).

Per school: the disinhibited pupil's card was evaluated once (version 2 is running, to be
evaluated within a week), the inhibited pupil's card is overdue for evaluation, and the
ambivalent pupil's card started two weeks ago. So `hechtwijzer daily` has an "evaluation due"
and an "evaluation overdue" reminder to send per school, and the care coordinator's digest.
Ticks follow what the engine recommended for the pupil's signals when the card started, as a
teacher would; each card also has one measure of the teacher's own. All through the domain
functions, as the group's teacher.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from hechtwijzer.observations.profiles import build_profile
from hechtwijzer.plans import actions
from hechtwijzer.plans.models import FocusCard
from hechtwijzer.schools.models import Membership, Pupil, Role

OWN_MEASURES = {
    "disinhibited": "Vaste plek naast mij bij het in de rij staan; ik geef een hand bij de deur.",
    "inhibited": "Elke ochtend een klein klusje samen met mij, zonder dat het moet.",
    "ambivalent": "Bij het afscheid van de ouder een vast ritueel: zwaaien bij het raam.",
}


def _teacher(pupil: Pupil):
    return (
        Membership.objects.filter(groups=pupil.group_id, role=Role.TEACHER)
        .select_related("user")
        .first()
        .user
    )


def _tick_recommended(card: FocusCard, teacher, pupil: Pupil, today: datetime.date) -> list[str]:
    # As a teacher would: from what was seen when the card started (its snapshot shows the
    # same), or from today's picture when too little was logged before the start.
    codes = []
    for day in (card.period_start, today):
        profile = build_profile(pupil, day)
        codes = [r.code for r in profile.recommended_measures if r.code.startswith("sticordi_")]
        if codes:
            break
    codes = codes[:4]
    for position, code in enumerate(codes):
        column = "trying" if position % 2 == 0 else "doing"
        actions.set_column(
            actor=teacher, pupil=pupil, measure_code=code, column=column, value=True, seen=False
        )
    return codes


def _school_day_within_a_week(today: datetime.date) -> datetime.date:
    day = today + datetime.timedelta(days=5)
    while day.weekday() >= 5:  # a Saturday or Sunday: the Friday before
        day -= datetime.timedelta(days=1)
    return day


def add_focus_cards(chosen: dict[str, Pupil], *, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    for key, weeks_ago, due_in_weeks in (
        ("ambivalent", 2, 4),
        ("inhibited", 7, -1),
        ("disinhibited", 8, -2),
    ):
        pupil = chosen.get(key)
        if pupil is None:
            continue
        teacher = _teacher(pupil)
        start = today - datetime.timedelta(weeks=weeks_ago)
        card = actions.start_card(
            actor=teacher,
            pupil=pupil,
            period_start=start,
            evaluation_due=today + datetime.timedelta(weeks=due_in_weeks),
        )
        codes = _tick_recommended(card, teacher, pupil, today)
        actions.add_own_measure(actor=teacher, pupil=pupil, text=OWN_MEASURES[key])
        if key == "disinhibited" and codes:
            # Evaluated two weeks ago, on its evaluation date; version 2 is running now.
            card.refresh_from_db()
            evaluated_on = card.evaluation_due
            entries, own = actions.measures_tried(card)
            outcomes = {e.measure_code: ("partly", "") for e in entries}
            outcomes[entries[0].measure_code] = ("worked", "Werkt vooral bij de start van de dag.")
            outcomes.update({f"own:{m.uid}": ("worked", "") for m in own})
            actions.evaluate(
                actor=teacher,
                card=card,
                outcomes=outcomes,
                decision="adjust",
                referrals=[],
                next_evaluation=_school_day_within_a_week(today),
                summary="Minder grensoverschrijdend gedrag in de klas; op het plein nog lastig.",
                today=evaluated_on,
            )
