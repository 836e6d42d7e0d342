"""A demo warm handover (warme overdracht), so that this year's teacher meets one on the pupil
page: for the pupil whose focus card was evaluated (demo.plans), the handover from last school
year, written before the summer. Last year's teacher has no demo account, so the care
coordinator entered it (through `handover.actions`, as in real use); it is then dated as written
in June of last school year. Every text is fictional."""

from __future__ import annotations

import datetime

from django.utils import timezone

from hechtwijzer.handover import actions
from hechtwijzer.handover.models import Handover
from hechtwijzer.schools.models import Membership, Pupil, Role, School, current_school_year

START_WITH = (
    "Begroet {naam} elke ochtend bij de deur, met naam, en laat {naam} de eerste week naast "
    "uw bureau zitten.\n\n"
    "Kondig overgangen (pauze, gym) vijf minuten van tevoren aan; onverwachte wisselingen "
    "gaan mis. Een vast klusje bij de start van de dag (de planten) helpt om te landen."
)


def add_handover(school: School, chosen: dict[str, Pupil]) -> None:
    pupil = chosen.get("disinhibited")
    if pupil is None:
        return
    coordinator = (
        Membership.objects.filter(school=school, role=Role.CARE_COORDINATOR)
        .select_related("user")
        .first()
        .user
    )
    text = START_WITH.replace("{naam}", pupil.first_name)
    if school.country == "BE":
        text = text.replace("pauze", "speeltijd")
    handover = actions.write(actor=coordinator, pupil=pupil, start_with=text)
    last_year = current_school_year() - 1
    written = timezone.make_aware(datetime.datetime(last_year + 1, 6, 26, 15, 0))
    Handover.objects.filter(pk=handover.pk).update(
        school_year=last_year, created_at=written, updated_at=written
    )
