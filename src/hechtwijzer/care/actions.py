"""Domain functions for a pupil's risk and protective factors (care coordinator only).

Each takes the acting user as `actor`, checks the access policy, validates against the catalog
and writes the audit entry in the same transaction. Factor notes are encrypted at rest.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hechtwijzer.access import Perm, allows
from hechtwijzer.audit.models import record
from hechtwijzer.catalog import get_catalog
from hechtwijzer.locking import lock_version
from hechtwijzer.observations.models import Observation
from hechtwijzer.observations.profiles import concern_signals
from hechtwijzer.schools.models import Pupil

from .factors import CATALOG_KIND
from .models import (
    ROUTE_STEPS,
    PupilFactor,
    SafeguardingConcern,
    SafeguardingRoute,
    SafeguardingStatus,
    SafeguardingStep,
)

MAX_NOTE_LENGTH = 1000


def record_factor(
    *,
    actor: Any,
    pupil: Pupil,
    kind: str,
    code: str,
    noted_on: datetime.date | None = None,
    note: str = "",
) -> PupilFactor:
    """Record that a catalog risk or protective factor applies to a pupil.

    Side effects: the factor row, audit entry `factor.create` (with the factor code, never the
    note). A factor already recorded is refused: change its note by removing and re-adding.
    """
    if not allows(actor, Perm.CHANGE_FACTORS, pupil):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if kind not in CATALOG_KIND:
        errors["kind"] = [_("Choose one of the options.")]
    elif code not in get_catalog().by_code[CATALOG_KIND[kind]]:
        errors["code"] = [_("Unknown factor: %(code)s.") % {"code": code}]
    elif not get_catalog().by_code[CATALOG_KIND[kind]][code].recordable:
        # Conception, pregnancy, birth and feeding: knowledge, not data a school needs.
        errors["code"] = [
            _(
                "This factor is part of the knowledge base but is not recorded about a pupil: "
                "a school does not need it to support the pupil."
            )
        ]
    elif PupilFactor.objects.filter(pupil=pupil, kind=kind, code=code).exists():
        errors["code"] = [_("This factor is already recorded for this pupil.")]
    if noted_on and noted_on > timezone.localdate():
        errors["noted_on"] = [_("The date lies in the future.")]
    note = (note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        errors["note"] = [_("Keep the note under %(max)d characters.") % {"max": MAX_NOTE_LENGTH}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        factor = PupilFactor.objects.create(
            pupil=pupil, kind=kind, code=code, noted_on=noted_on, note=note, recorded_by=actor
        )
        record(
            action="factor.create",
            actor=actor,
            pupil=pupil,
            object_type="factor",
            object_id=factor.uid,
            details={"kind": kind, "code": code},
        )
    return factor


def remove_factor(*, actor: Any, factor: PupilFactor) -> None:
    """Remove a recorded factor. Side effects: audit entry `factor.delete`."""
    if not allows(actor, Perm.CHANGE_FACTORS, factor.pupil):
        raise PermissionDenied
    with transaction.atomic():
        record(
            action="factor.delete",
            actor=actor,
            pupil=factor.pupil,
            object_type="factor",
            object_id=factor.uid,
            details={"kind": factor.kind, "code": factor.code},
        )
        factor.delete()


# --- safeguarding records (care coordinator only) ----------------------------------------------

MAX_CONCERN_LENGTH = 4000
MAX_STEP_TEXT_LENGTH = 2000


def route_for(pupil: Pupil) -> str:
    """The route of the pupil's school: the Meldcode in the Netherlands, the CLB in Flanders."""
    if pupil.school.country == "NL":
        return SafeguardingRoute.NL_MELDCODE
    return SafeguardingRoute.BE_CLB


def _check_date(
    errors: dict[str, list[str]],
    field: str,
    value: datetime.date | None,
    not_before: datetime.date | None = None,
) -> None:
    if value is None:
        errors[field] = [_("Enter the date.")]
    elif value > timezone.localdate():
        errors[field] = [_("The date lies in the future.")]
    elif not_before and value < not_before:
        errors[field] = [
            _("The date lies before the concern was raised (%(date)s).")
            % {"date": not_before.isoformat()}
        ]


