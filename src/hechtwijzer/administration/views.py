"""The administration's own pages: the care coordinator's page for one pupil's access (which
other staff, such as the gym teacher, may log observations for this pupil), the page where an
invited staff member chooses a password, and marking a role notice seen."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hechtwijzer.access import Perm
from hechtwijzer.door import Policy, policy, pupil_view
from hechtwijzer.schools.models import Membership, PupilAccessGrant, Role

from . import actions, invitations, notices
from .forms import CHOOSE_STAFF, ChoosePasswordForm, GrantForm, RevokeForm
from .models import RoleNotice

INVITATION_SESSION_KEY = "hechtwijzer_invitation"


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


# --- invitations -------------------------------------------------------------------------------


def _closed(request, state):
    """The calm page for a link that cannot be used (any more). 410: it will not come back."""
    return render(request, "administration/invitation_closed.html", {"state": state}, status=410)


@require_safe
@never_cache
@policy(Policy.PUBLIC)  # the token is the credential; nothing about pupils is shown
def invitation(request, token):
    """The link from an invitation: when it is open, keep the token in the session and go on
    to a page without it in the address (as Django's password reset does), so it does not
    linger in the browser's history or reach another page in a Referer header."""
    try:
        invitations.open_invitation(token, request=request)
    except invitations.InvitationClosed as closed:
        return _closed(request, closed.state)
    request.session[INVITATION_SESSION_KEY] = token
    return redirect("administration:choose_password")


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@policy(Policy.PUBLIC)  # reached through an invitation link (the token in the session)
def choose_password(request):
    """Choose a password (Django's validators); the link is then used up and the person logs
    in on the normal log-in page, with two-step log-in where it applies."""
    token = request.session.get(INVITATION_SESSION_KEY)
    if not token:
        return _closed(request, "unknown")
    try:
        invitation = invitations.open_invitation(token, request=request)
    except invitations.InvitationClosed as closed:
        request.session.pop(INVITATION_SESSION_KEY, None)
        return _closed(request, closed.state)
    user = invitation.user
    form = ChoosePasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invitations.accept_invitation(
                token=token, password=form.cleaned_data["password1"], request=request
            )
        except invitations.InvitationClosed as closed:  # the other tab was quicker
            request.session.pop(INVITATION_SESSION_KEY, None)
            return _closed(request, closed.state)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            request.session.pop(INVITATION_SESSION_KEY, None)
            messages.success(
                request,
                _("Your password is set. Log in with your username %(username)s.")
                % {"username": user.get_username()},
            )
            return redirect("home")
    context = {"form": form, "username": user.get_username(), "invitation": invitation}
    return render(request, "administration/choose_password.html", context)


# --- role notices ------------------------------------------------------------------------------


@require_POST
@policy(Policy.LOGGED_IN)  # a notice is its recipient's own; anyone else's does not exist
def notice_seen(request, notice_id):
    notice = RoleNotice.objects.filter(pk=notice_id, recipient=request.user).first()
    if notice is None:
        raise Http404
    notices.mark_seen(actor=request.user, notice=notice)
    return redirect("home")
