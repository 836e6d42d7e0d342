"""A pupil with a plan, an evaluation, observations (some chosen, some not), a safeguarding
concern and a risk factor: what a referral summary includes and what it leaves out."""

from __future__ import annotations

import datetime

from django.utils import timezone

from hechtwijzer.care import actions as care_actions
from hechtwijzer.catalog import get_catalog
from hechtwijzer.observations import actions as observation_actions
from hechtwijzer.parents.tests.helpers import flat, pdf_text  # noqa: F401 (re-exported)
from hechtwijzer.plans import actions as plan_actions
from hechtwijzer.referrals import actions

TRYING = ("sticordi_01",)
DOING = ("sticordi_12",)
OWN = "Samen de dag doorlopen bij binnenkomst."
CHOSEN_NOTE = "Gekozen: huilde bij het afscheid."
UNCHOSEN_NOTE = "Niet gekozen: ruzie op het plein."
SAFETY_NOTE = "Veiligheid: wilde niet naar huis."
CONCERN = "Zorg: vertelde over harde klappen thuis."
STEP_DECISION = "Besluit: Veilig Thuis geraadpleegd."
FACTOR_NOTE = "Factor: vader is vertrokken."
QUESTION = "Wat kan de klas doen bij het afscheid? Hoe gaat het thuis?"
PROFESSIONAL = "mw. De Vries"
ORGANISATION = "Wijkteam Noord"


def today():
    return timezone.localdate()


def situation(pupil, teacher, coordinator):
    """Returns (chosen observation, unchosen observation)."""
    catalog = get_catalog()
    chosen = observation_actions.log_observation(
        actor=teacher,
        pupil=pupil,
        signals=["withdrawn"],
        observed_on=today() - datetime.timedelta(days=3),
        note=CHOSEN_NOTE,
    )
    unchosen = observation_actions.log_observation(
        actor=teacher,
        pupil=pupil,
        signals=["quick_anger"],
        observed_on=today() - datetime.timedelta(days=2),
        note=UNCHOSEN_NOTE,
    )
    safety = observation_actions.log_observation(
        actor=coordinator,
        pupil=pupil,
        signals=["afraid_to_go_home"],
        observed_on=today() - datetime.timedelta(days=1),
        note=SAFETY_NOTE,
    )
    care_actions.record_factor(
        actor=coordinator,
        pupil=pupil,
        kind="risk",
        code=catalog.risk_factors[0].code,
        note=FACTOR_NOTE,
    )
    concern = care_actions.raise_concern(
        actor=coordinator, pupil=pupil, concern=CONCERN, observation_uids=[safety.uid]
    )
    care_actions.record_step(
        actor=coordinator,
        concern=concern,
        expected_version=concern.version,
        step=concern.step_codes[0],
        done_on=today(),
        decision=STEP_DECISION,
    )
    plan_actions.start_card(actor=teacher, pupil=pupil)
    for code in TRYING:
        plan_actions.set_column(
            actor=teacher, pupil=pupil, measure_code=code, column="trying", value=True, seen=False
        )
    for code in DOING:
        plan_actions.set_column(
            actor=teacher, pupil=pupil, measure_code=code, column="doing", value=True, seen=False
        )
    plan_actions.add_own_measure(actor=teacher, pupil=pupil, text=OWN)
    return chosen, unchosen


def draft(pupil, actor, partner="wijkteam", **kwargs):
    values = {
        "partner": partner,
        "professional": PROFESSIONAL,
        "organisation": ORGANISATION,
        "question": QUESTION,
    }
    values.update(kwargs)
    return actions.create_referral(actor=actor, pupil=pupil, **values)


def consented(referral, actor):
    return actions.record_consent(
        actor=actor,
        referral=referral,
        expected_version=referral.version,
        status="given",
        decided_on=today(),
    )
