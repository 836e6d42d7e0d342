"""A meeting world on top of the test personas (hechtwijzer.testing): Noord plans a meeting
with Piet (anna's group 3) and Mo (bram's group 5) on the agenda; anna attends, bram not.
Piet has a focus card with measures, an evaluation that asked for the care team, a risk
factor and an open safeguarding concern (whose texts must never reach a meeting)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from hechtwijzer.care import actions as care_actions
from hechtwijzer.observations import actions as observation_actions
from hechtwijzer.plans import actions as plan_actions
from hechtwijzer.plans.models import Decision, Evaluation
from hechtwijzer.testing import build_world

from .. import actions

SAFEGUARDING_TEXT = "Blauwe plek op de arm gezien"
FACTOR_NOTE = "Vader vertrok vorig jaar"


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def evaluated_card(w, pupil, decision=Decision.CARE_TEAM) -> Evaluation:
    """A card started six weeks ago, one measure ticked, evaluated today with `decision`."""
    plan_actions.start_card(
        actor=w.carla, pupil=pupil, period_start=days_ago(42), evaluation_due=days_ago(1)
    )
    code = plan_actions.card_rows()[0].code
    plan_actions.set_column(
        actor=w.carla, pupil=pupil, measure_code=code, column="trying", value=True, seen=False
    )
    card = plan_actions.current_card(pupil)
    evaluation, _following = plan_actions.evaluate(
        actor=w.carla,
        card=card,
        outcomes={code: ("partly", "")},
        decision=decision,
        referrals=[],
        next_evaluation=timezone.localdate() + datetime.timedelta(weeks=6),
    )
    return evaluation


def meeting_world():
    w = build_world()
    for n in range(4):
        observation_actions.log_observation(
            actor=w.anna, pupil=w.piet, signals=["quick_anger"], observed_on=days_ago(2 + 5 * n)
        )
    w.evaluation = evaluated_card(w, w.piet)
    care_actions.record_factor(
        actor=w.carla, pupil=w.piet, kind="risk", code="developmental_disorder", note=FACTOR_NOTE
    )
    care_actions.raise_concern(actor=w.carla, pupil=w.piet, concern=SAFEGUARDING_TEXT)
    w.meeting = actions.create_meeting(
        actor=w.carla,
        school=w.noord,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        title="Leerlingbespreking onderbouw",
        attendees=[w.anna],
    )
    w.piet_item = actions.add_to_agenda(
        actor=w.carla,
        meeting=w.meeting,
        pupil=w.piet,
        question="Hoe verder na de evaluatie?",
        evaluation=w.evaluation,
    )
    w.mo_item = actions.add_to_agenda(
        actor=w.carla, meeting=w.meeting, pupil=w.mo, question="Mo trekt zich terug"
    )
    return w
