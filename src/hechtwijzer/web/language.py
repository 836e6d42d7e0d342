"""Language selection: Dutch unless the user chose English, in the words of the user's school.

Django's LocaleMiddleware also follows the browser's Accept-Language header, so a Dutch teacher
on an English-language laptop would get English. Hechtwijzer is Dutch first: only an explicit
choice (the language switch, stored in the language cookie) changes it. A Flemish school then
reads that language's Flemish variant (`nl-be`, `en-be`; `hechtwijzer.words`), decided at
log-in and kept in the session.
"""

from django.conf import settings
from django.contrib.auth import SESSION_KEY as USER_KEY
from django.utils import translation
from django.utils.cache import patch_vary_headers

from hechtwijzer import words


def language_middleware(get_response):
    supported = {code for code, _name in settings.LANGUAGES}

    def middleware(request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language  # the choice, as the language switch shows it
        translation.activate(words.variant(language, _country(request)))
        response = get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        patch_vary_headers(response, ("Cookie",))
        return response

    return middleware


def _country(request) -> str:
    session = getattr(request, "session", None)
    if session is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return ""  # no session yet (the log-in page): nothing to read, nothing to create
    country = session.get(words.SESSION_KEY)
    if country is None and session.get(USER_KEY):
        # A session from before the country was kept at log-in: look it up once.
        country = session[words.SESSION_KEY] = words.country_of(session[USER_KEY])
    return country or ""
