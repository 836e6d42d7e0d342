"""Domain functions for personal API tokens: make, revoke, and find the token of a request.

Making and revoking write their audit entry in the same transaction (`api_token.create`,
`api_token.revoke`; never the token). `authenticate` is what the API asks on every request: it
answers the token only while it, its user and the user's school access are all still valid,
so a token of a deactivated account, or of someone no longer on any school's staff, does
nothing. `count_request` is the per-token rate limit. `purge_ended` deletes tokens that ended
long ago (the daily retention run).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hechtwijzer.access import memberships
from hechtwijzer.audit.models import record

from .models import DEFAULT_DAYS, MAX_DAYS, ApiToken, Scope

TOKEN_PREFIX = "hw"  # noqa: S105  (the marker in front of every token, not a secret)
MAX_NAME = 100


def _digest(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def create_token(
    *,
    actor: Any,
    user: Any,
    name: str,
    scope: str = Scope.READ,
    days: int = DEFAULT_DAYS,
    request: Any = None,
) -> tuple[ApiToken, str]:
    """Make a token for `user` (the user on their own page, or an operator: actor None).

    Returns the row and the token itself, which is shown once and never stored. Side effects:
    the row (prefix, digest), audit `api_token.create` with the scope and the days.
    """
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the token a name, so that you recognise it later.")]
    elif len(name) > MAX_NAME:
        errors["name"] = [_("Keep the name under %(max)d characters.") % {"max": MAX_NAME}]
    if scope not in Scope.values:
        errors["scope"] = [_("Choose read only or read and write.")]
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        errors["days"] = [_("Choose between 1 and %(max)d days.") % {"max": MAX_DAYS}]
    if not user.is_active:
        errors["user"] = [_("This account is switched off.")]
    if errors:
        raise ValidationError(errors)
    prefix = secrets.token_hex(4)
    plain = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=prefix,
            digest=_digest(plain),
            scope=scope,
            created_at=now,
            expires_at=now + datetime.timedelta(days=days),
        )
        record(
            action="api_token.create",
            request=request,
            actor=actor,
            object_type="api_token",
            object_id=prefix,
            details={"user": user.get_username(), "scope": scope, "days": days},
        )
    return token, plain


def revoke_token(*, actor: Any, token: ApiToken, request: Any = None) -> ApiToken:
    """Stop a token at once (its owner, or an operator: actor None). Revoking twice changes
    nothing. Side effects: `revoked_at`, audit `api_token.revoke`."""
    if actor is not None and actor.pk != token.user_id:
        raise PermissionDenied
    with transaction.atomic():
        current = ApiToken.objects.select_for_update().get(pk=token.pk)
        if current.revoked_at is not None:
            return current
        current.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at"])
        record(
            action="api_token.revoke",
            request=request,
            actor=actor,
            object_type="api_token",
            object_id=current.prefix,
            details={"user": current.user.get_username()},
        )
    return current


# How long a token that ended (expired or revoked) stays in its owner's list, so they can see
# what stopped working and when. The audit trail keeps for good that it was made and revoked.
KEEP_ENDED = datetime.timedelta(days=90)


def purge_ended(now: datetime.datetime | None = None) -> int:
    """Delete the tokens that expired or were revoked more than `KEEP_ENDED` ago: a row that
    can never authenticate again, which still names its owner and when they last used it.
    Answers how many were deleted. Run by `hechtwijzer retention` and `daily`
    (`privacy.retention.register_purge`, in this app's `ready()`)."""
    cutoff = (now or timezone.now()) - KEEP_ENDED
    deleted, _ = ApiToken.objects.filter(
        Q(expires_at__lt=cutoff) | Q(revoked_at__lt=cutoff)
    ).delete()
    return deleted


def authenticate(plain: str) -> ApiToken | None:
    """The usable token `plain` names, with its user, or None (one query, and the user's
    memberships, which the access policy loads anyway)."""
    parts = (plain or "").split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.digest, _digest(plain)):
        return None
    if not token.is_usable or not token.user.is_active or not memberships(token.user):
        return None
    return token


def count_request(token: ApiToken) -> int | None:
    """Count one request of `token` in its fixed window of `API_RATE_WINDOW_SECONDS`.

    Returns None when the request may go ahead, else the seconds until the window ends (for
    `Retry-After`); a refused request is not counted. The count lives in the token's row, so
    every app server sees the same one; requests racing at a window's edge may let one or two
    more through, never fewer."""
    now = timezone.now()
    window = datetime.timedelta(seconds=settings.API_RATE_WINDOW_SECONDS)
    current = token.window_start is not None and token.window_start > now - window
    if current and token.window_count >= settings.API_RATE_LIMIT:
        left = (token.window_start + window - now).total_seconds()
        return max(1, int(left) + (left % 1 > 0))
    counted = ApiToken.objects.filter(pk=token.pk, window_start__gt=now - window).update(
        window_count=F("window_count") + 1, last_used_at=now
    )
    if not counted:
        ApiToken.objects.filter(pk=token.pk).update(
            window_start=now, window_count=1, last_used_at=now
        )
    return None
