"""Log-in, log-out and failed log-ins go on the audit trail."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils.crypto import salted_hmac

from .models import record

# Set on the request by whoever ends a session for a reason (accounts.middleware: "idle",
# "max_age", "two_factor_required"); the log-out entry names it.
LOGOUT_REASON_ATTR = "hechtwijzer_logout_reason"
# The key of the failed-log-in username digest is derived from SECRET_KEY with this salt.
USERNAME_DIGEST_SALT = "hechtwijzer.audit.failed-login-username"


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    record(action="auth.login", request=request, actor=user, object_type="user", object_id=user.pk)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        reason = getattr(request, LOGOUT_REASON_ATTR, None)
        record(
            action="auth.logout",
            request=request,
            actor=user,
            object_type="user",
            object_id=user.pk,
            details={"reason": reason} if reason else None,
        )


def username_digest(typed: str) -> str:
    """A keyed digest (HMAC-SHA256, key derived from SECRET_KEY) of a typed username that
    belongs to no account: repeated attempts with the same text can be correlated, the text
    itself (perhaps a password typed in the wrong field) is not kept."""
    return salted_hmac(USERNAME_DIGEST_SALT, typed, algorithm="sha256").hexdigest()[:32]


def failed_login_details(typed: str) -> dict[str, str]:
    """What a failed log-in entry keeps of the typed username: the username when it names an
    account (exact match, as the log-in itself compares), otherwise only its keyed digest."""
    typed = str(typed or "")[:150]
    if typed and get_user_model().objects.filter(username=typed).exists():
        return {"username": typed}
    return {"username_digest": username_digest(typed)}


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    # The password is never kept, and neither is a username that names no account.
    record(
        action="auth.login_failed",
        request=request,
        object_type="user",
        details=failed_login_details(credentials.get("username", "")),
    )
