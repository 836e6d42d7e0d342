"""The parents' view and consent on the focus card page (registered with plans.panels): the
viewed version's consent with a link to record it, and a note per version in "All versions".
One query, for every version of the pupil's card at once; shown only to who works with the
parents (the card page's own audit entry records the read)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from hechtwijzer.access import Perm, allows
from hechtwijzer.plans.panels import Panel

from .models import PlanConsent


def consent_panel(request, pupil, card, versions) -> Panel | None:
    if not allows(request.user, Perm.WORK_WITH_PARENTS, pupil):
        return None
    consents = {
        c.card_id: c for c in PlanConsent.objects.filter(pupil=pupil).select_related("recorded_by")
    }
    notes = {}
    for version in versions:
        consent = consents.get(version.pk)
        if consent is not None:
            notes[version.number] = _("parents: %(consent)s") % {
                "consent": consent.get_status_display()
            }
    html = ""
    if card is not None:
        html = render_to_string(
            "parents/_consent_panel.html",
            {"pupil": pupil, "card": card, "consent": consents.get(card.pk)},
            request=request,
        )
    return Panel(html=html, version_notes=notes)