def _check_text(
    errors: dict[str, list[str]], field: str, value: str, maximum: int, required: bool = False
) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = [_("Describe the concern factually: what was seen or heard, and when.")]
    elif len(value) > maximum:
        errors[field] = [_("Keep this under %(max)d characters.") % {"max": maximum}]
    return value


def raise_concern(
    *,
    actor: Any,
    pupil: Pupil,
    concern: str,
    raised_on: datetime.date | None = None,
    observation_uids: Iterable[Any] = (),
) -> SafeguardingConcern:
    """Record a concern about a pupil's safety, on the route of the pupil's school.

    `observation_uids` are the factual signals: observations of this pupil that are not
    withdrawn. Side effects: the concern, its links to the observations, audit entry
    `safeguarding.raise` (route and number of observations, never the text).
    """
    if not allows(actor, Perm.VIEW_SAFEGUARDING, pupil):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    raised_on = raised_on or timezone.localdate()
    _check_date(errors, "raised_on", raised_on)
    text = _check_text(errors, "concern", concern, MAX_CONCERN_LENGTH, required=True)
    try:
        wanted = {uuid.UUID(str(uid)) for uid in observation_uids}
    except ValueError:
        wanted = {None}
    observations = list(
        Observation.objects.filter(pupil=pupil, withdrawn_at__isnull=True, uid__in=wanted - {None})
    )
    if len(observations) != len(wanted):
        errors["observations"] = [_("Choose observations of this pupil that were not withdrawn.")]
    if errors:
        raise ValidationError(errors)
    route = route_for(pupil)
    with transaction.atomic():
        row = SafeguardingConcern.objects.create(
            pupil=pupil, route=route, raised_by=actor, raised_on=raised_on, concern=text
        )
        row.observations.set(observations)
        record(
            action="safeguarding.raise",
            actor=actor,
            pupil=pupil,
            object_type="safeguarding_concern",
            object_id=row.uid,
            details={"route": route, "observations": len(observations)},
        )
    return row


def _lock(concern: SafeguardingConcern, actor: Any, expected_version: int) -> SafeguardingConcern:
    """Reload the concern for update and check it is still the version the user saw."""
    if not allows(actor, Perm.VIEW_SAFEGUARDING, concern.pupil):
        raise PermissionDenied
    return lock_version(SafeguardingConcern.objects, concern.pk, expected_version)


def record_step(
    *,
    actor: Any,
    concern: SafeguardingConcern,
    expected_version: int,
    step: str,
    done_on: datetime.date | None,
    consulted: str = "",
    decision: str = "",
) -> SafeguardingStep:
    """Record a step taken on an open concern: the step of its route, the date, who was
    consulted and what was decided. Refused with StaleVersion when the concern changed since
    `expected_version`. Side effects: the step, the concern's version + 1, audit entry
    `safeguarding.step` (route, step code and number of steps, never the text)."""
    if not allows(actor, Perm.VIEW_SAFEGUARDING, concern.pupil):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if not concern.is_open:
        errors["step"] = [_("This concern is closed; no steps can be added.")]
    elif step not in ROUTE_STEPS[concern.route]:
        errors["step"] = [_("Choose one of the steps of this route.")]
    _check_date(errors, "done_on", done_on, concern.raised_on)
    consulted = _check_text(errors, "consulted", consulted, MAX_STEP_TEXT_LENGTH)
    decision = _check_text(errors, "decision", decision, MAX_STEP_TEXT_LENGTH)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _lock(concern, actor, expected_version)
        row = SafeguardingStep.objects.create(
            concern=current,
            step=step,
            done_on=done_on,
            consulted=consulted,
            decision=decision,
            has_decision=bool(decision),
            recorded_by=actor,
        )
        current.version += 1
        current.save(update_fields=["version", "updated_at"])
        concern.version = current.version
        record(
            action="safeguarding.step",
            actor=actor,
            pupil=current.pupil,
            object_type="safeguarding_concern",
            object_id=current.uid,
            details={
                "route": current.route,
                "step": step,
                "steps": current.steps.count(),
                "decision": bool(decision),
            },
        )
    return row


