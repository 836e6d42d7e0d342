"""Making, revoking and opening read links. Every change and every opening is audited, in the
same transaction; the audit entries hold the link's uid and kind, never the token."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hechtwijzer.access import Perm, allows
from hechtwijzer.audit.models import AuditEntry, record
from hechtwijzer.network import client_ip
from hechtwijzer.schools.models import PupilStatus

from . import kinds
from .models import ReadLink, token_hash

TOKEN_BYTES = 32  # 256 bits; secrets.token_urlsafe makes 43 URL-safe characters of them
TOKEN_LENGTH = 43
RECIPIENT_MAX = 200
# Opening links: misses (an unknown, expired or revoked token) per client address within
# MISS_WINDOW, after which that address is refused every link until the window has passed.
MISS_LIMIT = 20
MISS_WINDOW = datetime.timedelta(minutes=15)


def may_manage(user, link_or_kind, pupil) -> bool:
    """Whether `user` may make, see or revoke links of this kind for `pupil`."""
    kind = link_or_kind if isinstance(link_or_kind, kinds.DocumentKind) else kinds.get(link_or_kind)
    return (
        kind is not None
        and allows(user, Perm.SHARE_DOCUMENTS, pupil)
        and allows(user, kind.permission, pupil)
    )


def create_link(
    *,
    actor,
    pupil,
    kind: str,
    target: str,
    recipient: str,
    days: int | None = None,
    options: dict | None = None,
) -> tuple[ReadLink, str]:
    """Make a link to one document; returns the link and its token, which is shown once and
    stored only hashed. Audit `readlink.create` (uid, kind, days; not the recipient)."""
    document_kind = kinds.get(kind)
    if document_kind is None:
        raise ValidationError({"kind": _("This kind of document cannot be shared.")})
    if not may_manage(actor, document_kind, pupil):
        raise PermissionDenied
    recipient = (recipient or "").strip()
    errors = {}
    if not recipient:
        errors["recipient"] = _("Say for whom the link is, e.g. “the parents of Eline”.")
    elif len(recipient) > RECIPIENT_MAX:
        errors["recipient"] = _("At most %(n)d characters.") % {"n": RECIPIENT_MAX}
    days = document_kind.default_days if days is None else days
    if not 1 <= days <= document_kind.max_days:
        errors["days"] = _("A link works for 1 to %(n)d days.") % {"n": document_kind.max_days}
    if errors:
        raise ValidationError(errors)
    stored = document_kind.check(pupil=pupil, target=target, options=options or {})
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = timezone.now()
    with transaction.atomic():
        link = ReadLink(
            token_hash=token_hash(token),
            kind=kind,
            target=str(target),
            options=stored,
            pupil=pupil,
            recipient=recipient,
            created_by=actor,
            created_at=now,
            expires_at=now + datetime.timedelta(days=days),
        )
        link.save()
        record(
            action="readlink.create",
            actor=actor,
            pupil=pupil,
            details={"link": str(link.uid), "kind": kind, "days": days},
        )
    return link, token


def revoke_link(*, actor, link: ReadLink) -> ReadLink:
    """Stop a link now (idempotent: a revoked link stays revoked as it was). Audit
    `readlink.revoke`."""
    if not may_manage(actor, link.kind, link.pupil):
        raise PermissionDenied
    with transaction.atomic():
        link = ReadLink.objects.select_for_update().get(pk=link.pk)
        if link.revoked_at is not None:
            return link
        link.revoked_at = timezone.now()
        link.revoked_by = actor
        link.save(update_fields=["revoked_at", "revoked_by"])
        record(
            action="readlink.revoke",
            actor=actor,
            pupil=link.pupil,
            details={"link": str(link.uid), "kind": link.kind},
        )
    return link


def throttled(request) -> bool:
    """Whether the client's address missed too often lately (counted from the audit trail's
    `readlink.miss` entries, so every server agrees and nothing else is kept)."""
    address = client_ip(request)
    since = timezone.now() - MISS_WINDOW
    misses = AuditEntry.objects.filter(action="readlink.miss", remote_addr=address, at__gte=since)
    return misses.count() >= MISS_LIMIT


def _why_closed(link: ReadLink, now) -> str:
    """Why a known link opens nothing ("" when it opens its document)."""
    if link.revoked_at is not None:
        return "revoked"
    if link.expires_at <= now:
        return "expired"
    if link.pupil.status != PupilStatus.ACTIVE:
        return "pupil_left"  # the school no longer shares about a pupil who left
    if kinds.get(link.kind) is None:
        return "unknown_kind"  # its kind is no longer registered
    return ""


def open_link(request, token: str) -> ReadLink | None:
    """The active link for `token`, with the opening audited (`readlink.view`: the link's uid
    and kind, the client's address), or None for an unknown, expired or revoked token, or a
    link of a pupil who left the school; those are audited too (`readlink.miss`, for a known
    link with its uid and why), and the caller answers all of them alike."""
    link = None
    if isinstance(token, str) and len(token) == TOKEN_LENGTH:
        link = (
            ReadLink.objects.select_related("pupil__school")
            .filter(token_hash=token_hash(token))
            .first()
        )
    now = timezone.now()
    with transaction.atomic():
        why = _why_closed(link, now) if link is not None else "unknown"
        if why:
            details = {}
            if link is not None:
                details = {"link": str(link.uid), "kind": link.kind, "why": why}
            record(
                action="readlink.miss",
                request=request,
                pupil=link.pupil if link else None,
                object_type="readlink",
                object_id=str(link.uid) if link else "",
                details=details,
                change=False,  # a refused opening changes nothing (audit.SchoolVersion)
            )
            return None
        ReadLink.objects.filter(pk=link.pk).update(views=F("views") + 1, last_viewed_at=now)
        record(
            action="readlink.view",
            request=request,
            pupil=link.pupil,
            details={"link": str(link.uid), "kind": link.kind},
        )
    return link
