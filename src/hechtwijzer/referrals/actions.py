"""Domain functions of referrals. Each takes the acting user, checks the policy, validates,
saves and writes the audit entry in one transaction. Audit details hold uids, codes, dates and
counts, never the names, the question, the reasons or the answer.

Who: the pupil's teachers and the care coordinator draft (`Perm.DRAFT_REFERRAL`: partner,
professional, question, chosen observations, the parents' consent); the care coordinator
decides what leaves the school (`Perm.REFER`: send, include the safeguarding record, send
without consent where the route allows it, record the answer, revoke, close). Only a draft
changes; once sent, what the professional reads is fixed (the referral's fields, the focus-card
version and the evaluation of that day, `summary.py`).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hechtwijzer.access import Perm, allows
from hechtwijzer.audit.models import record
from hechtwijzer.forms import is_supported_day, supported_day_error
from hechtwijzer.locking import StaleVersion, lock_version
from hechtwijzer.observations.models import Observation
from hechtwijzer.observations.profiles import SAFETY_GROUP
from hechtwijzer.plans.models import Evaluation
from hechtwijzer.readlinks import actions as link_actions

from .models import Referral, ReferralConsent, Status
from .partners import pupil_partners

NAME_MAX = 200
TEXT_MAX = 5000
SUMMARY_KIND = "referral_summary"


def _require(actor, pupil, perm: Perm) -> None:
    if not allows(actor, perm, pupil):
        raise PermissionDenied


def _text(value, errors: dict, key: str, limit: int, *, required: str = "") -> str:
    value = (value or "").strip()
    if len(value) > limit:
        errors[key] = _("At most %(n)d characters.") % {"n": limit}
    elif required and not value:
        errors[key] = required
    return value


def _day(day, errors: dict, key: str, *, earliest: datetime.date | None = None) -> None:
    if day is None:
        errors[key] = _("Enter the date.")
    elif not is_supported_day(day):
        errors[key] = supported_day_error().messages[0]
    elif day > timezone.localdate():
        errors[key] = _("This date lies in the future: record what has happened.")
    elif earliest is not None and day < earliest:
        errors[key] = _("This date lies before the referral was sent.")


def _audit(actor, referral: Referral, action: str, **details) -> None:
    record(
        action=action,
        actor=actor,
        pupil=referral.pupil,
        details={"referral": str(referral.uid), **details},
    )


def _locked(referral: Referral, expected_version: int, *, statuses=(Status.DRAFT,)) -> Referral:
    current = lock_version(Referral.objects, referral.pk, expected_version)
    current.pupil = referral.pupil  # the same row; no join under FOR UPDATE
    if current.status not in statuses:
        raise StaleVersion(current=current, field="status")
    return current


def referral_evaluations(pupil):
    """The pupil's evaluations that chose referral options (newest first)."""
    return (
        Evaluation.objects.filter(card__pupil=pupil)
        .exclude(referrals=[])
        .select_related("card")
        .order_by("-evaluated_on", "-id")
    )


def _clean(pupil, partner, professional, organisation, question, evaluation) -> dict:
    errors: dict[str, str] = {}
    codes = {p.code for p in pupil_partners(pupil, timezone.localdate())}
    if partner not in codes:
        errors["partner"] = _("Choose one of the partners that fit this pupil.")
    professional = _text(
        professional,
        errors,
        "professional",
        NAME_MAX,
        required=_("Name the professional the summary is for."),
    )
    organisation = _text(organisation, errors, "organisation", NAME_MAX)
    question = _text(
        question, errors, "question", TEXT_MAX, required=_("Write the question for the partner.")
    )
    if evaluation is not None and evaluation.card.pupil_id != pupil.pk:
        errors["evaluation"] = _("This evaluation is not this pupil's.")
    if errors:
        raise ValidationError(errors)
    return {
        "partner": partner,
        "professional": professional,
        "organisation": organisation,
        "question": question,
        "evaluation": evaluation,
    }


def create_referral(
    *,
    actor,
    pupil,
    partner: str,
    professional: str,
    question: str,
    organisation: str = "",
    evaluation: Evaluation | None = None,
    include_plan: bool = True,
    include_figures: bool = True,
) -> Referral:
    """Draft a referral. Audit `referral.create` (uid, partner)."""
    _require(actor, pupil, Perm.DRAFT_REFERRAL)
    values = _clean(pupil, partner, professional, organisation, question, evaluation)
    with transaction.atomic():
        referral = Referral(
            pupil=pupil,
            created_by=actor,
            include_plan=include_plan,
            include_figures=include_figures,
            **values,
        )
        referral.save()
        _audit(actor, referral, "referral.create", partner=partner)
    return referral


