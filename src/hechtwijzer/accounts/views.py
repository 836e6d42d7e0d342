"""Log-in in one or two steps, setting up the authenticator app, and the lockout page.

See `twofactor.py` for the design: after the password the visitor stays anonymous until the
second step succeeds.
"""

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET

from hechtwijzer.access import Perm, administered_schools, may_administer
from hechtwijzer.audit.models import record
from hechtwijzer.door import Policy, policy
from hechtwijzer.schools.models import School

from . import actions, sso
from .forms import CodeForm, ConfirmForm, LoginCodeForm, SchoolPickForm, StaffResetForm
from .models import AuthenticatorDevice, IdentityProvider
from .twofactor import (
    REQUIRING_ROLES,
    clear_pending_login,
    confirmed_device,
    mark_two_factor_verified,
    pending_login,
    setup_requested,
    start_pending_login,
    two_factor_required,
    unconfirmed_device,
)

WRONG_CODE = gettext_lazy(
    "This code is not right, or it was used already. Wait for the next code and try again."
)
WRONG_BACKUP_CODE = gettext_lazy("This backup code is not right, or it was used already.")
WRONG_CONFIRMATION = gettext_lazy("This is not your password or a current code from your app.")
# From this many backup codes left, the log-in message suggests making new ones.
LOW_BACKUP_CODES = 3


PASSWORD_SWITCHED_OFF = gettext_lazy(
    "Your school does not use passwords for Hechtwijzer. Log in with the button of your "
    "school's log-in service below."
)


def _providers(school_id=None):
    """The log-in services to offer as "Log in with …" buttons (one query)."""
    providers = IdentityProvider.objects.filter(enabled=True).select_related("school")
    if school_id is not None:
        providers = providers.filter(school_id=school_id)
    return list(providers.order_by("school__name", "name"))


def _schools_of(providers):
    """The schools of these services, in the services' order (by school name), once each."""
    return list({provider.school_id: provider.school for provider in providers}.values())


class TwoStepLoginView(auth_views.LoginView):
    """The password step. Without a second factor it logs in as Django's view does;
    otherwise it hands over to the code (or set-up) page without logging in.

    Under the form, a button per school log-in service (single sign-on, `sso.py`). A staff
    member of a school that switched passwords off is refused here, after the password
    proved who they are (a wrong password stays the same general error, so the page does not
    tell which accounts belong to such a school)."""

    redirect_authenticated_user = True
    school = None  # the school's own log-in page (school_login) shows only its services

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        school = self.school
        providers = _providers(school.pk if school else None)
        schools = _schools_of(providers)
        if school is None and len(schools) > 1:
            # Several schools (a board): pick the school first, then its own page shows its
            # services. The general page never lists every service of every school.
            context["school_pick"] = SchoolPickForm(schools=schools)
            providers = []
        context["providers"] = providers
        context["login_school"] = school
        context["password_form"] = school is None or school.password_login
        return context

    def form_valid(self, form):
        user = form.get_user()
        if sso.password_login_refused(user):
            _record(self.request, user, "auth.password_refused")
            form.add_error(None, PASSWORD_SWITCHED_OFF)
            return self.form_invalid(form)
        device = confirmed_device(user)
        if device is None and not two_factor_required(user) and not setup_requested(user):
            clear_pending_login(self.request)
            return super().form_valid(form)
        # A new session key for the half-finished log-in, and another one at `login()`.
        self.request.session.cycle_key()
        start_pending_login(self.request, user, self.get_success_url())
        return redirect("accounts:login_code" if device else "accounts:login_setup")


login_view = policy(Policy.PUBLIC)(TwoStepLoginView.as_view())


@policy(Policy.PUBLIC)
def school_login(request, school_id):
    """A school's own log-in page (to bookmark): its log-in services, and the password form
    only when the school still allows passwords."""
    school = get_object_or_404(School, pk=school_id)
    if request.user.is_authenticated:
        return redirect("home")
    if request.method == "POST" and not school.password_login:
        return redirect("accounts:school_login", school_id=school.pk)
    return TwoStepLoginView.as_view(school=school)(request)


