"""Log-in, log-out and failed log-ins go on the audit trail."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import record


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    record(action="auth.login", request=request, actor=user, object_type="user", object_id=user.pk)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(
            action="auth.logout", request=request, actor=user, object_type="user", object_id=user.pk
        )


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    # The attempted username is kept (it may be a typo of a real one); the password never is.
    record(
        action="auth.login_failed",
        request=request,
        object_type="user",
        details={"username": str(credentials.get("username", ""))[:150]},
    )
