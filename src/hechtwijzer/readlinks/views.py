"""The public page of a read link (`/l/<token>/`), and the staff's list of a pupil's links.

Why `/l/<token>/` is public (door.Policy.PUBLIC): its reader has no account by design (the
parents, later a care partner), so the token is the credential. What keeps it safe: 256
random bits (not guessable, not enumerable), stored only hashed; one document per link, made
by the kind that owns it; it stops at its expiry date or when revoked; an unknown, expired or
revoked token gets the same 404 page; every opening and every miss is on the audit trail with
the link and the client's address, and an address with too many misses is refused for a
while (429). The answers carry no-store, noindex and no-referrer, so neither a cache, a
search engine nor a link followed from the document keeps or passes on the token.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from hechtwijzer.access import Perm
from hechtwijzer.door import Policy, policy, pupil_view

from . import actions, kinds
from .models import ReadLink


def _closed(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_safe
@policy(Policy.PUBLIC)  # the token is the credential; see the module's docstring
def open_document(request, token):
    """The one document a link shows, or the same 404 for an unknown, expired or revoked
    token."""
    if actions.throttled(request):
        return _closed(render(request, "readlinks/throttled.html", status=429))
    link = actions.open_link(request, token)
    if link is None:
        return _closed(render(request, "readlinks/gone.html", status=404))
    document = kinds.get(link.kind).render(link)
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = document.disposition
    return _closed(response)


def _kind_label(code: str) -> str:
    kind = kinds.get(code)
    return kind.label() if kind else code


@require_safe
@pupil_view(Perm.SHARE_DOCUMENTS, action="readlink.list")
def pupil_links(request, pupil):
    """The pupil's read links that the user may manage: active ones with a revoke button, and
    the ones that ended in the last 30 days."""
    now = timezone.now()
    links = [
        link
        for link in ReadLink.objects.filter(pupil=pupil)
        .select_related("created_by", "revoked_by")
        .order_by("-created_at")[:200]
        if actions.may_manage(request.user, link.kind, pupil)
    ]
    recent = now - datetime.timedelta(days=30)
    context = {
        "pupil": pupil,
        "active": [
            {"link": link, "kind": _kind_label(link.kind)} for link in links if link.is_active(now)
        ],
        "ended": [
            {"link": link, "kind": _kind_label(link.kind)}
            for link in links
            if not link.is_active(now) and (link.revoked_at or link.expires_at) >= recent
        ],
    }
    return render(request, "readlinks/pupil_links.html", context)


@require_POST
@pupil_view(Perm.SHARE_DOCUMENTS, action=None)  # the revocation is recorded by the domain
def revoke(request, pupil, uid):
    link = get_object_or_404(ReadLink, pupil=pupil, uid=uid)
    try:
        actions.revoke_link(actor=request.user, link=link)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("The link was revoked: it no longer opens anything."))
    return redirect("readlinks:pupil_links", pupil.public_id)
