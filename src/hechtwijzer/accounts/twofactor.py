"""Who needs a second factor, and the half-finished log-in between the two steps.

Design: the password step does NOT log the user in when a second step follows. It puts a
signed, short-lived token (user id, backend, a hash of the password) into the anonymous
session and redirects to the code page (or, where the school requires a second factor and the
user has no authenticator yet, to the set-up page). Only a correct code calls Django's
`login()`, which rotates the session key. Until then the visitor is anonymous everywhere, so no
page can be reached with the password alone, whatever middleware order or URL is used.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import load_backend
from django.core import signing
from django.utils.crypto import constant_time_compare

from hechtwijzer.access import memberships
from hechtwijzer.schools.models import Role

from .models import AuthenticatorDevice, TwoFactorReset

PENDING_SESSION_KEY = "hechtwijzer_pending_login"
PENDING_SALT = "hechtwijzer.accounts.pending-login"
# Set in a session that was opened (or later confirmed) with a second factor.
TWO_FACTOR_SESSION_KEY = "hechtwijzer_two_factor"
# Roles that see or manage a whole school: a school can require the second factor of them.
REQUIRING_ROLES = (Role.CARE_COORDINATOR, Role.SCHOOL_ADMIN)


def two_factor_required(user) -> bool:
    """Whether a school of the user requires a second factor for the user's role there.

    Reads the memberships cached on the user object (access.memberships), so the session check
    on every request costs no query on pages that show the user's schools anyway."""
    return any(m.role in REQUIRING_ROLES and m.school.require_two_factor for m in memberships(user))


def setup_requested(user) -> bool:
    """Whether the school administrator reset the user's two-step log-in and the user has not
    set it up again yet: the next log-in leads to the set-up, whatever the school requires."""
    return TwoFactorReset.objects.filter(user=user).exists()


def mark_two_factor_verified(request) -> None:
    """Remember in the session that its user proved the second factor in it."""
    request.session[TWO_FACTOR_SESSION_KEY] = True


def confirmed_device(user) -> AuthenticatorDevice | None:
    return AuthenticatorDevice.objects.filter(user=user, confirmed=True).first()


def unconfirmed_device(user) -> AuthenticatorDevice:
    """The device being set up: the same secret on every reload until it is confirmed."""
    device = AuthenticatorDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = AuthenticatorDevice.objects.create(
            user=user, name="authenticator", confirmed=False
        )
    return device


def _password_hash(user) -> str:
    return user.get_session_auth_hash()


def start_pending_login(request, user, redirect_to: str) -> None:
    request.session[PENDING_SESSION_KEY] = signing.dumps(
        {"u": user.pk, "b": user.backend, "h": _password_hash(user), "next": redirect_to},
        salt=PENDING_SALT,
    )


def pending_login(request):
    """The user who passed the password step in this session, or None when there is none,
    it is older than `TWO_FACTOR_STEP_SECONDS`, or the account changed (password, active)."""
    token = request.session.get(PENDING_SESSION_KEY)
    if not token:
        return None, ""
    try:
        data = signing.loads(token, salt=PENDING_SALT, max_age=settings.TWO_FACTOR_STEP_SECONDS)
    except signing.BadSignature:  # includes SignatureExpired
        clear_pending_login(request)
        return None, ""
    if data.get("b") not in settings.AUTHENTICATION_BACKENDS:
        return None, ""
    user = load_backend(data["b"]).get_user(data["u"])
    if user is None or not constant_time_compare(_password_hash(user), data["h"]):
        clear_pending_login(request)
        return None, ""
    user.backend = data["b"]
    return user, data.get("next") or settings.LOGIN_REDIRECT_URL


def clear_pending_login(request) -> None:
    request.session.pop(PENDING_SESSION_KEY, None)
