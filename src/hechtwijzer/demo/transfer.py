"""A demo transfer report being prepared (see hechtwijzer.transfer).

Per school, the disinhibited pupil (whose card was evaluated once, demo.plans) is moving to
another school: the care coordinator named the receiving school and recorded that the parents
saw the report — in the Netherlands with their view added, in Flanders without objection.
Nothing is included beyond the default. Through the domain functions, as the care
coordinator. Fictional, like all demo data.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from hechtwijzer.schools.models import Country, Membership, Pupil, Role
from hechtwijzer.transfer import actions

RECEIVING = {"NL": "Basisschool De Linde (fictief)", "BE": "Middenschool Ter Beke (fictief)"}
VIEW = "Wij vinden het goed dat de nieuwe school weet wat hielp. Thuis helpt een vast ritueel ook."


def add_transfer(chosen: dict[str, Pupil], *, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    pupil = chosen.get("disinhibited")
    if pupil is None:
        return
    coordinator = (
        Membership.objects.filter(school=pupil.school, role=Role.CARE_COORDINATOR)
        .select_related("user")
        .first()
        .user
    )
    dutch = pupil.school.country == Country.NL
    actions.record_parents(
        actor=coordinator,
        pupil=pupil,
        expected_version=0,
        receiving_school=RECEIVING[pupil.school.country],
        viewed_on=today - datetime.timedelta(days=3),
        parents_view=VIEW if dutch else "",
    )
