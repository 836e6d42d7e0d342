"""Two limits on failed log-ins, where django-axes knows one (AXES_HANDLER).

axes counts failures per lockout parameter and compares the highest count with one limit
(AXES_FAILURE_LIMIT). Our parameters are the username (from anywhere) and the pair of username
and address, so one person's wrong passwords lock that account only: a school whose staff all
share one NAT address keeps logging in. An address that fails for many usernames (password
spraying) is throttled too, at AXES_ADDRESS_FAILURE_LIMIT failures within the cool-off period:
counted from axes' own AccessAttempt rows (one per username, address and browser), so there is
no second record of attempts.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


class AccountAndAddressHandler(AxesDatabaseHandler):
    def address_failures(self, request) -> int:
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return 0
        recent = AccessAttempt.objects.filter(
            ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
        )
        return recent.aggregate(n=Sum("failures_since_start"))["n"] or 0

    def address_throttled(self, request) -> bool:
        return self.address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or self.address_throttled(request)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or request.axes_locked_out or not self.address_throttled(request):
            return
        # Flag the request as axes does, so its middleware answers with the lockout page.
        request.axes_locked_out = True
        request.axes_credentials = credentials
        user_locked_out.send(
            "axes",
            request=request,
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        )


def purge_expired_records() -> dict[str, int]:
    """Delete what the throttle no longer needs (run by `hechtwijzer retention`): attempts
    older than the cool-off (they hold the typed username, perhaps a mistyped password), and
    any log of log-ins axes wrote before its access log was switched off. axes itself only
    cleans old attempts when someone tries to log in again."""
    threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=threshold).delete()
    logs, _ = AccessLog.objects.all().delete()
    failure_logs, _ = AccessFailureLog.objects.all().delete()
    return {"attempts": attempts, "access_logs": logs + failure_logs}
