"""A pupil with two focus-card versions (the first evaluated), the pupil's voice, and
everything that must stay home by default: a safeguarding concern, a family risk factor, an
observation with a note."""

from __future__ import annotations

import datetime
import subprocess
import tempfile
from pathlib import Path

from hechtwijzer.care import actions as care_actions
from hechtwijzer.catalog import get_catalog
from hechtwijzer.observations import actions as observation_actions
from hechtwijzer.plans import actions as plan_actions

D = datetime.date
OWN = "Samen de dag doorlopen bij binnenkomst."
OBSERVATION_NOTE = "Observatie: verstijfde bij de deur."
CONCERN = "Zorg: vertelde over harde klappen thuis."
FACTOR_NOTE = "Factor: vader is vertrokken."
REASON_NOTE = "Reden: onrustig sinds de verhuizing."
VOICE = "Als ik vooraan mag zitten."


def plan_for(pupil, teacher, coordinator):
    # Old enough (8) for the pupil's voice to be written down (plans/voice.py).
    type(pupil).objects.filter(pk=pupil.pk).update(date_of_birth=D(2016, 3, 14))
    pupil.refresh_from_db()
    observation = observation_actions.log_observation(
        actor=coordinator,
        pupil=pupil,
        signals=["freezes", "withdrawn"],
        observed_on=D(2026, 10, 20),
        note=OBSERVATION_NOTE,
    )
    factor = care_actions.record_factor(
        actor=coordinator,
        pupil=pupil,
        kind="risk",
        code=get_catalog().risk_factors[0].code,
        note=FACTOR_NOTE,
    )
    concern = care_actions.raise_concern(actor=coordinator, pupil=pupil, concern=CONCERN)
    card = plan_actions.start_card(
        actor=teacher, pupil=pupil, period_start=D(2026, 10, 19), evaluation_due=D(2026, 11, 13)
    )
    plan_actions.set_column(
        actor=teacher,
        pupil=pupil,
        measure_code="sticordi_01",
        column="trying",
        value=True,
        seen=False,
    )
    plan_actions.set_column(
        actor=teacher,
        pupil=pupil,
        measure_code="sticordi_12",
        column="doing",
        value=True,
        seen=False,
    )
    own = plan_actions.add_own_measure(actor=teacher, pupil=pupil, text=OWN)
    plan_actions.save_settings(
        actor=teacher,
        pupil=pupil,
        expected_version=plan_actions.current_card(pupil).lock_version,
        period_start=card.period_start,
        evaluation_due=card.evaluation_due,
        co_teachers=[],
        reason=REASON_NOTE,
    )
    card.refresh_from_db()
    own_uid = card.own_measures.get().uid
    plan_actions.evaluate(
        actor=teacher,
        card=card,
        outcomes={
            "sticordi_01": ("worked", "note"),
            "sticordi_12": ("did_not_work", ""),
            f"own:{own_uid}": ("partly", ""),
        },
        decision="continue",
        referrals=[],
        next_evaluation=D(2027, 1, 29),
        today=D(2026, 11, 13),
        voice={"helps": VOICE},
    )
    del own
    return {"observation": observation, "factor": factor, "concern": concern}


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF"), content[:20]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.pdf"
        path.write_bytes(content)
        out = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
        )
    return " ".join(out.stdout.split())
