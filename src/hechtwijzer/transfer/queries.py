"""Read queries other apps' pages use (the pupil page lists the plans received from a
previous school)."""

from __future__ import annotations

from .models import ReceivedPlan, ReceivedStatus


def accepted_plans(pupil) -> list[ReceivedPlan]:
    """The plans the care coordinator accepted from the pupil's previous schools, newest
    first: one query, without the (encrypted) content."""
    return list(
        ReceivedPlan.objects.filter(pupil=pupil, status=ReceivedStatus.ACCEPTED).only(
            "uid", "sending_school", "exported_on", "pupil_id"
        )
    )
