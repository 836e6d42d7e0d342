"""The care coordinator's work list "Referrals without an answer" (hechtwijzer.worklists): sent
referrals the care partner has not answered yet, the longest waiting first, each linking to the
referral, where the answer is recorded (or the referral closed). Registered from
`ReferralsConfig.ready()`; one query (`open_referrals`), whatever the number of referrals."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hechtwijzer.schools.models import Role
from hechtwijzer.worklists import Item, register

from . import partners
from .queries import open_referrals

# A referral unanswered this long is marked late on the list: about three school weeks, the
# time a wijkteam or CLB usually takes to make a first contact.
LATE_AFTER_DAYS = 21


@register(
    "referrals_unanswered",
    heading=gettext_lazy("Referrals without an answer"),
    empty=gettext_lazy("Every referral that was sent has been answered."),
    help=gettext_lazy("Sent to a care partner, no answer recorded yet; the longest waiting first."),
    roles=(Role.CARE_COORDINATOR,),
    order=50,
)
def referrals_unanswered(user, membership, today):
    for referral in open_referrals(school=membership.school_id, user=user):
        waited = (today - referral.sent_on).days if referral.sent_on else 0
        yield Item(
            link=reverse("referrals:detail", args=[referral.pupil.public_id, referral.uid]),
            title=referral.pupil.full_name,
            detail=_("%(partner)s, sent on %(day)s")
            % {
                "partner": partners.label(referral.partner),
                "day": date_format(referral.sent_on, "j F") if referral.sent_on else "",
            },
            group=referral.pupil.group.name if referral.pupil.group else "",
            day=referral.sent_on,
            overdue=waited > LATE_AFTER_DAYS,
        )
