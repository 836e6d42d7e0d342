"""Response headers: pages that may show pupil data, and the browser features they may use."""

from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http.multipartparser import MultiPartParserError
from django.utils.cache import add_never_cache_headers

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
UTF8_NAMES = ("utf-8", "utf8")


def private_pages(get_response):
    """Keep every page out of browser and proxy caches (`Cache-Control: no-store`).

    Pages of this product show data about children; a shared school computer's cache or a
    proxy must not keep them. Static files are served before this middleware runs (WhiteNoise),
    so they stay cacheable.
    """

    def middleware(request):
        response = get_response(request)
        add_never_cache_headers(response)
        return response

    return middleware


def permissions_policy(get_response):
    """`Permissions-Policy` on every response: the features in `PERMISSIONS_POLICY` (camera,
    microphone, geolocation, payment, …) with their allow-lists, `()` for none.

    Nothing in the app uses them; switching them off means a script that got in somehow, or a
    page embedded in one of ours, cannot ask for them either.
    """
    value = ", ".join(
        f"{feature}=({' '.join(allowed)})"
        for feature, allowed in settings.PERMISSIONS_POLICY.items()
    )

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", value)
        return response

    return middleware


def utf8_forms(get_response):
    """Refuse (400) a form body that is not UTF-8.

    Every page of the app is UTF-8 and browsers post its forms that way. Django refuses a
    form in another charset it knows (latin-1), but ignores one it does not know
    (`charset=unknown-8bit`) and decodes the bytes as UTF-8, replacing what does not decode
    with U+FFFD: a note would be saved with its letters silently replaced. Such a request
    was not sent by one of our pages, so it is refused before any view reads it (and before
    the door writes an audit entry for it). A multipart body that does not parse is refused
    here for the same reason.
    """

    def middleware(request):
        if request.method not in ("GET", "HEAD", "OPTIONS") and request.content_type in FORM_TYPES:
            charset = request.content_params.get("charset", "utf-8").strip().lower()
            if charset not in UTF8_NAMES:
                raise BadRequest("a form body in a charset other than UTF-8")
            if request.content_type == FORM_TYPES[0]:
                try:
                    unquote_to_bytes(request.body.replace(b"+", b" ")).decode("utf-8")
                except UnicodeDecodeError:
                    raise BadRequest("a form body that is not UTF-8") from None
            try:
                request.POST  # noqa: B018  (parsed here, so a view never starts on a broken body)
            except MultiPartParserError as error:
                raise BadRequest("a malformed multipart body") from error
        return get_response(request)

    return middleware
