"""Domain functions for a pupil's risk and protective factors (care coordinator only).

Each takes the acting user as `actor`, checks the access policy, validates against the catalog
and writes the audit entry in the same transaction. Factor notes are encrypted at rest.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hechtwijzer.access import Perm, allows
from hechtwijzer.audit.models import record
from hechtwijzer.catalog import get_catalog
from hechtwijzer.schools.models import Pupil

from .models import FactorKind, PupilFactor

MAX_NOTE_LENGTH = 1000
CATALOG_KIND = {FactorKind.RISK: "risk_factors", FactorKind.PROTECTIVE: "protective_factors"}


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
