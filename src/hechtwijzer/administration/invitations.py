"""Invitations: how a staff member comes to choose their own password.

A school administrator manages accounts but never knows a password. A new account starts
without a usable password and with an invitation: a single-use link (256 random bits; only its
SHA-256 is stored) that expires after `settings.INVITATION_DAYS`. The link is mailed when the
account has an address, and otherwise shown once to the administrator to pass on. A password
reset is a new invitation: the old password stops working at once (and with it every session
of the account, as Django checks the password hash on each request). A newer invitation closes
the older ones. Opening the link lets the person choose a password (Django's validators);
then it is used up.

Every step is on the audit trail, in the transaction of the change: `invitation.create`,
`staff.password_reset`, `invitation.use`, and `invitation.refused` (an expired, used, replaced
or unknown link that someone tried), `invitation.mail_failed`.

Tests, the demo and operators set passwords without a link: `create_staff_member(actor=None,
password=…)` and `hechtwijzer invite USERNAME` (prints the link).
"""

from __future__ import annotations

import datetime
import logging
import secrets
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hechtwijzer.access import may_administer
from hechtwijzer.audit.models import record
from hechtwijzer.schools.models import Group, Membership, School

from . import actions
from .models import Invitation, InvitationReason, token_digest

logger = logging.getLogger(__name__)
User = get_user_model()


@dataclass(frozen=True)
class Issued:
    """A new invitation. `link` exists only here: show it when `mailed_to` is empty."""

    invitation: Invitation
    link: str
    mailed_to: str  # the address the link went to, "" when it was not mailed


class InvitationClosed(Exception):
    """The link cannot be used: `state` is "expired", "used", "closed" or "unknown"."""

    def __init__(self, state: str):
        super().__init__(state)
        self.state = state


def link_for(token: str, base_url: str | None = None) -> str:
    base = settings.BASE_URL if base_url is None else base_url
    return f"{base.rstrip('/')}{reverse('administration:invitation', args=[token])}"


def _issue(*, actor: Any, user: Any, school: School | None, reason: str) -> tuple[Invitation, str]:
    """Close the account's open invitations and make a new one. Call inside a transaction."""
    now = timezone.now()
    Invitation.objects.filter(user=user, used_at__isnull=True, closed_at__isnull=True).update(
        closed_at=now
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=user,
        school=school,
        token_hash=token_digest(token),
        reason=reason,
        created_by=actor,
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.INVITATION_DAYS),
    )
    record(
        action="invitation.create",
        actor=actor,
        school_id=school.pk if school else None,
        object_type="invitation",
        object_id=invitation.pk,
        details={
            "username": user.get_username(),
            "reason": reason,
            "expires_at": invitation.expires_at.isoformat(),
        },
    )
    return invitation, token


def _mail(invitation: Invitation, link: str) -> str:
    """Mail the link when the account has an address; the address, or "" when not sent."""
    user = invitation.user
    if not user.email:
        return ""
    if "://" not in link:
        # Without BASE_URL (or a command's --base-url) the link is a bare path that no mail
        # program can open: not mailed, so whoever issued it hands it over (on screen, or the
        # command prints it), and the trail says why.
        logger.warning("invitation link without the site's address (BASE_URL): not mailed")
        record(
            action="invitation.mail_failed",
            school_id=invitation.school_id,
            object_type="invitation",
            object_id=invitation.pk,
            details={"username": user.get_username(), "reason": "no site address"},
        )
        return ""
    expires = date_format(timezone.localtime(invitation.expires_at), "j F Y H:i")
    if invitation.reason == InvitationReason.RESET:
        subject = _("Choose a new password for Hechtwijzer")
    else:
        subject = _("Your account for Hechtwijzer")
    body = _(
        "Hello %(name)s,\n\n"
        "Your username for Hechtwijzer is: %(username)s\n\n"
        "Choose your password with this link. It works once and until %(expires)s:\n"
        "%(link)s\n\n"
        "Did you not expect this message? Then do not use the link and tell your school "
        "administrator.\n"
    ) % {
        "name": user.get_full_name() or user.get_username(),
        "username": user.get_username(),
        "expires": expires,
        "link": link,
    }
    try:
        send_mail(subject, body, None, [user.email])
    except (OSError, smtplib.SMTPException):
        # The administrator gets the link on screen instead; the failure goes on the trail.
        logger.warning("invitation mail could not be sent", exc_info=True)
        record(
            action="invitation.mail_failed",
            school_id=invitation.school_id,
            object_type="invitation",
            object_id=invitation.pk,
            details={"username": user.get_username()},
        )
        return ""
    return user.email


def invite_new_staff_member(
    *,
    actor: Any,
    school: School,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    groups: Iterable[Group] = (),
    base_url: str | None = None,
) -> tuple[Membership, Issued]:
    """Create a staff account without a password and invite its owner to choose one.

    Side effects: the account and membership (`create_staff_member`: audit `staff.create`, and
    the role notice for a new care coordinator), the invitation (`invitation.create`), then the
    mail when the account has an address.
    """
    with transaction.atomic():
        membership = actions.create_staff_member(
            actor=actor,
            school=school,
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=email,
            role=role,
            groups=groups,
        )
        invitation, token = _issue(
            actor=actor, user=membership.user, school=school, reason=InvitationReason.NEW_ACCOUNT
        )
    link = link_for(token, base_url)
    return membership, Issued(invitation, link, _mail(invitation, link))