def close_concern(
    *,
    actor: Any,
    concern: SafeguardingConcern,
    expected_version: int,
    closed_on: datetime.date | None = None,
) -> SafeguardingConcern:
    """Close an open concern. Refused with StaleVersion when it changed since
    `expected_version`. Side effects: status closed, the date, version + 1, audit entry
    `safeguarding.close` (route and number of steps)."""
    if not allows(actor, Perm.VIEW_SAFEGUARDING, concern.pupil):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    closed_on = closed_on or timezone.localdate()
    if not concern.is_open:
        errors["closed_on"] = [_("This concern is already closed.")]
    else:
        _check_date(errors, "closed_on", closed_on, concern.raised_on)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _lock(concern, actor, expected_version)
        current.status = SafeguardingStatus.CLOSED
        current.closed_on = closed_on
        current.closed_at = timezone.now()
        current.version += 1
        current.save(update_fields=["status", "closed_on", "closed_at", "version", "updated_at"])
        record(
            action="safeguarding.close",
            actor=actor,
            pupil=current.pupil,
            object_type="safeguarding_concern",
            object_id=current.uid,
            details={"route": current.route, "steps": current.steps.count()},
        )
    return current


MAX_PASS_ON_NOTE = 1000


class AlreadyPassedOn(Exception):
    """The observation is already part of an open concern; nothing new was recorded."""

    def __init__(self, concern: SafeguardingConcern) -> None:
        super().__init__("already passed on")
        self.concern = concern


def pass_on_concern(*, actor: Any, observation: Any, note: str = "") -> SafeguardingConcern:
    """Pass a direct safety concern on to the care coordinator: the teacher's one button after
    logging a disclosure, an injury, signs of neglect, fear of going home or fear of a parent.

    Records an open concern on the school's route, raised by the actor, resting on the
    observation, with a factual description (the signals and the day, and the actor's note if
    given). The care coordinator then finds the pupil at the top of the list until a decision is
    recorded. Refused when the observation holds no such signal or is withdrawn; raises
    AlreadyPassedOn when it already rests in an open concern (nothing is doubled). Side
    effects: the concern, its link to the observation, audit entry `safeguarding.pass_on`
    (route and signal codes, never the note).
    """
    pupil = observation.pupil
    if not allows(actor, Perm.RAISE_CONCERN, pupil):
        raise PermissionDenied
    signals = concern_signals(observation)
    errors: dict[str, list[str]] = {}
    if observation.is_withdrawn or not signals:
        errors["observation"] = [
            _("Only an observation with a concern about safety can be passed on this way.")
        ]
    note = (note or "").strip()
    if len(note) > MAX_PASS_ON_NOTE:
        errors["note"] = [_("Keep this under %(max)d characters.") % {"max": MAX_PASS_ON_NOTE}]
    if errors:
        raise ValidationError(errors)
    catalog = get_catalog()
    language = translation.get_language()
    labels = ", ".join(catalog.get("signals", code).label.get(language) for code in signals)
    text = _("Passed on from the observation of %(date)s: %(signals)s.") % {
        "date": date_format(observation.observed_on, "j F Y"),
        "signals": labels,
    }
    if note:
        text += "\n\n" + note
    route = route_for(pupil)
    with transaction.atomic():
        # Lock the pupil's concerns so two clicks (or two teachers) record one concern.
        existing = (
            SafeguardingConcern.objects.select_for_update()
            .filter(pupil=pupil, status=SafeguardingStatus.OPEN, observations=observation)
            .first()
        )
        if existing is not None:
            raise AlreadyPassedOn(existing)
        row = SafeguardingConcern.objects.create(
            pupil=pupil,
            route=route,
            raised_by=actor,
            raised_on=timezone.localdate(),
            concern=text,
        )
        row.observations.set([observation])
        record(
            action="safeguarding.pass_on",
            actor=actor,
            pupil=pupil,
            object_type="safeguarding_concern",
            object_id=row.uid,
            details={"route": route, "signals": list(signals)},
        )
    return row
