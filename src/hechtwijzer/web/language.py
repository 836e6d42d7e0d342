"""Language selection: Dutch unless the user chose English.

Django's LocaleMiddleware also follows the browser's Accept-Language header, so a Dutch teacher
on an English-language laptop would get English. Hechtwijzer is Dutch first: only an explicit
choice (the language switch, stored in the language cookie) changes it.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


def language_middleware(get_response):
    supported = {code for code, _name in settings.LANGUAGES}

    def middleware(request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response

    return middleware