def update_referral(
    *,
    actor,
    referral: Referral,
    expected_version: int,
    partner: str,
    professional: str,
    question: str,
    organisation: str = "",
    evaluation: Evaluation | None = None,
    include_plan: bool = True,
    include_figures: bool = True,
) -> Referral:
    """Change a draft; refused (StaleVersion) when it changed or was sent since it was shown.
    Audit `referral.update`."""
    pupil = referral.pupil
    _require(actor, pupil, Perm.DRAFT_REFERRAL)
    values = _clean(pupil, partner, professional, organisation, question, evaluation)
    with transaction.atomic():
        current = _locked(referral, expected_version)
        for name, value in values.items():
            setattr(current, name, value)
        current.include_plan = include_plan
        current.include_figures = include_figures
        current.version += 1
        current.save()
        _audit(actor, current, "referral.update", partner=partner, version=current.version)
    return current


def choosable_observations(pupil):
    """What a referral may include: the pupil's observations that were not withdrawn and hold
    no direct safety signal (those belong to the safeguarding record), newest first."""
    return (
        Observation.objects.filter(pupil=pupil, withdrawn_at__isnull=True)
        .exclude(signal_rows__signal_group=SAFETY_GROUP)
        .prefetch_related("signal_rows")
        .order_by("-observed_on", "-created_at")
    )


def choose_observations(
    *, actor, referral: Referral, expected_version: int, uids, include_notes: bool
) -> Referral:
    """Set the observations the summary includes (explicitly; none by default) and whether
    their notes go with them. Audit `referral.observations` (how many, with notes or not)."""
    pupil = referral.pupil
    _require(actor, pupil, Perm.DRAFT_REFERRAL)
    wanted = {str(uid) for uid in uids}
    found = list(choosable_observations(pupil).filter(uid__in=wanted))
    if len(found) != len(wanted):
        raise ValidationError({"observations": _("Choose observations from the list.")})
    with transaction.atomic():
        current = _locked(referral, expected_version)
        current.observations.set(found)
        current.include_notes = include_notes and bool(found)
        current.version += 1
        current.save()
        _audit(
            actor,
            current,
            "referral.observations",
            observations=len(found),
            notes=current.include_notes,
        )
    return current


def record_consent(
    *,
    actor,
    referral: Referral,
    expected_version: int,
    status: str,
    decided_on: datetime.date | None,
) -> Referral:
    """The parents' consent to the referral: status, date and who recorded it. Audit
    `referral.consent`."""
    pupil = referral.pupil
    _require(actor, pupil, Perm.DRAFT_REFERRAL)
    errors: dict[str, str] = {}
    if status not in ReferralConsent.values:
        errors["consent"] = _("Choose one of the answers.")
    elif status != ReferralConsent.NOT_ASKED:
        _day(decided_on, errors, "consent_on")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked(referral, expected_version)
        current.consent = status
        current.consent_on = decided_on if status != ReferralConsent.NOT_ASKED else None
        current.consent_by = actor
        current.version += 1
        current.save()
        _audit(
            actor,
            current,
            "referral.consent",
            status=status,
            decided_on=current.consent_on.isoformat() if current.consent_on else None,
        )
    return current


