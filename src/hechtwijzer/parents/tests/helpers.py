"""A pupil with a plan, a parent conversation and everything the parents' printout must leave
out: factors, a safeguarding concern, observations with notes, the card's reason and notes."""

from __future__ import annotations

import datetime
import subprocess
import tempfile
from pathlib import Path

from django.utils import timezone

from hechtwijzer.care import actions as care_actions
from hechtwijzer.catalog import get_catalog
from hechtwijzer.observations import actions as observation_actions
from hechtwijzer.parents import actions
from hechtwijzer.plans import actions as plan_actions

TRYING = ("sticordi_01", "sticordi_05")
DOING = ("sticordi_12",)
OWN = "Samen de dag doorlopen bij binnenkomst."
AGREEMENTS = "Thuis lezen we elke avond tien minuten.\n\nWe spreken over zes weken weer af."
AT_HOME = "Thuis slaapt hij slecht."
REASON = "Reden: onrustig sinds de verhuizing."
ENTRY_NOTE = "Notitie: werkt alleen bij juf Anna."
OBSERVATION_NOTE = "Observatie: verstijfde bij de deur."
CONCERN = "Zorg: vertelde over harde klappen thuis."
FACTOR_NOTE = "Factor: vader is vertrokken."


def today():
    return timezone.localdate()


def plan_for(pupil, teacher, coordinator):
    """A current card with ticked measures and everything that must stay off the printout."""
    catalog = get_catalog()
    observation_actions.log_observation(
        actor=coordinator,
        pupil=pupil,
        signals=["freezes", "withdrawn"],
        observed_on=today() - datetime.timedelta(days=1),
        note=OBSERVATION_NOTE,
    )
    care_actions.record_factor(
        actor=coordinator,
        pupil=pupil,
        kind="risk",
        code=catalog.risk_factors[0].code,
        note=FACTOR_NOTE,
    )
    care_actions.raise_concern(actor=coordinator, pupil=pupil, concern=CONCERN)
    card = plan_actions.start_card(actor=teacher, pupil=pupil)
    for code in TRYING:
        plan_actions.set_column(
            actor=teacher, pupil=pupil, measure_code=code, column="trying", value=True, seen=False
        )
    for code in DOING:
        plan_actions.set_column(
            actor=teacher, pupil=pupil, measure_code=code, column="doing", value=True, seen=False
        )
    plan_actions.set_note(
        actor=teacher, pupil=pupil, measure_code=TRYING[0], note=ENTRY_NOTE, seen=""
    )
    plan_actions.add_own_measure(actor=teacher, pupil=pupil, text=OWN)
    plan_actions.save_settings(
        actor=teacher,
        pupil=pupil,
        expected_version=plan_actions.current_card(pupil).lock_version,
        period_start=card.period_start,
        evaluation_due=card.evaluation_due,
        co_teachers=[],
        reason=REASON,
    )
    return plan_actions.current_card(pupil)


def conversation_for(pupil, teacher, card=None):
    return actions.record_conversation(
        actor=teacher,
        pupil=pupil,
        held_on=today() - datetime.timedelta(days=2),
        attendees="moeder, vader, groepsleerkracht",
        at_home=AT_HOME,
        agreements=AGREEMENTS,
        card=card,
    )


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF"), content[:20]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.pdf"
        path.write_bytes(content)
        out = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
        )
    return out.stdout


def flat(text: str) -> str:
    return " ".join(text.split())
