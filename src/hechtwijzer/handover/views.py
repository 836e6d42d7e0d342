"""The warm handover's pages: read and write it (/pupils/<id>/handover/), acknowledge it (from
the box on the pupil page, or on the handover page). Next year's teacher reads it before the
new school year starts (Perm.READ_HANDOVER), from their start page. The handover page prints
cleanly (the print stylesheet leaves the navigation and the form out)."""

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hechtwijzer.access import Perm, allows, groups_for, pupils_for
from hechtwijzer.audit.models import record
from hechtwijzer.door import Policy, policy, pupil_view
from hechtwijzer.saving import save_form
from hechtwijzer.schools.models import current_school_year

from . import actions, queries
from .forms import AcknowledgeForm, HandoverForm
from .models import Handover


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.READ_HANDOVER, action="handover.view", post=Perm.KEEP_FOCUS_CARD, post_action=None)
def handover_page(request, pupil):
    """The pupil's warm handover: what works and what to start with; the form to write this
    year's for those who keep the plan; "I have read it" for whoever it waits for."""
    may_write = allows(request.user, Perm.KEEP_FOCUS_CARD, pupil)
    year = current_school_year()
    current = Handover.objects.filter(pupil=pupil, school_year=year).first()
    form = None
    status = 200
    if may_write:
        initial = {"start_with": current.start_with, "version": current.version} if current else {}
        form = HandoverForm(request.POST if request.method == "POST" else None, initial=initial)
        if request.method == "POST":
            saved = save_form(
                request,
                form,
                lambda data: actions.write(
                    actor=request.user,
                    pupil=pupil,
                    start_with=data["start_with"],
                    # None: the page showed no handover yet (a version must then not exist).
                    expected_version=data["version"],
                ),
                saved=_("The warm handover was saved."),
                then=reverse("handover:page", args=[pupil.public_id]),
                stale=_("Someone changed this handover since you opened it; nothing was saved."),
            )
            if saved:
                return saved
            status = 422
    # Next year's teacher, before that year starts, may not see the record: they read what this
    # year's teacher passed on, and only that; without a handover written this year, not even
    # what works.
    may_view_pupil = allows(request.user, Perm.VIEW_PUPIL, pupil)
    context = {
        "pupil": pupil,
        "handover": queries.latest(pupil) if may_view_pupil else current,
        "works": queries.what_works(pupil) if may_view_pupil or current else None,
        "form": form,
        "has_card": queries.has_card(pupil) if may_write else True,
        "waiting": queries.waiting_for(request.user, pupil),
        "may_view_pupil": may_view_pupil,
    }
    return render(request, "handover/handover.html", context, status=status)


@require_POST
@pupil_view(Perm.READ_HANDOVER, action=None)  # the acknowledgement is recorded by the domain
def acknowledge(request, pupil):
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("This is not a handover of this pupil."))
    handover = get_object_or_404(Handover, pupil=pupil, uid=form.cleaned_data["handover"])
    actions.acknowledge(actor=request.user, handover=handover)
    messages.success(request, _("Marked as read. The handover stays on the handover page."))
    if allows(request.user, Perm.VIEW_PUPIL, pupil):
        return redirect("pupil", pupil.public_id)
    return redirect("home")  # next year's teacher: the start page lists the others


@require_safe
@policy(Policy.GROUP, Perm.KEEP_FOCUS_CARD)
def group_handovers(request, group_id):
    """For the group's teacher before the summer: each pupil with a card, and whether this
    year's warm handover is written."""
    group = get_object_or_404(groups_for(request.user, Perm.KEEP_FOCUS_CARD), pk=group_id)
    pupils = pupils_for(request.user, Perm.KEEP_FOCUS_CARD).filter(group=group)
    rows = queries.group_list(pupils, current_school_year())
    record(
        action="handover.list",
        request=request,
        school_id=group.school_id,
        object_type="group",
        object_id=group.pk,
    )
    context = {"group": group, "rows": rows, "missing": sum(not r.written for r in rows)}
    return render(request, "handover/group.html", context)