def allow_without_consent(
    *, actor, referral: Referral, expected_version: int, allow: bool, reason: str = ""
) -> Referral:
    """The care coordinator records that the summary may leave the school without the
    parents' consent, where the Meldcode (NL) or the Flemish route allows it, and why; or takes
    that back. Audit `referral.consent_exception` (on or off, never the reason)."""
    pupil = referral.pupil
    _require(actor, pupil, Perm.REFER)
    errors: dict[str, str] = {}
    reason = _text(
        reason,
        errors,
        "reason",
        TEXT_MAX,
        required=_("Write down why the route allows this without the parents' consent.")
        if allow
        else "",
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked(referral, expected_version)
        current.consent_exception = allow
        current.consent_exception_reason = reason if allow else ""
        if allow:
            current.consent_by = actor
        current.version += 1
        current.save()
        _audit(actor, current, "referral.consent_exception", allowed=allow)
    return current


def set_safeguarding(
    *, actor, referral: Referral, expected_version: int, include: bool, reason: str = ""
) -> Referral:
    """Include the safeguarding record in the summary (the care coordinator's deliberate
    choice, with a written reason), or leave it out again. Audit `referral.safeguarding`
    (included or not, never the reason)."""
    pupil = referral.pupil
    _require(actor, pupil, Perm.REFER)
    errors: dict[str, str] = {}
    reason = _text(
        reason,
        errors,
        "reason",
        TEXT_MAX,
        required=_("Write down why the partner needs the safeguarding record.") if include else "",
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked(referral, expected_version)
        current.include_safeguarding = include
        current.safeguarding_reason = reason if include else ""
        current.safeguarding_by = actor if include else None
        current.version += 1
        current.save()
        _audit(actor, current, "referral.safeguarding", included=include)
    return current


def send(
    *, actor, referral: Referral, expected_version: int, days: int | None = None, lang: str = "nl"
) -> tuple[Referral, str]:
    """Send the summary: a read link for the named professional (kind "referral_summary"),
    whose token is returned to show once. Only with the parents' consent or the care
    coordinator's recorded exception. Sending a sent referral again (a lost link) revokes its
    previous link. Audit `referral.send` beside `readlink.create`."""
    pupil = referral.pupil
    _require(actor, pupil, Perm.REFER)
    if not referral.may_leave_school:
        raise ValidationError(
            {
                "consent": _(
                    "Record the parents' consent first: the summary does not leave the school "
                    "without it, unless the route allows otherwise."
                )
            }
        )
    with transaction.atomic():
        current = _locked(referral, expected_version, statuses=(Status.DRAFT, Status.SENT))
        if not current.may_leave_school:
            raise StaleVersion(current=current, field="consent")
        if current.link_id is not None:
            link_actions.revoke_link(actor=actor, link=current.link)
        recipient = ", ".join(p for p in (current.professional, current.organisation) if p)
        link, token = link_actions.create_link(
            actor=actor,
            pupil=pupil,
            kind=SUMMARY_KIND,
            target=str(current.uid),
            recipient=recipient[: link_actions.RECIPIENT_MAX],
            days=days,
            options={"lang": lang},
        )
        first = current.status == Status.DRAFT
        current.status = Status.SENT
        if first:
            current.sent_on = timezone.localdate()
            current.sent_by = actor
        current.link = link
        current.version += 1
        current.save()
        _audit(
            actor,
            current,
            "referral.send",
            link=str(link.uid),
            partner=current.partner,
            again=not first,
        )
    return current, token


def revoke(*, actor, referral: Referral) -> Referral:
    """Stop the referral's link now (`readlink.revoke`); the referral stays as it is."""
    _require(actor, referral.pupil, Perm.REFER)
    if referral.link_id is not None:
        link_actions.revoke_link(actor=actor, link=referral.link)
    return referral


def record_answer(
    *,
    actor,
    referral: Referral,
    expected_version: int,
    answered_on: datetime.date | None,
    answer: str,
) -> Referral:
    """The partner's answer: the date and a short note. Audit `referral.answer`."""
    pupil = referral.pupil
    _require(actor, pupil, Perm.REFER)
    errors: dict[str, str] = {}
    _day(answered_on, errors, "answered_on", earliest=referral.sent_on)
    answer = _text(
        answer, errors, "answer", TEXT_MAX, required=_("Write the answer down in short.")
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked(referral, expected_version, statuses=(Status.SENT, Status.ANSWERED))
        current.status = Status.ANSWERED
        current.answered_on = answered_on
        current.answer = answer
        current.version += 1
        current.save()
        _audit(actor, current, "referral.answer", answered_on=answered_on.isoformat())
    return current


def close(*, actor, referral: Referral, expected_version: int) -> Referral:
    """Close the referral; its link stops working. Audit `referral.close`."""
    pupil = referral.pupil
    _require(actor, pupil, Perm.REFER)
    with transaction.atomic():
        current = _locked(
            referral, expected_version, statuses=(Status.DRAFT, Status.SENT, Status.ANSWERED)
        )
        if current.link_id is not None:
            link_actions.revoke_link(actor=actor, link=current.link)
        current.status = Status.CLOSED
        current.closed_on = timezone.localdate()
        current.version += 1
        current.save()
        _audit(actor, current, "referral.close")
    return current


__all__ = [
    "StaleVersion",
    "allow_without_consent",
    "choose_observations",
    "close",
    "create_referral",
    "record_answer",
    "record_consent",
    "revoke",
    "send",
    "set_safeguarding",
    "update_referral",
]
