"""The audit trail: an append-only record of who read or changed what, when, in which role.

Entries keep the actor's username and the pupil's public id as plain values rather than foreign
keys, so the record survives when an account or a pupil's data is deleted (erasure leaves only
the entry that it happened). Details never hold free text about a pupil.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
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
) -> AuditEntry:
    """Write one audit entry. Call it inside the transaction of the change it records.

    The actor is `actor` or else the request's user; the role is the actor's role at the school
    concerned (the pupil's school unless `school_id` is given).
    """
    if actor is None and request is not None:
        actor = request.user
    if pupil is not None:
        school_id = school_id or pupil.school_id
        pupil_public_id = pupil_public_id or pupil.public_id
        object_type = object_type or "pupil"
        object_id = object_id or pupil.public_id
    authenticated = actor is not None and actor.is_authenticated
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