def invite_imported(*, actor: Any, membership: Membership) -> tuple[Invitation, str]:
    """A new-account invitation for a staff member an import created, inside the import's
    transaction, not yet mailed: `deliver` it after the commit (a rolled-back import sends
    nothing). Side effects: the invitation (audit `invitation.create`)."""
    return _issue(
        actor=actor,
        user=membership.user,
        school=membership.school,
        reason=InvitationReason.NEW_ACCOUNT,
    )


def deliver(invitation: Invitation, token: str, base_url: str | None = None) -> Issued:
    """Mail an invitation made by `invite_imported` (when the account has an address)."""
    link = link_for(token, base_url)
    return Issued(invitation, link, _mail(invitation, link))


def reset_password(*, actor: Any, membership: Membership, base_url: str | None = None) -> Issued:
    """The administrator's password reset: the account's password stops working now (and its
    sessions with it) and its owner gets a new invitation to choose another.

    Refused (PermissionDenied) unless the actor administers every school the account works at:
    one school's administrator cannot open an account that another school relies on.
    Side effects: audit `staff.password_reset` and `invitation.create`, then the mail.
    """
    user = membership.user
    schools = set(Membership.objects.filter(user=user).values_list("school_id", flat=True))
    if actor is not None and not all(may_administer(actor, school) for school in schools):
        raise PermissionDenied
    with transaction.atomic():
        user.set_unusable_password()
        user.save(update_fields=["password"])
        record(
            action="staff.password_reset",
            actor=actor,
            school_id=membership.school_id,
            object_type="membership",
            object_id=membership.pk,
            details={"username": user.get_username()},
        )
        invitation, token = _issue(
            actor=actor, user=user, school=membership.school, reason=InvitationReason.RESET
        )
    link = link_for(token, base_url)
    return Issued(invitation, link, _mail(invitation, link))


def operator_invite(*, user: Any, base_url: str | None = None) -> Issued:
    """`hechtwijzer invite USERNAME`: a link for any account, from the operator (actor None),
    who prints it. An account with a password is reset, as by the administrator."""
    with transaction.atomic():
        reason = InvitationReason.NEW_ACCOUNT
        if user.has_usable_password():
            reason = InvitationReason.RESET
            user.set_unusable_password()
            user.save(update_fields=["password"])
            record(
                action="staff.password_reset",
                object_type="user",
                object_id=user.pk,
                details={"username": user.get_username()},
            )
        invitation, token = _issue(actor=None, user=user, school=None, reason=reason)
    return Issued(invitation, link_for(token, base_url), "")


# --- using a link ------------------------------------------------------------------------------


def _lookup(token: str, *, lock: bool = False) -> tuple[Invitation | None, str]:
    invitations = Invitation.objects.select_related("user")
    if lock:
        invitations = invitations.select_for_update()
    invitation = invitations.filter(token_hash=token_digest(token or "")).first()
    if invitation is None:
        return None, "unknown"
    state = invitation.state()
    if state == "open" and not invitation.user.is_active:
        state = "closed"  # a deactivated account gets no password
    return invitation, state


def _refused(invitation: Invitation | None, state: str, request: Any) -> InvitationClosed:
    record(
        action="invitation.refused",
        request=request,
        actor=None,
        school_id=invitation.school_id if invitation else None,
        object_type="invitation",
        object_id=invitation.pk if invitation else "",
        details={
            "state": state,
            "username": invitation.user.get_username() if invitation else "",
        },
    )
    return InvitationClosed(state)


def open_invitation(token: str, *, request: Any = None) -> Invitation:
    """The open invitation of a link; InvitationClosed (and audit `invitation.refused`) when
    it is expired, used, replaced or unknown."""
    invitation, state = _lookup(token)
    if state != "open":
        raise _refused(invitation, state, request)
    return invitation


def accept_invitation(*, token: str, password: str, request: Any = None) -> Any:
    """Set the password chosen through a link and use the link up; returns the account.

    The password must pass Django's validators (ValidationError on `password1`, nothing
    changed). InvitationClosed when the link can no longer be used, also when two tabs submit
    at once (the row is locked). Side effects: the password, the invitation used (others of
    the account closed), audit `invitation.use`.
    """
    with transaction.atomic():
        invitation, state = _lookup(token, lock=True)
        if state == "open":
            user = invitation.user
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise ValidationError({"password1": error.messages}) from None
            now = timezone.now()
            user.set_password(password)
            user.save(update_fields=["password"])
            invitation.used_at = now
            invitation.save(update_fields=["used_at"])
            Invitation.objects.filter(
                user=user, used_at__isnull=True, closed_at__isnull=True
            ).update(closed_at=now)
            record(
                action="invitation.use",
                request=request,
                actor=user,
                school_id=invitation.school_id,
                object_type="invitation",
                object_id=invitation.pk,
                details={"username": user.get_username(), "reason": invitation.reason},
            )
            return user
    raise _refused(invitation, state, request)
