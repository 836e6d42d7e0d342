"""Domain functions of the reminders: a user's own choice of which reminders to receive."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hechtwijzer.audit.models import record

from .kinds import kinds_for
from .models import ReminderOptOut


def switched_off(user: Any) -> set[str]:
    """The kinds the user switched off (one query)."""
    return set(ReminderOptOut.objects.filter(user=user).values_list("kind", flat=True))


def choose_reminders(*, actor: Any, receive: Iterable[str]) -> set[str]:
    """The user's own settings: receive the kinds in `receive`, switch the other kinds their
    roles offer off. Only for oneself. Returns the kinds now switched off.

    Side effects: `ReminderOptOut` rows, audit `reminders.settings` (the kinds switched off and
    on), in one transaction; nothing when nothing changed.
    """
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied
    offered = {kind.code for kind in kinds_for(actor)}
    receive = set(receive)
    unknown = receive - offered
    if unknown:
        raise ValidationError({"receive": [_("Choose from the reminders offered.")]})
    with transaction.atomic():
        before = switched_off(actor) & offered
        after = offered - receive
        if before == after:
            return after
        ReminderOptOut.objects.filter(user=actor, kind__in=before - after).delete()
        ReminderOptOut.objects.bulk_create(
            ReminderOptOut(user=actor, kind=code) for code in sorted(after - before)
        )
        record(
            action="reminders.settings",
            actor=actor,
            object_type="user",
            object_id=actor.pk,
            details={"off": sorted(after - before), "on": sorted(before - after)},
        )
    return after
