"""Role notices: the school's care coordinators hear who else was given their role.

The care-coordinator role opens every pupil's care record of the school, including the
safeguarding record. A school administrator can give it (create a coordinator, or change a
role to it); so that this never happens unseen, every existing active care coordinator of the
school gets a notice on their home page ("dirk gave Nina the care-coordinator role on …")
until they mark it seen, and a mail when their account has an address.
"""

from __future__ import annotations

import logging
import smtplib
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hechtwijzer import words
from hechtwijzer.audit.models import record
from hechtwijzer.schools.models import Membership, Role

from .models import RoleNotice

logger = logging.getLogger(__name__)


def role_granted(*, actor: Any, membership: Membership) -> list[RoleNotice]:
    """Record that `membership` became an active care coordinator, and tell the school's other
    active care coordinators. Call inside the transaction of the change.

    Side effects: a notice per coordinator, audit entry `staff.role_granted` (who got the role
    and who was told), mails to those with an address once the transaction commits.
    """
    member = membership.user
    recipients = list(
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__school_id=membership.school_id,
            memberships__role=Role.CARE_COORDINATOR,
        )
        .exclude(pk=member.pk)
        .order_by("pk")
    )
    now = timezone.now()
    granted_by = actor.get_username() if actor is not None else ""
    created = RoleNotice.objects.bulk_create(
        RoleNotice(
            recipient=user,
            school_id=membership.school_id,
            member=member,
            member_username=member.get_username(),
            granted_by=actor,
            granted_by_username=granted_by,
            granted_at=now,
        )
        for user in recipients
    )
    record(
        action="staff.role_granted",
        actor=actor,
        school_id=membership.school_id,
        object_type="membership",
        object_id=membership.pk,
        details={
            "username": member.get_username(),
            "role": Role.CARE_COORDINATOR,
            "told": [user.get_username() for user in recipients],
        },
    )
    with words.for_school(membership.school):  # the recipients' school words, whoever acts
        mails = _mails(membership, member, granted_by, now, recipients)
    if mails:
        transaction.on_commit(lambda: _send(mails))
    return created


def _mails(membership, member, granted_by, now, recipients) -> list[tuple]:
    return [
        (
            _("Hechtwijzer: a new care coordinator at %(school)s")
            % {"school": membership.school.name},
            notice_text(
                member=member.get_full_name() or member.get_username(),
                granted_by=granted_by,
                granted_at=now,
            )
            + "\n\n"
            + _("If you did not expect this, contact your school administrator."),
            None,
            [user.email],
        )
        for user in recipients
        if user.email
    ]


def _send(mails) -> None:
    try:
        send_mass_mail(mails)
    except (OSError, smtplib.SMTPException):
        # The notice on the home page stays; the mail is a second channel.
        logger.warning("role notice mail could not be sent", exc_info=True)


def notice_text(*, member: str, granted_by: str, granted_at) -> str:
    day = date_format(timezone.localtime(granted_at), "j F Y")
    if granted_by:
        return _("%(by)s gave %(member)s the care-coordinator role on %(day)s.") % {
            "by": granted_by,
            "member": member,
            "day": day,
        }
    return _("The operator gave %(member)s the care-coordinator role on %(day)s.") % {
        "member": member,
        "day": day,
    }


def unseen(user: Any) -> list[RoleNotice]:
    """The user's notices not yet marked seen, newest first (one query)."""
    if not user.is_authenticated:
        return []
    return list(
        RoleNotice.objects.filter(recipient=user, seen_at__isnull=True).select_related(
            "member", "school"
        )
    )


def mark_seen(*, actor: Any, notice: RoleNotice) -> None:
    """Only the recipient marks a notice seen. Side effects: `seen_at`, audit `notice.seen`."""
    if actor is None or notice.recipient_id != actor.pk:
        raise PermissionDenied
    with transaction.atomic():
        if notice.seen_at is None:
            notice.seen_at = timezone.now()
            notice.save(update_fields=["seen_at"])
            record(
                action="notice.seen",
                actor=actor,
                school_id=notice.school_id,
                object_type="role_notice",
                object_id=notice.pk,
                details={"username": notice.member_username},
            )