def _sso_refusal(request, provider, *, failed: bool):
    context = {"provider": provider, "school": provider.school, "failed": failed}
    return render(request, "accounts/sso_refused.html", context, status=400 if failed else 403)


@policy(Policy.PUBLIC)
@require_GET
def school_pick(request):
    """The general log-in page's school picker: on to the chosen school's own log-in page, with
    the page the visitor was going to."""
    form = SchoolPickForm(request.GET, schools=_schools_of(_providers()))
    if not form.is_valid():
        messages.error(request, form.errors["school"][0])
        return redirect("login")
    target = reverse("accounts:school_login", args=[form.cleaned_data["school"]])
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target += "?" + urlencode({"next": next_url})
    return redirect(target)


@policy(Policy.PUBLIC)
@require_GET
@never_cache
def sso_start(request, provider_id):
    """The "Log in with …" button: off to the school's identity provider."""
    provider = get_object_or_404(IdentityProvider.objects.select_related("school"), pk=provider_id)
    if request.user.is_authenticated:
        return redirect("home")
    if not provider.enabled:
        sso.record_refusal(request, provider, "provider_disabled")
        return _sso_refusal(request, provider, failed=True)
    try:
        return sso.start(request, provider)
    except sso.SSOFailed as failure:
        sso.record_refusal(request, provider, failure.reason)
        return _sso_refusal(request, provider, failed=True)


@policy(Policy.PUBLIC)
@require_GET  # the provider answers in the query string (response_mode=query)
@never_cache
def sso_callback(request, provider_id):
    """Back from the identity provider: check its answer, find the staff member, log in.

    No second step here: the school's provider did its own (MFA at Entree, Entra ID, Google
    or Smartschool), so the session counts as two-factor verified (README, "Single sign-on")."""
    provider = get_object_or_404(IdentityProvider.objects.select_related("school"), pk=provider_id)
    try:
        identity = sso.finish(request, provider)
    except sso.SSOFailed as failure:
        sso.record_refusal(request, provider, failure.reason)
        return _sso_refusal(request, provider, failed=True)
    except sso.SSORefused as refusal:
        sso.record_refusal(request, provider, refusal.reason, refusal.subject)
        return _sso_refusal(request, provider, failed=False)
    user = identity.user
    clear_pending_login(request)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    mark_two_factor_verified(request)
    record(
        action="auth.sso_login",
        request=request,
        actor=user,
        school_id=provider.school_id,
        object_type="identity_provider",
        object_id=provider.pk,
    )
    # Land on the provider's school: its section of the start page.
    return redirect(f"{reverse('home')}#school-{provider.school_id}")


def _no_pending_login(request):
    messages.info(request, _("Please log in again: the log-in took too long or was not started."))
    return redirect(settings.LOGIN_URL)


def _refused_code(request, user, form, field="code", error=WRONG_CODE):
    """Count a wrong code like a wrong password: on the audit trail and towards the lock."""
    form.add_error(field, error)
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.get_username()},
        request=request,
    )


def _locked(request, user):
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_allowed(request, credentials):
        return None
    clear_pending_login(request)
    return get_lockout_response(request, None, credentials)


def _record(request, user, action):
    record(action=action, request=request, actor=user, object_type="user", object_id=user.pk)


def _finish_login(request, user, next_url):
    clear_pending_login(request)
    login(request, user, backend=user.backend)  # rotates the session key
    mark_two_factor_verified(request)
    return redirect(next_url)


