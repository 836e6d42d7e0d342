"""Pages, and parts of pages, kept per version of a school's records.

A page that reads much of a pupil's or a school's records (the pupil page, the focus card, a
group's heat map, the school overview, the card's PDF) is computed once and kept in this
process's cache until the school's records change. `SchoolVersion` says why that cannot show
stale data: every change goes through a domain function that writes its audit entry, the entry
moves the version in the change's own transaction, and the version is read here before anything
it stands for. Reads are still recorded on every request, by the door or the view, before this
is asked.

What else the kept copy depends on is part of its key: the user (what they may see and do), the
day (what counts as recent, what may still be corrected), the language and the school's words,
the full path with its query string (page number, period, opened group), and for a page with
forms the browser's CSRF secret, so that a kept form never carries another session's token.
The key is a hash: no pupil identifier or secret is readable in the cache's keys.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from hechtwijzer.audit.models import school_version

T = TypeVar("T")

# How long a kept page lives at most. A change of the school's records, the next day or another
# language or path replaces it sooner; this only bounds the memory a page no one asks for again
# holds, and anything that changes without an audit entry (an operator's shell) shows within it.
KEPT_SECONDS = 15 * 60


def kept(
    request: HttpRequest,
    name: str,
    school_id: int,
    compute: Callable[[], T],
    *,
    forms: bool = True,
) -> T:
    """`compute()`'s result for this request, computed once per version of the school's records.

    `name` tells apart the pages that share a path (none today, but a partial and its page
    might). `forms`: whether the result holds forms with a CSRF token; then the key holds the
    browser's CSRF secret, made first if this browser has none yet."""
    secret = ""
    if forms:
        get_token(request)  # makes the secret now, so the key and the kept forms agree
        secret = request.META.get("CSRF_COOKIE", "")
    user = getattr(request, "user", None)
    key = (
        f"kept:{name}:"
        + hashlib.sha256(
            repr(
                (
                    school_id,
                    school_version(school_id),  # first: what is computed below is at least this new
                    user.pk if user is not None else None,
                    secret,
                    timezone.localdate(),
                    get_language(),
                    request.get_full_path(),
                )
            ).encode()
        ).hexdigest()
    )
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, KEPT_SECONDS)
    return value
