"""Domain functions for observations: log, correct, withdraw (with a reason) and restore.

Each takes the acting user as `actor`, checks the access policy, validates, writes, and records
the audit entry in one transaction. An observation may be corrected or withdrawn by its author
during the school week it was logged in and the week after (yesterday's mistake can still be
fixed; an observation from a month ago stands); the care coordinator may correct or withdraw
any observation of a pupil of the school at any time. A withdrawal needs a reason, keeps the
row (marked withdrawn) and its audit history, and can be undone by the same person on the same
day. Every change raises the version and writes an audit entry; the profile is computed from
what counts now, so it follows at once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hechtwijzer.access import Perm, allows, membership_at
from hechtwijzer.audit.models import record
from hechtwijzer.catalog import get_catalog
from hechtwijzer.locking import lock_version
from hechtwijzer.schools.models import Pupil, Role
from hechtwijzer.weeks import WEEK, monday_of

from .models import (
    Company,
    Informant,
    Moment,
    Observation,
    ObservationSignal,
    Setting,
    WithdrawReason,
)

MAX_NOTE_LENGTH = 2000
MAX_EXPLANATION_LENGTH = 500
REPORTED = {Informant.PARENT, Informant.PUPIL}


def informant_for(actor: Any, pupil: Pupil) -> str:
    """Who an observation by `actor` comes from: their relation to the pupil right now."""

    membership = membership_at(actor, pupil.school_id)
    if membership is None:
        raise PermissionDenied
    if membership.role == Role.CARE_COORDINATOR:
        return Informant.CARE_COORDINATOR
    if pupil.group_id in {group.pk for group in membership.groups.all()}:
        return Informant.GROUP_TEACHER
    return Informant.OTHER_STAFF


def _clean(
    *,
    pupil: Pupil,
    signals: Iterable[str],
    observed_on: datetime.date,
    setting: str,
    company: str,
    moment: str,
    note: str,
) -> list[str]:
    errors: dict[str, list[str]] = {}
    known = get_catalog().by_code["signals"]
    codes = list(dict.fromkeys(signals))  # keep the order ticked, drop repeats
    unknown = [code for code in codes if code not in known]
    if unknown:
        errors["signals"] = [_("Unknown signal: %(codes)s.") % {"codes": ", ".join(unknown)}]
    elif not codes:
        errors["signals"] = [_("Tick at least one signal.")]
    today = timezone.localdate()
    if observed_on > today:
        errors["observed_on"] = [_("The day lies in the future.")]
    elif observed_on < pupil.date_of_birth:
        errors["observed_on"] = [_("The day lies before the pupil's date of birth.")]
    for name, value, choices in (
        ("setting", setting, Setting),
        ("company", company, Company),
        ("moment", moment, Moment),
    ):
        if value and value not in choices.values:
            errors[name] = [_("Choose one of the options.")]
    if len(note) > MAX_NOTE_LENGTH:
        errors["note"] = [_("Keep the note under %(max)d characters.") % {"max": MAX_NOTE_LENGTH}]
    if errors:
        raise ValidationError(errors)
    return codes


def _write_signals(observation: Observation, codes: list[str], *, new: bool = False) -> None:
    """Replace the observation's signal rows with `codes` (a new observation has none to
    delete: one statement fewer on every quick log)."""
    groups = get_catalog().by_code["signals"]
    if not new:
        observation.signal_rows.all().delete()
    ObservationSignal.objects.bulk_create(
        ObservationSignal(
            observation=observation,
            code=code,
            pupil_id=observation.pupil_id,
            observed_on=observation.observed_on,
            signal_group=groups[code].group,
            informant=observation.informant,
        )
        for code in codes
    )


def log_observation(
    *,
    actor: Any,
    pupil: Pupil,
    signals: Iterable[str],
    observed_on: datetime.date | None = None,
    setting: str = "",
    company: str = "",
    moment: str = "",
    note: str = "",
    informant: str | None = None,
) -> Observation:
    """Log what was observed about a pupil.

    `informant` is normally derived from the actor (group teacher, other staff with access,
    care coordinator); the care coordinator may instead record a report from a parent or the
    pupil. Side effects: the observation, its signal rows, audit entry `observation.create`.
    """
    if informant in REPORTED:
        if not allows(actor, Perm.RECORD_REPORTS, pupil):
            raise PermissionDenied
    elif informant is not None:
        raise ValidationError({"informant": [_("Choose one of the options.")]})
    elif not allows(actor, Perm.OBSERVE, pupil):
        raise PermissionDenied
    observed_on = observed_on or timezone.localdate()
    note = (note or "").strip()
    codes = _clean(
        pupil=pupil,
        signals=signals,
        observed_on=observed_on,
        setting=setting,
        company=company,
        moment=moment,
        note=note,
    )
    with transaction.atomic():
        observation = Observation.objects.create(
            pupil=pupil,
            author=actor,
            informant=informant or informant_for(actor, pupil),
            observed_on=observed_on,
            setting=setting,
            company=company,
            moment=moment,
            note=note,
        )
        _write_signals(observation, codes, new=True)
        record(
            action="observation.create",
            actor=actor,
            pupil=pupil,
            object_type="observation",
            object_id=observation.uid,
            details={"signals": len(codes), "informant": observation.informant},
        )
    return observation


def correction_window_start(today: datetime.date) -> datetime.date:
    """The first day on which an author's own observations may still be corrected: the Monday
    of the previous week (the current and the previous school week)."""
    return monday_of(today) - WEEK


def may_correct(actor: Any, observation: Observation, pupil: Pupil | None = None) -> bool:
    """Whether `actor` may correct or withdraw the observation now (module docstring).

    `pupil` is the observation's pupil when the caller has it (a timeline asks this for every
    entry; passing it saves loading the pupil again)."""
    if not actor.is_authenticated or observation.withdrawn_at is not None:
        return False
    if allows(actor, Perm.CORRECT_ANY_OBSERVATION, pupil or observation.pupil):
        return True
    logged_on = timezone.localdate(observation.created_at)
    return observation.author_id == actor.pk and logged_on >= correction_window_start(
        timezone.localdate()
    )


def may_restore(actor: Any, observation: Observation) -> bool:
    """A withdrawal can be undone by whoever withdrew it, on the same day."""
    return (
        actor.is_authenticated
        and observation.withdrawn_at is not None
        and observation.withdrawn_by_id == actor.pk
        and timezone.localdate(observation.withdrawn_at) == timezone.localdate()
    )


def _lock(observation: Observation, actor: Any, expected_version: int) -> Observation:
    """Reload the row for update and check it is still the version the user saw."""
    if not may_correct(actor, observation) or not allows(actor, Perm.VIEW_PUPIL, observation.pupil):
        raise PermissionDenied
    return lock_version(Observation.objects, observation.pk, expected_version)


def correct_observation(
    *,
    actor: Any,
    observation: Observation,
    expected_version: int,
    signals: Iterable[str],
    setting: str = "",
    company: str = "",
    moment: str = "",
    note: str = "",
) -> Observation:
    """Correct an observation on the day it was logged (its author only).

    Refused with StaleVersion when someone saved it since `expected_version`. Side effects:
    the new values, version + 1, audit entry `observation.change` naming the changed fields.
    """
    note = (note or "").strip()
    codes = _clean(
        pupil=observation.pupil,
        signals=signals,
        observed_on=observation.observed_on,
        setting=setting,
        company=company,
        moment=moment,
        note=note,
    )
    with transaction.atomic():
        current = _lock(observation, actor, expected_version)
        before = {
            "signals": sorted(current.signal_codes),
            "setting": current.setting,
            "company": current.company,
            "moment": current.moment,
            "note": current.note,
        }
        after = {
            "signals": sorted(codes),
            "setting": setting,
            "company": company,
            "moment": moment,
            "note": note,
        }
        current.setting, current.company, current.moment, current.note = (
            setting,
            company,
            moment,
            note,
        )
        current.version += 1
        current.save()
        _write_signals(current, codes)
        record(
            action="observation.change",
            actor=actor,
            pupil=current.pupil,
            object_type="observation",
            object_id=current.uid,
            details={"fields": [k for k in after if before[k] != after[k]]},
        )
    return current


def withdraw_observation(
    *,
    actor: Any,
    observation: Observation,
    expected_version: int,
    reason: str,
    explanation: str = "",
) -> Observation:
    """Withdraw an observation, with a reason (`WithdrawReason`; "other" needs an explanation).

    The row stays, marked withdrawn, and no longer counts anywhere; the same person can undo it
    the same day (`restore_observation`). Side effects: version + 1, audit entry
    `observation.withdraw` with the reason (never the explanation, which is stored encrypted).
    """
    explanation = (explanation or "").strip()
    errors: dict[str, list[str]] = {}
    if reason not in WithdrawReason.values:
        errors["reason"] = [_("Choose why you withdraw this observation.")]
    elif reason == WithdrawReason.OTHER and not explanation:
        errors["explanation"] = [_("Say in a few words why you withdraw this observation.")]
    if len(explanation) > MAX_EXPLANATION_LENGTH:
        errors["explanation"] = [
            _("Keep the explanation under %(max)d characters.") % {"max": MAX_EXPLANATION_LENGTH}
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _lock(observation, actor, expected_version)
        current.withdrawn_at = timezone.now()
        current.withdrawn_by = actor
        current.withdraw_reason = reason
        current.withdraw_explanation = explanation
        current.version += 1
        current.save()
        current.signal_rows.update(withdrawn=True)
        record(
            action="observation.withdraw",
            actor=actor,
            pupil=current.pupil,
            object_type="observation",
            object_id=current.uid,
            details={"reason": reason, "logged_by_other": current.author_id != actor.pk},
        )
    return current


def restore_observation(
    *, actor: Any, observation: Observation, expected_version: int
) -> Observation:
    """Undo a withdrawal on the same day (`may_restore`): the observation counts again.

    Side effects: version + 1, audit entry `observation.restore`.
    """
    if not may_restore(actor, observation) or not allows(actor, Perm.VIEW_PUPIL, observation.pupil):
        raise PermissionDenied
    with transaction.atomic():
        current = lock_version(Observation.objects, observation.pk, expected_version)
        current.withdrawn_at = None
        current.withdrawn_by = None
        current.withdraw_reason = ""
        current.withdraw_explanation = ""
        current.version += 1
        current.save()
        current.signal_rows.update(withdrawn=False)
        record(
            action="observation.restore",
            actor=actor,
            pupil=current.pupil,
            object_type="observation",
            object_id=current.uid,
        )
    return current