@policy(Policy.PUBLIC)
@sensitive_post_parameters("code", "backup_code")
@csrf_protect
@never_cache
def login_code(request):
    """Second step: the code from the authenticator app, or a backup code."""
    user, next_url = pending_login(request)
    if user is None:
        return _no_pending_login(request)
    device = confirmed_device(user)
    if device is None:
        return redirect("accounts:login_setup")
    form = LoginCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if locked := _locked(request, user):
            return locked
        if form.is_valid():
            if form.cleaned_data["code"]:
                if device.verify_token(form.cleaned_data["code"]):
                    return _finish_login(request, user, next_url)
                _refused_code(request, user, form)
            else:
                remaining = actions.use_backup_code(
                    request=request, user=user, code=form.cleaned_data["backup_code"]
                )
                if remaining is not None:
                    _backup_code_message(request, remaining)
                    return _finish_login(request, user, next_url)
                _refused_code(request, user, form, field="backup_code", error=WRONG_BACKUP_CODE)
    return render(request, "accounts/login_code.html", {"form": form})


def _backup_code_message(request, remaining):
    text = ngettext(
        "You logged in with a backup code. You have %(count)d backup code left.",
        "You logged in with a backup code. You have %(count)d backup codes left.",
        remaining,
    ) % {"count": remaining}
    if remaining <= LOW_BACKUP_CODES:
        text += " " + _("Make new backup codes under Two-step log-in.")
    messages.warning(request, text)


def _setup_context(device, form):
    return {
        "form": form,
        "secret": " ".join(
            device.base32_key[i : i + 4] for i in range(0, len(device.base32_key), 4)
        ),
        "config_url": device.config_url,
        "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
    }


def _show_backup_codes(request, codes, next_url, *, new_setup):
    """The codes are shown once, in the answer to the POST that made them: they are never
    stored in plain text, not even in the session."""
    context = {"codes": codes, "next_url": next_url, "new_setup": new_setup}
    return render(request, "accounts/backup_codes.html", context)


@policy(Policy.PUBLIC)
@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def login_setup(request):
    """Second step for someone whose school requires it (or whose two-step log-in the school
    administrator reset) and who has no authenticator yet: set one up, confirm it with a code,
    and that code completes the log-in. The backup codes are shown next."""
    user, next_url = pending_login(request)
    if user is None:
        return _no_pending_login(request)
    if confirmed_device(user) is not None:
        return redirect("accounts:login_code")
    device = unconfirmed_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if locked := _locked(request, user):
            return locked
        if form.is_valid():
            if device.verify_token(form.cleaned_data["code"]):
                codes = actions.confirm_authenticator(request=request, user=user, device=device)
                clear_pending_login(request)
                login(request, user, backend=user.backend)  # rotates the session key
                mark_two_factor_verified(request)
                messages.success(request, _("Two-step log-in is set up."))
                return _show_backup_codes(request, codes, next_url, new_setup=True)
            _refused_code(request, user, form)
    context = _setup_context(device, form) | {"during_login": True}
    return render(request, "accounts/setup.html", context)


def _confirmation_method(request, user, text) -> str | None:
    """How the user confirmed a change to their two-step log-in: "code" (a current code from
    the app) or "password"; None when it is neither. A wrong password or code counts as a
    failed log-in (audited, towards the lock), so this form cannot be used to guess."""
    if not AxesProxyHandler.is_allowed(request, {"username": user.get_username()}):
        return None  # locked after too many failures: not even the right answer counts
    digits = "".join(text.split())
    device = confirmed_device(user)
    if device is not None and digits.isdigit() and len(digits) == 6:
        # Never a password: passwords have at least 10 characters and are not all digits.
        if device.verify_token(digits):
            return "code"
        user_login_failed.send(
            sender=__name__, credentials={"username": user.get_username()}, request=request
        )
        return None
    # authenticate() checks the lock first and reports a wrong password itself.
    if authenticate(request, username=user.get_username(), password=text) is not None:
        return "password"
    return None


