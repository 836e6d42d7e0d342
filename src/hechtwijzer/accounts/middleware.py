"""The idle timeout: a session unused for IDLE_TIMEOUT_MINUTES ends."""

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

LAST_ACTIVITY_KEY = "hechtwijzer_last_activity"
# The timestamp is written at most once a minute, so most requests do not save the session.
WRITE_INTERVAL = 60


@receiver(user_logged_in)
def start_activity_clock(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LAST_ACTIVITY_KEY] = int(time.time())


def idle_timeout(get_response):
    def middleware(request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - last > settings.IDLE_TIMEOUT_MINUTES * 60:
                logout(request)  # flushes the session; the audit trail records the log-out
                messages.info(
                    request, _("You were logged out because Hechtwijzer was not used for a while.")
                )
                return _to_login(request)
            if last is None or now - last >= WRITE_INTERVAL:
                request.session[LAST_ACTIVITY_KEY] = now
        return get_response(request)

    return middleware


def _to_login(request):
    if request.headers.get("HX-Request"):
        # htmx would put the log-in page inside a fragment: let it load the whole page.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
        return response
    if request.method in ("GET", "HEAD"):
        return redirect_to_login(request.get_full_path())
    return redirect(settings.LOGIN_URL)
