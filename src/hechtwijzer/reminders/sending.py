"""Plan and send the day's reminders (`hechtwijzer daily`).

`plan(today)` asks every registered kind (`kinds.KINDS`) for its entries, leaves out inactive
users, users without an e-mail address, the kinds a user switched off and every entry already
sent (`SentReminder`), and bundles what is left into one `Mail` per user, kind and school.
A fixed number of queries, whatever the number of cards or pupils (tested).

`purge_sent(today)` (registered with the daily retention run) deletes the `SentReminder` rows
that are no longer needed: old ones of reminders that no kind gives any more.

`send(mails)` sends each mail in its own transaction: the `SentReminder` rows and the audit
entry `reminder.sent` are written, then the mail goes out; when the mail server refuses or
cannot be reached, the transaction is rolled back, so the reminder is not recorded as sent and
the next run tries again, and the failure is reported and audited (`reminder.failed`). Two runs
at once cannot both send a reminder: the second one's rows collide with the first one's and it
skips that mail. Audit entries hold the recipient's username, the kind and the pupils' public
ids, nothing else about a pupil.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hechtwijzer import words
from hechtwijzer.audit.models import record
from hechtwijzer.schools.models import School

from .kinds import KINDS, Entry, Kind
from .models import ReminderOptOut, SentReminder

logger = logging.getLogger(__name__)

# What a failing mail server raises through Django's SMTP backend.
MAIL_ERRORS = (OSError, smtplib.SMTPException)


@dataclass
class Mail:
    """One mail: one user's unsent entries of one kind at one school."""

    user: Any
    kind: Kind
    school: School
    entries: list[Entry] = field(default_factory=list)

    @property
    def public_ids(self) -> list[str]:
        return list(dict.fromkeys(p.public_id for e in self.entries for p in e.pupils))

    def as_json(self) -> dict:
        return {"to": self.user.get_username(), "kind": self.kind.code, "pupils": self.public_ids}


@dataclass
class Outcome:
    sent: list[Mail] = field(default_factory=list)
    failed: list[tuple[Mail, str]] = field(default_factory=list)  # (mail, what went wrong)
    skipped: list[Mail] = field(default_factory=list)  # sent meanwhile by another run


def plan(today: datetime.date) -> list[Mail]:
    """The mails the day's run sends, in the registry's order of kinds."""
    entries = [
        (kind, entry)
        for kind in KINDS.values()
        for entry in kind.collect(today)
        if entry.user.is_active and entry.user.email
    ]
    if not entries:
        return []
    user_ids = {entry.user.pk for _kind, entry in entries}
    off = set(ReminderOptOut.objects.filter(user_id__in=user_ids).values_list("user_id", "kind"))
    sent = set(
        SentReminder.objects.filter(
            user_id__in=user_ids, key__in={entry.key for _kind, entry in entries}
        ).values_list("user_id", "kind", "key")
    )
    mails: dict[tuple[int, str, int], Mail] = {}
    for kind, entry in entries:
        user_id = entry.user.pk
        if (user_id, kind.code) in off or (user_id, kind.code, entry.key) in sent:
            continue
        mail = mails.setdefault(
            (user_id, kind.code, entry.school.pk), Mail(entry.user, kind, entry.school)
        )
        if all(e.key != entry.key for e in mail.entries):
            mail.entries.append(entry)
    return list(mails.values())


# How long a sent reminder's row stays after its reminder stopped coming up (`purge_sent`).
KEEP_SENT = datetime.timedelta(days=30)
PURGE_BATCH = 500


