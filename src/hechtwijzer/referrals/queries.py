"""Read queries of referrals for the work lists and reminders (no writes, no audit: the
caller records what it shows)."""

from __future__ import annotations

from django.db.models import QuerySet

from hechtwijzer.access import Perm, pupils_for

from .models import Referral, Status


def open_referrals(school=None, user=None) -> QuerySet[Referral]:
    """Sent referrals without an answer, oldest sending first, with the pupil, its school and
    group and who sent it, in one query.

    `school` (a School or its id) narrows to one school; `user` to the pupils the user may
    reach with `Perm.REFER` (the care coordinator's; a teacher gets none). Pupils who left are
    included for who may still reach them (the referral is still open)."""
    referrals = Referral.objects.filter(status=Status.SENT)
    if school is not None:
        referrals = referrals.filter(pupil__school_id=getattr(school, "pk", school))
    if user is not None:
        referrals = referrals.filter(pupil__in=pupils_for(user, Perm.REFER))
    return referrals.select_related("pupil__school", "pupil__group", "sent_by").order_by(
        "sent_on", "created_at", "id"
    )
