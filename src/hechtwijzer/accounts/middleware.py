"""The limits of a logged-in session, checked on every request:

- idle: a session unused for IDLE_TIMEOUT_MINUTES ends;
- length: a session ends SESSION_COOKIE_AGE seconds (8 hours) after the log-in, however busy.
  Django's own expiry cannot hold this: every save of the session (the activity clock below,
  a message) moves the session's expiry date forward, so it is the log-in time that counts;
- two-step log-in: a session that was opened without a second factor ends as soon as its user
  needs one (the school switched it on, or the user got a role that requires it).

Each ends the session with Django's `logout()` (audited as `auth.logout`, with the reason) and
a calm message on the log-in page.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hechtwijzer.audit.signals import LOGOUT_REASON_ATTR

from .twofactor import TWO_FACTOR_SESSION_KEY, two_factor_required

LAST_ACTIVITY_KEY = "hechtwijzer_last_activity"
LOGIN_TIME_KEY = "hechtwijzer_login_time"
# The timestamp is written at most once a minute, so most requests do not save the session.
WRITE_INTERVAL = 60


@receiver(user_logged_in)
def start_session_clocks(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_TIME_KEY] = now
        request.session[LAST_ACTIVITY_KEY] = now


def session_limits(get_response):
    def middleware(request):
        if request.user.is_authenticated and (ended := _end_if_over_a_limit(request)):
            return ended
        return get_response(request)

    return middleware


def _end_if_over_a_limit(request):
    session = request.session
    now = int(time.time())
    login_time = session.get(LOGIN_TIME_KEY)
    # A session without a log-in time predates this check: it cannot prove its age, so it ends.
    if login_time is None or now - login_time >= settings.SESSION_COOKIE_AGE:
        hours = max(1, round(settings.SESSION_COOKIE_AGE / 3600))
        message = ngettext(
            "You were logged out because a log-in lasts at most %(hours)d hour. "
            "Please log in again.",
            "You were logged out because a log-in lasts at most %(hours)d hours. "
            "Please log in again.",
            hours,
        ) % {"hours": hours}
        return _end(request, "max_age", message)
    last = session.get(LAST_ACTIVITY_KEY)
    if last is not None and now - last > settings.IDLE_TIMEOUT_MINUTES * 60:
        message = _("You were logged out because Hechtwijzer was not used for a while.")
        return _end(request, "idle", message)
    # Only sessions opened without a second factor need the check (no query for the others;
    # for them it reads the memberships every page loads anyway, see access.memberships).
    if not session.get(TWO_FACTOR_SESSION_KEY) and two_factor_required(request.user):
        message = _(
            "Your school now asks for two-step log-in for your role. Please log in again; "
            "Hechtwijzer will help you set it up."
        )
        return _end(request, "two_factor_required", message)
    if last is None or now - last >= WRITE_INTERVAL:
        session[LAST_ACTIVITY_KEY] = now
    return None


def _end(request, reason, message):
    setattr(request, LOGOUT_REASON_ATTR, reason)
    logout(request)  # flushes the session; the audit trail records the log-out and the reason
    messages.info(request, message)
    return _to_login(request)


def _to_login(request):
    if request.headers.get("HX-Request"):
        # htmx would put the log-in page inside a fragment: let it load the whole page.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
        return response
    if request.method in ("GET", "HEAD"):
        return redirect_to_login(request.get_full_path())
    return redirect(settings.LOGIN_URL)