def purge_sent(today: datetime.date) -> int:
    """Delete the rows of reminders sent more than `KEEP_SENT` before `today` that no kind gives
    today: the evaluation was done or its date moved, the card closed, the decision carried out,
    the digest's week is over, the pupil left or was erased, the kind no longer exists. Answers
    how many rows were deleted.

    Age alone would not do: an overdue card comes up every day for as long as it stays overdue,
    and its row is what keeps the mail from going out again. So a row whose reminder a kind
    still gives stays, whatever its age, and so does one of a user who switched the kind off
    (the kinds give it; `plan` leaves it out), so switching back on does not resend it. The
    margin covers a reminder that is gone for a day and back (a pupil moved and moved back).
    Each kind's `collect` costs a fixed number of queries; then one read of the old rows and a
    delete per `PURGE_BATCH` rows.
    """
    current = {
        (entry.user.pk, kind.code, entry.key)
        for kind in KINDS.values()
        for entry in kind.collect(today)
    }
    start_of_day = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    old = SentReminder.objects.filter(sent_at__lt=start_of_day - KEEP_SENT).values_list(
        "pk", "user_id", "kind", "key"
    )
    ended = [pk for pk, *row in old.iterator() if tuple(row) not in current]
    deleted = 0
    for start in range(0, len(ended), PURGE_BATCH):
        chunk = ended[start : start + PURGE_BATCH]
        deleted += SentReminder.objects.filter(pk__in=chunk).delete()[0]
    return deleted


class NoSiteAddress(Exception):
    """BASE_URL is not set: a mail's links would be paths without the site, which no mail
    program can open. Nothing is sent; the reminders stay unsent for the next run."""


def _absolute(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


def render(mail: Mail) -> tuple[str, str]:
    """(subject, body) in the words of the mail's school."""
    with words.for_school(mail.school):
        user = mail.user
        lines = [
            _("Hello %(name)s,") % {"name": user.first_name or user.get_username()},
            "",
            str(mail.kind.intro),
            "",
        ]
        for entry in mail.entries:
            lines += [f"- {entry.line()}", f"  {_absolute(entry.link)}"]
        lines += [
            "",
            _("Hechtwijzer, %(school)s") % {"school": mail.school.name},
            _("You can switch these reminders off under %(link)s")
            % {"link": _absolute(reverse("reminders:settings"))},
        ]
        return str(mail.kind.subject), "\n".join(lines) + "\n"


def _details(mail: Mail) -> dict:
    return {
        "kind": mail.kind.code,
        "to": mail.user.get_username(),
        "pupils": mail.public_ids,
    }


def send(mails: list[Mail], *, now: datetime.datetime | None = None) -> Outcome:
    """Send each mail in a transaction of its own; see the module's docstring. Raises
    NoSiteAddress, sending nothing, when BASE_URL is not set."""
    outcome = Outcome()
    if not mails:
        return outcome
    if not settings.BASE_URL:
        raise NoSiteAddress(
            "BASE_URL is not set, so the reminders' links would not open: set it to the site's "
            "address (https://…)"
        )
    now = now or timezone.now()
    connection = get_connection(fail_silently=False)
    for mail in mails:
        subject, body = render(mail)
        message = EmailMessage(subject, body, None, [mail.user.email], connection=connection)
        try:
            with transaction.atomic():
                SentReminder.objects.bulk_create(
                    SentReminder(user=mail.user, kind=mail.kind.code, key=e.key, sent_at=now)
                    for e in mail.entries
                )
                record(
                    action="reminder.sent",
                    school_id=mail.school.pk,
                    object_type="user",
                    object_id=mail.user.pk,
                    details=_details(mail),
                )
                message.send()
        except IntegrityError:
            outcome.skipped.append(mail)  # another run sent it meanwhile
        except MAIL_ERRORS as error:
            logger.warning("reminder mail to %s could not be sent", mail.user.get_username())
            reason = f"{type(error).__name__}: {error}"[:200]
            outcome.failed.append((mail, reason))
            record(
                action="reminder.failed",
                school_id=mail.school.pk,
                object_type="user",
                object_id=mail.user.pk,
                details={**_details(mail), "error": type(error).__name__},
            )
        else:
            outcome.sent.append(mail)
    try:
        connection.close()
    except MAIL_ERRORS:
        logger.warning("closing the mail connection failed", exc_info=True)
    return outcome
