"""The audit trail of one pupil, for the care coordinator and the school administrator: who
read or changed the record (the right of access includes knowing that). The trail itself is
written by `hechtwijzer.audit`; this is only its page."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from hechtwijzer.access import Perm, allows
from hechtwijzer.audit.models import AuditEntry, is_read
from hechtwijzer.door import pupil_view
from hechtwijzer.schools.models import Role

PAGE_SIZE = 50

# What an entry is about, by the first part of its action ("focuscard.tick" -> focus card).
SUBJECTS = {
    "pupil": _("Pupil record"),
    "observation": _("Observations"),
    "focuscard": _("Focus card"),
    "behaviour_card": _("Behaviour card"),
    "day_programme": _("Day programme"),
    "factor": _("Risk and protective factors"),
    "factors": _("Risk and protective factors"),
    "access": _("Access for other staff"),
    "audit": _("Audit trail"),
    "parents": _("Parents"),
    "handover": _("Warm handover"),
    "readlink": _("Read links"),
    "referral": _("Referrals"),
    "meeting": _("Care-team meetings"),
}
# Actions about the safeguarding record (care.actions, care.views): shown to the care coordinator
# only, on this page and in the access export.
SAFEGUARDING_ACTIONS = (
    "safeguarding.",
    "concern.",
    # A referral's choices about the safeguarding record and about sending without the
    # parents' consent (the Meldcode or the Flemish route) tell that a concern exists.
    "referral.safeguarding",
    "referral.consent_exception",
    "referral.exception",
)


def describe(entry: AuditEntry) -> dict:
    """The entry in words: what it concerned, and whether it was read, changed or refused."""
    action = entry.action
    if action == "access.denied":
        action = str(entry.details.get("wanted", "")) if isinstance(entry.details, dict) else ""
        kind = _("refused")
    elif action == "readlink.miss":  # an expired or revoked link of this pupil was tried
        kind = _("refused")
    elif is_read(action):  # the audit trail's own rule: every other action changed something
        kind = _("read")
    else:
        kind = _("changed")
    subject = SUBJECTS.get(action.split(".", 1)[0], entry.action)
    try:
        role = Role(entry.role).label
    except ValueError:
        role = entry.role
    return {"entry": entry, "subject": subject, "kind": kind, "role": role}


@require_safe
@pupil_view(Perm.VIEW_AUDIT, action="audit.view")
def pupil_audit(request, pupil):
    """Who read or changed this pupil's record, when and in which role, newest first; the
    safeguarding record's entries only for the care coordinator.

    Side effects: audit entry "audit.view" (so reading the trail is itself on it), or
    "access.denied" and 404 outside the user's scope.
    """
    entries = AuditEntry.objects.filter(pupil_public_id=pupil.public_id)
    if not allows(request.user, Perm.VIEW_SAFEGUARDING, pupil):
        # The safeguarding record is the care coordinator's alone: its entries would tell the
        # school administrator that one exists.
        for prefix in SAFEGUARDING_ACTIONS:
            entries = entries.exclude(action__startswith=prefix)
    entries = Paginator(entries.order_by("-at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "pupil": pupil,
        "page": entries,
        "rows": [describe(entry) for entry in entries],
        "may_view_pupil": allows(request.user, Perm.VIEW_PUPIL, pupil),
    }
    return render(request, "privacy/pupil_audit.html", context)