@policy(Policy.LOGGED_IN)
@sensitive_post_parameters("code", "confirmation")
@never_cache
def two_step(request):
    """The user's own two-step log-in: set up an authenticator app; new backup codes or
    switching it off, each confirmed with the password or a current code."""
    user = request.user
    device = confirmed_device(user)
    required = two_factor_required(user) or setup_requested(user)
    if device is not None:
        return _manage_two_step(request, user, device, required)

    device = unconfirmed_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            codes = actions.confirm_authenticator(request=request, user=user, device=device)
            mark_two_factor_verified(request)
            messages.success(request, _("Two-step log-in is set up."))
            return _show_backup_codes(request, codes, None, new_setup=True)
        form.add_error("code", WRONG_CODE)
    context = _setup_context(device, form) | {"during_login": False, "required": required}
    return render(request, "accounts/setup.html", context)


def _manage_two_step(request, user, device, required):
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ("remove", "backup_codes"):
            form.add_error(None, _("Choose what to do."))
        elif action == "remove" and required:
            form.add_error(
                None, _("Your school requires two-step log-in: it cannot be switched off.")
            )
        elif form.is_valid():
            method = _confirmation_method(request, user, form.cleaned_data["confirmation"])
            if method is None:
                form.add_error("confirmation", WRONG_CONFIRMATION)
            elif action == "remove":
                actions.remove_two_factor(request=request, user=user, confirmed_with=method)
                messages.success(request, _("Two-step log-in is switched off."))
                return redirect("accounts:two_step")
            else:
                codes = actions.create_backup_codes(request=request, user=user)
                return _show_backup_codes(request, codes, None, new_setup=False)
    context = {
        "device": device,
        "required": required,
        "form": form,
        "backup_codes_left": actions.remaining_backup_codes(user),
        "administered_schools": administered_schools(user),
    }
    return render(request, "accounts/two_step.html", context)


@policy(Policy.SCHOOL, Perm.ADMINISTER_SCHOOL)
@never_cache
def staff_two_step(request, school_id):
    """The school administrator's view of the staff's two-step log-in, with a reset for a
    staff member who lost their phone. Another school's page does not exist (404)."""
    if not may_administer(request.user, school_id):
        raise Http404
    school = get_object_or_404(School, pk=school_id)
    form = StaffResetForm(request.POST if request.method == "POST" else None, school=school)
    if request.method == "POST" and form.is_valid():
        membership = form.cleaned_data["membership"]
        actions.reset_two_factor(request=request, actor=request.user, membership=membership)
        messages.success(
            request,
            _(
                "The two-step log-in of %(name)s is reset. They set it up again when they "
                "next log in."
            )
            % {"name": membership.user.get_full_name() or membership.user.get_username()},
        )
        return redirect("accounts:staff_two_step", school_id=school.pk)
    staff = (
        school.memberships.select_related("user", "user__two_factor_reset")
        .annotate(
            has_app=Exists(
                AuthenticatorDevice.objects.filter(user=OuterRef("user"), confirmed=True)
            ),
            backup_codes=Count("user__backupcodedevice__codes"),
        )
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    rows = [
        {
            "membership": m,
            "required": m.role in REQUIRING_ROLES and school.require_two_factor,
            "pending": hasattr(m.user, "two_factor_reset"),
        }
        for m in staff
    ]
    context = {"school": school, "rows": rows, "form": form}
    return render(request, "accounts/staff_two_step.html", context)


class AuditedPasswordChangeView(auth_views.PasswordChangeView):
    """Changing one's own password (Django's view: the old password, the new one twice, the
    validators; the session stays, other sessions end). Audit entry `auth.password_changed`,
    in the same transaction as the new password."""

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            _record(self.request, self.request.user, "auth.password_changed")
        return response


password_change_view = policy(Policy.LOGGED_IN)(AuditedPasswordChangeView.as_view())


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): the same page whether or not the
    account exists, and no username in it."""
    context = {"cooloff_minutes": settings.AXES_COOLOFF_MINUTES}
    return render(request, "accounts/locked_out.html", context, status=429)
