"""The audit trail: an append-only record of who read or changed what, when, in which role.

Entries keep the actor's username and the pupil's public id as plain values rather than foreign
keys, so the record survives when an account or a pupil's data is deleted (erasure leaves only
the entry that it happened). Details never hold free text about a pupil.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hechtwijzer.access import role_at
from hechtwijzer.network import client_ip

if TYPE_CHECKING:
    from django.http import HttpRequest


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit entry."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user_id = models.BigIntegerField(null=True, blank=True)
    username = models.CharField(_("user"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=32, blank=True)
    school_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=32, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    pupil_public_id = models.CharField(max_length=32, blank=True, db_index=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username or '-'} {self.action} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")


class SchoolVersion(models.Model):
    """A school's records as one value that changes, in the change's own transaction, with
    every audit entry of that school that is not a read (`is_read`).

    Pages computed from much of a school's data (the care coordinator's school overview) keep
    their result per server process under this value and compute it again when it has moved:
    every change goes through a domain function that writes its audit entry, so no change can
    leave such a copy stale, on one server or several. An action wrongly taken for a change
    only costs a computation; that is why reads are the named exception. The value is random,
    not a count: after a database is restored from a backup, a count would repeat numbers that
    stood for other data, a random value does not."""

    school_id = models.BigIntegerField(primary_key=True)
    version = models.UUIDField(default=uuid.uuid4)

    class Meta:
        verbose_name = _("version of a school's records")
        verbose_name_plural = _("versions of schools' records")

    def __str__(self) -> str:
        return f"school {self.school_id}: {self.version}"


# Audit actions that only read, by the last word of their last part: "pupil.view",
# "pupil.view_admin", "focuscard.evaluation_pdf", "observation.correct_form",
# "pupil.erase_preview", "school.overview"; and "access.denied" and every "auth." entry (log-ins
# change no school data). Anything else is a change: an unknown name costs a recomputation of a
# kept page, never a stale one. The pupil's audit trail page labels entries by the same rule.
READ_WORDS = frozenset({"view", "list", "print", "pdf", "form", "overview", "preview"})


def is_read(action: str) -> bool:
    if action == "access.denied" or action.startswith("auth."):
        return True
    last = action.rsplit(".", 1)[-1]
    return last == "view_admin" or last.rsplit("_", 1)[-1] in READ_WORDS


def school_version(school_id: int) -> str:
    """The school's records' current version (one query); "" before the first change."""
    found = SchoolVersion.objects.filter(school_id=school_id).values_list("version", flat=True)
    return str(next(iter(found), ""))


def _new_version(school_id: int) -> None:
    # The UPDATE locks the school's row until the change commits, so a reader never sees the
    # new value before the change itself.
    if SchoolVersion.objects.filter(school_id=school_id).update(version=uuid.uuid4()):
        return
    try:
        with transaction.atomic():  # a savepoint: a lost race must not break the caller's
            SchoolVersion.objects.create(school_id=school_id)
    except IntegrityError:
        SchoolVersion.objects.filter(school_id=school_id).update(version=uuid.uuid4())


def record(
    *,
    action: str,
    request: HttpRequest | None = None,
    actor: Any = None,
    pupil: Any = None,
    school_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
    pupil_public_id: str = "",
    details: dict[str, Any] | None = None,
    change: bool | None = None,
) -> AuditEntry:
    """Write one audit entry. Call it inside the transaction of the change it records.

    The actor is `actor` or else the request's user; the role is the actor's role at the school
    concerned (the pupil's school unless `school_id` is given). `change`: whether the entry
    records a change of the school's records, which moves its version (`SchoolVersion`);
    by default every action but the reads `is_read` names. The door passes False: its entry
    records a lookup under the page's name ("behaviour_card.cell"), and the change a POST
    makes is recorded by the domain function that makes it.
    """
    if change is None:
        change = not is_read(action)
    if actor is None and request is not None:
        actor = request.user
    if pupil is not None:
        school_id = school_id or pupil.school_id
        pupil_public_id = pupil_public_id or pupil.public_id
        object_type = object_type or "pupil"
        object_id = object_id or pupil.public_id
    authenticated = actor is not None and actor.is_authenticated
    if change and school_id is not None:
        _new_version(school_id)
    return AuditEntry.objects.create(
        user_id=actor.pk if authenticated else None,
        username=actor.get_username() if authenticated else "",
        role=role_at(actor, school_id) if authenticated else "",
        school_id=school_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        pupil_public_id=pupil_public_id,
        # The client's address as the trusted proxies report it, like the log-in throttle.
        remote_addr=client_ip(request) if request is not None else None,
        details=details or {},
    )


def record_reads(
    *,
    action: str,
    pupils: list[Any],
    request: HttpRequest | None = None,
    actor: Any = None,
    object_type: str = "",
    object_id: str = "",
    details: dict[str, Any] | None = None,
) -> list[AuditEntry]:
    """One entry per pupil for a page that shows several pupils' records (a meeting's agenda),
    written in one statement, so the page's queries do not grow with its pupils."""
    if actor is None and request is not None:
        actor = request.user
    authenticated = actor is not None and actor.is_authenticated
    remote = client_ip(request) if request is not None else None
    now = timezone.now()
    return AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                at=now,
                user_id=actor.pk if authenticated else None,
                username=actor.get_username() if authenticated else "",
                role=role_at(actor, pupil.school_id) if authenticated else "",
                school_id=pupil.school_id,
                action=action,
                object_type=object_type or "pupil",
                object_id=str(object_id or pupil.public_id),
                pupil_public_id=pupil.public_id,
                remote_addr=remote,
                details=details or {},
            )
            for pupil in pupils
        ]
    )
