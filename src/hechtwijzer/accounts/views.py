"""Log-in in one or two steps, setting up the authenticator app, and the lockout page.

See `twofactor.py` for the design: after the password the visitor stays anonymous until the
second step succeeds.
"""

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from hechtwijzer.audit.models import record
from hechtwijzer.door import Policy, policy

from .forms import CodeForm
from .twofactor import (
    clear_pending_login,
    confirmed_device,
    mark_two_factor_verified,
    pending_login,
    start_pending_login,
    two_factor_required,
    unconfirmed_device,
)

WRONG_CODE = gettext_lazy(
    "This code is not right, or it was used already. Wait for the next code and try again."
)


class TwoStepLoginView(auth_views.LoginView):
    """The password step. Without a second factor it logs in as Django's view does;
    otherwise it hands over to the code (or set-up) page without logging in."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        device = confirmed_device(user)
        if device is None and not two_factor_required(user):
            clear_pending_login(self.request)
            return super().form_valid(form)
        # A new session key for the half-finished log-in, and another one at `login()`.
        self.request.session.cycle_key()
        start_pending_login(self.request, user, self.get_success_url())
        return redirect("accounts:login_code" if device else "accounts:login_setup")


login_view = policy(Policy.PUBLIC)(TwoStepLoginView.as_view())


def _no_pending_login(request):
    messages.info(request, _("Please log in again: the log-in took too long or was not started."))
    return redirect(settings.LOGIN_URL)


def _refused_code(request, user, form):
    """Count a wrong code like a wrong password: on the audit trail and towards the lock."""
    form.add_error("code", WRONG_CODE)
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
@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def login_code(request):
    """Second step: the code from the authenticator app."""
    user, next_url = pending_login(request)
    if user is None:
        return _no_pending_login(request)
    device = confirmed_device(user)
    if device is None:
        return redirect("accounts:login_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if locked := _locked(request, user):
            return locked
        if form.is_valid():
            if device.verify_token(form.cleaned_data["code"]):
                return _finish_login(request, user, next_url)
            _refused_code(request, user, form)
    return render(request, "accounts/login_code.html", {"form": form})


def _setup_context(device, form):
    return {
        "form": form,
        "secret": " ".join(
            device.base32_key[i : i + 4] for i in range(0, len(device.base32_key), 4)
        ),
        "config_url": device.config_url,
        "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
    }


@policy(Policy.PUBLIC)
@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def login_setup(request):
    """Second step for someone whose school requires it and who has no authenticator yet:
    set one up, confirm it with a code, and that code completes the log-in."""
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
                device.confirmed = True
                device.save()
                _record(request, user, "auth.two_factor_added")
                messages.success(request, _("Two-step log-in is set up."))
                return _finish_login(request, user, next_url)
            _refused_code(request, user, form)
    context = _setup_context(device, form) | {"during_login": True}
    return render(request, "accounts/setup.html", context)


@policy(Policy.LOGGED_IN)
@sensitive_post_parameters("code")
@never_cache
def two_step(request):
    """The user's own two-step log-in: set up an authenticator app, or remove it."""
    user = request.user
    device = confirmed_device(user)
    required = two_factor_required(user)
    if device is not None:
        if request.method == "POST" and "remove" in request.POST:
            if required:
                messages.error(
                    request, _("Your school requires two-step log-in: it cannot be switched off.")
                )
                return redirect("accounts:two_step")
            device.delete()
            _record(request, user, "auth.two_factor_removed")
            messages.success(request, _("Two-step log-in is switched off."))
            return redirect("accounts:two_step")
        return render(request, "accounts/two_step.html", {"device": device, "required": required})

    device = unconfirmed_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save()
            _record(request, user, "auth.two_factor_added")
            messages.success(request, _("Two-step log-in is set up."))
            return redirect("accounts:two_step")
        form.add_error("code", WRONG_CODE)
    context = _setup_context(device, form) | {"during_login": False, "required": required}
    return render(request, "accounts/setup.html", context)


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
