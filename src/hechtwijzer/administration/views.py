"""The care coordinator's page for one pupil's access: which other staff (the gym teacher, a
remedial teacher) may log observations for this pupil, given and ended here."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hechtwijzer.access import Perm
from hechtwijzer.door import pupil_view
from hechtwijzer.schools.models import Membership, PupilAccessGrant, Role

from . import actions
from .forms import CHOOSE_STAFF, GrantForm, RevokeForm


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.GRANT_ACCESS, action="access.view")
def access(request, pupil):
    """Which other staff may log observations for this pupil (care coordinator)."""
    errors = {}
    if request.method == "POST":
        if "revoke" in request.POST:
            revoke = RevokeForm(request.POST)
            if not revoke.is_valid():
                return HttpResponseBadRequest(_("This is not an access that was given."))
            grant = get_object_or_404(
                PupilAccessGrant, pupil=pupil, pk=revoke.cleaned_data["revoke"]
            )
            actions.revoke_pupil_access(actor=request.user, grant=grant)
            messages.success(request, _("The access was ended."))
            return redirect("administration:access", pupil.public_id)
        form = GrantForm(request.POST)
        try:
            if not form.is_valid():  # a malformed user id, a NUL in the capacity
                raise ValidationError(form.errors)
            user = None
            if form.cleaned_data["user"]:
                user = (
                    get_user_model()
                    .objects.filter(pk=form.cleaned_data["user"], memberships__school=pupil.school)
                    .first()
                )
            if user is None:
                raise ValidationError({"user": [CHOOSE_STAFF]})
            actions.grant_pupil_access(
                actor=request.user,
                pupil=pupil,
                user=user,
                capacity=form.cleaned_data["capacity"],
            )
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(request, _("Access was given."))
            return redirect("administration:access", pupil.public_id)
    grants = PupilAccessGrant.objects.filter(pupil=pupil).select_related("user")
    group_teachers = Membership.objects.filter(groups=pupil.group_id).values_list("user", flat=True)
    candidates = (
        Membership.objects.filter(school=pupil.school, role=Role.TEACHER, user__is_active=True)
        .exclude(user__in=group_teachers)
        .exclude(user__pupil_grants__pupil=pupil)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    context = {
        "pupil": pupil,
        "grants": grants,
        "candidates": candidates,
        "errors": errors,
        "posted": request.POST if errors else {},
    }
    return render(request, "administration/access.html", context)
