"""A demo parent conversation and the parents' consent on the plan (see demo.plans).

Per school, the ambivalent pupil's card (started two weeks ago) was discussed with the parents
ten days ago: who attended, what they see at home and what was agreed, and the parents gave
their consent to this version of the plan. Through the domain functions, as the group's
teacher. Fictional, like all demo data.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from hechtwijzer.parents import actions
from hechtwijzer.parents.models import Consent
from hechtwijzer.plans.actions import current_card
from hechtwijzer.schools.models import Membership, Pupil, Role

ATTENDEES = {
    "NL": "moeder, vader, groepsleerkracht, intern begeleider",
    "BE": "moeder, stiefvader, klasleerkracht, zorgcoördinator",
}
AT_HOME = (
    "'s Ochtends bij het afscheid klampt ze zich vast; als ze thuiskomt is ze moe en snel "
    "boos. In het weekend gaat het beter."
)
AGREEMENTS = (
    "Afscheid bij de deur kort houden: één knuffel, dan zwaaien bij het raam.\n\n"
    "De leerkracht vertelt bij het ophalen één ding dat goed ging.\n\n"
    "Over zes weken praten we samen na over hoe het gaat."
)
VIEW = (
    "Wij herkennen het vastklampen. We vinden het fijn dat er een vast ritueel komt en doen "
    "thuis mee met het zwaaien."
)


def add_parent_contact(chosen: dict[str, Pupil], *, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    pupil = chosen.get("ambivalent")
    if pupil is None:
        return
    card = current_card(pupil)
    teacher = (
        Membership.objects.filter(groups=pupil.group_id, role=Role.TEACHER)
        .select_related("user")
        .first()
        .user
    )
    actions.record_conversation(
        actor=teacher,
        pupil=pupil,
        held_on=today - datetime.timedelta(days=10),
        attendees=ATTENDEES.get(pupil.school.country, ATTENDEES["NL"]),
        at_home=AT_HOME,
        agreements=AGREEMENTS,
        card=card,
    )
    if card is not None:
        actions.record_consent(
            actor=teacher,
            card=card,
            expected_version=0,
            status=Consent.GIVEN,
            decided_on=today - datetime.timedelta(days=8),
            parents_view=VIEW,
        )
