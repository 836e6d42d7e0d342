"""Domain functions for focus cards: start, tick, save, own measures, evaluate.

Each takes the acting user as `actor`, checks the access policy, validates and writes the audit
entry in one transaction. Two teachers may work on one card at once; nothing they do silently
overwrites the other (optimistic locking, hechtwijzer.locking):

- a tick (one column of one row, the htmx path) says which value the user saw; if the cell
  changed meanwhile the tick is refused (`StaleVersion`) and the current state shown;
- a save of the whole card (the form without JavaScript) carries the card's `lock_version`; if
  anything changed since the form was opened the save is refused (`StaleVersion`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hechtwijzer import engine
from hechtwijzer.access import Perm, allows, staff_for
from hechtwijzer.audit.models import record
from hechtwijzer.catalog import Measure, get_catalog
from hechtwijzer.forms import is_supported_day, supported_day_error
from hechtwijzer.locking import StaleVersion, check_version
from hechtwijzer.observations.models import ObservationSignal
from hechtwijzer.observations.profiles import counted_groups
from hechtwijzer.schools.models import Pupil

from . import snapshots
from .models import CardEntry, Decision, Evaluation, FocusCard, MeasureOutcome, Outcome, OwnMeasure

DEFAULT_PERIOD_WEEKS = 6
MAX_NOTE = 500
MAX_OWN_MEASURE = 300
COLUMNS = ("doing", "trying")


def card_rows() -> tuple[Measure, ...]:
    """The rows of a focus card: the 29 card measures in the card's order, then the teacher
    tips that are not already one of them."""
    measures = get_catalog().measures
    cards = tuple(m for m in measures if m.type == "card")
    tips = tuple(m for m in measures if m.type == "tip" and m.matches is None)
    return cards + tips


def _row_codes() -> set[str]:
    return {m.code for m in card_rows()}


def current_card(pupil: Pupil) -> FocusCard | None:
    """The pupil's open card (the newest version), or None: then the card is still empty."""
    return (
        pupil.focus_cards.filter(closed_at__isnull=True)
        .select_related("author")  # the card page and its PDF name the author
        .order_by("-number")
        .first()
    )


def _require(actor: Any, pupil: Pupil) -> None:
    if not allows(actor, Perm.KEEP_FOCUS_CARD, pupil):
        raise PermissionDenied


def _audit(actor: Any, card: FocusCard, action: str, **details: Any) -> None:
    record(
        action=action,
        actor=actor,
        pupil=card.pupil,
        object_type="focuscard",
        object_id=card.uid,
        details={"version": card.number, **details},
    )


def _check_period(start: datetime.date, due: datetime.date) -> None:
    # A period in the school years the app works with: the evaluation compares the period with
    # as many days before it, which leaves the calendar for a start in year 1.
    errors = {
        field: supported_day_error().messages
        for field, day in (("period_start", start), ("evaluation_due", due))
        if not is_supported_day(day)
    }
    if not errors and due <= start:
        errors["evaluation_due"] = [
            _("The evaluation date must lie after the start of the period.")
        ]
    if errors:
        raise ValidationError(errors)


def start_card(
    *,
    actor: Any,
    pupil: Pupil,
    period_start: datetime.date | None = None,
    evaluation_due: datetime.date | None = None,
) -> FocusCard:
    """Open the pupil's first card (or the next, after an evaluation). Audit `focuscard.create`.

    Keeps the profile the card starts from (`profile_at_start`, plans/snapshots.py): as of the
    start of the period, or today when the period starts later."""
    _require(actor, pupil)
    period_start = period_start or timezone.localdate()
    evaluation_due = evaluation_due or period_start + datetime.timedelta(weeks=DEFAULT_PERIOD_WEEKS)
    _check_period(period_start, evaluation_due)
    with transaction.atomic():
        Pupil.objects.select_for_update().filter(pk=pupil.pk).first()  # one starter at a time
        existing = current_card(pupil)
        if existing is not None:
            return existing
        number = (pupil.focus_cards.aggregate(n=Max("number"))["n"] or 0) + 1
        card = FocusCard.objects.create(
            pupil=pupil,
            number=number,
            period_start=period_start,
            evaluation_due=evaluation_due,
            author=actor,
            profile_at_start=snapshots.take(pupil, min(period_start, timezone.localdate())),
        )
        _audit(actor, card, "focuscard.create")
    return card


def set_column(
    *, actor: Any, pupil: Pupil, measure_code: str, column: str, value: bool, seen: bool
) -> FocusCard:
    """Tick or untick one column of one catalog row (one tap). `seen` is the value the user
    saw before tapping; if the cell holds something else now, StaleVersion. Starts the card when
    the pupil has none yet. Audit `focuscard.tick`."""
    _require(actor, pupil)
    if column not in COLUMNS or measure_code not in _row_codes():
        raise ValidationError(_("This row or column is not on the focus card."))
    card = current_card(pupil) or start_card(actor=actor, pupil=pupil)
    with transaction.atomic():
        card = FocusCard.objects.select_for_update().get(pk=card.pk)
        if not card.is_open:
            raise StaleVersion(current=card, field=column)
        entry = card.entries.filter(measure_code=measure_code).first()
        if bool(entry and getattr(entry, column)) != seen:
            raise StaleVersion(current=card, field=column)
        if entry is None:
            entry = CardEntry(card=card, measure_code=measure_code)
        setattr(entry, column, value)
        entry.save()
        card.lock_version += 1
        card.save(update_fields=["lock_version", "updated_at"])
        _audit(actor, card, "focuscard.tick", measure=measure_code, column=column, value=value)
    return card


def set_note(*, actor: Any, pupil: Pupil, measure_code: str, note: str, seen: str) -> FocusCard:
    """Save the note of one catalog row (typed on the card, saved as the ticks are). `seen` is
    the note the user saw before typing; if the row holds another note now, StaleVersion and
    nothing is written. A note equal to the stored one changes nothing (a second trigger of
    the same text). Starts the card when the pupil has none yet. Audit `focuscard.note`, without
    the text (it is free text about a pupil; the row keeps it encrypted)."""
    _require(actor, pupil)
    if measure_code not in _row_codes():
        raise ValidationError(_("This row or column is not on the focus card."))
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError(_("Keep the note under %(max)d characters.") % {"max": MAX_NOTE})
    card = current_card(pupil) or start_card(actor=actor, pupil=pupil)
    with transaction.atomic():
        card = FocusCard.objects.select_for_update().get(pk=card.pk)
        if not card.is_open:
            raise StaleVersion(current=card, field="note")
        entry = card.entries.filter(measure_code=measure_code).first()
        stored = entry.note if entry else ""
        if stored == note:
            return card
        if stored != (seen or "").strip():
            raise StaleVersion(current=card, field="note")
        if entry is None:
            entry = CardEntry(card=card, measure_code=measure_code)
        entry.note = note
        entry.save()
        card.lock_version += 1
        card.save(update_fields=["lock_version", "updated_at"])
        _audit(actor, card, "focuscard.note", measure=measure_code, length=len(note))
    return card


@dataclass(frozen=True)
class RowState:
    doing: bool = False
    trying: bool = False
    note: str = ""


def save_card(
    *,
    actor: Any,
    card: FocusCard,
    expected_version: int,
    rows: dict[str, RowState],
    own: dict[str, RowState],
) -> FocusCard:
    """Save the whole card at once (the form without JavaScript): every catalog row's columns
    and note, and the columns of the own measures (keyed by uid). Refused with StaleVersion when
    the card changed since `expected_version`. Audit `focuscard.save`."""
    _require(actor, card.pupil)
    codes = _row_codes()
    errors = [code for code in rows if code not in codes]
    if errors:
        raise ValidationError(_("This row or column is not on the focus card."))
    long_notes = [code for code, state in rows.items() if len(state.note) > MAX_NOTE]
    if long_notes:
        raise ValidationError(
            {
                code: [_("Keep the note under %(max)d characters.") % {"max": MAX_NOTE}]
                for code in long_notes
            }
        )
    with transaction.atomic():
        current = FocusCard.objects.select_for_update().get(pk=card.pk)
        check_version(current, expected_version, field="lock_version", closed=not current.is_open)
        existing = {e.measure_code: e for e in current.entries.all()}
        changed = 0
        for code, state in rows.items():
            entry = existing.get(code)
            before = RowState(entry.doing, entry.trying, entry.note) if entry else RowState()
            if state == before:
                continue
            changed += 1
            if entry is None:
                entry = CardEntry(card=current, measure_code=code)
            entry.doing, entry.trying, entry.note = state.doing, state.trying, state.note
            entry.save()
        for measure in current.own_measures.all():
            state = own.get(str(measure.uid))
            if state and (state.doing, state.trying) != (measure.doing, measure.trying):
                measure.doing, measure.trying = state.doing, state.trying
                measure.save()
                changed += 1
        current.lock_version += 1
        current.save(update_fields=["lock_version", "updated_at"])
        _audit(actor, current, "focuscard.save", changed=changed)
    return current


def _check_settings(
    actor: Any,
    pupil: Pupil,
    period_start: datetime.date,
    evaluation_due: datetime.date,
    co_teachers: list[Any],
    reason: str,
) -> None:
    _require(actor, pupil)
    _check_period(period_start, evaluation_due)
    allowed = set(staff_for(pupil, Perm.VIEW_PUPIL).values_list("pk", flat=True))
    if any(u.pk not in allowed for u in co_teachers):
        raise ValidationError(
            {"co_teachers": [_("A co-teacher must be someone who may see this pupil.")]}
        )
    if len(reason or "") > MAX_NOTE:
        raise ValidationError(
            {"reason": [_("Keep the note under %(max)d characters.") % {"max": MAX_NOTE}]}
        )


def save_settings(
    *,
    actor: Any,
    pupil: Pupil,
    expected_version: int | None,
    period_start: datetime.date,
    evaluation_due: datetime.date,
    co_teachers: Iterable[Any],
    reason: str,
) -> FocusCard:
    """The settings page's save: the current card's settings, or, for a pupil without a card,
    version 1 opened with them. Everything is checked before anything is written, and the
    opening and the settings are one transaction, so a refused save (a domain error, a stale
    version) leaves no half-made card behind. `expected_version` None: the page showed no
    card (or no version), so the card is taken as it is. Audit `focuscard.create` (when
    opened) and `focuscard.settings`."""
    co_teachers = list(co_teachers)
    _check_settings(actor, pupil, period_start, evaluation_due, co_teachers, reason)
    with transaction.atomic():
        card = current_card(pupil) or start_card(
            actor=actor, pupil=pupil, period_start=period_start, evaluation_due=evaluation_due
        )
        return update_settings(
            actor=actor,
            card=card,
            expected_version=card.lock_version if expected_version is None else expected_version,
            period_start=period_start,
            evaluation_due=evaluation_due,
            co_teachers=co_teachers,
            reason=reason,
        )


def update_settings(
    *,
    actor: Any,
    card: FocusCard,
    expected_version: int,
    period_start: datetime.date,
    evaluation_due: datetime.date,
    co_teachers: Iterable[Any],
    reason: str,
) -> FocusCard:
    """Change the card's period, evaluation date, co-teachers and reason. Audit
    `focuscard.settings`."""
    co_teachers = list(co_teachers)
    _check_settings(actor, card.pupil, period_start, evaluation_due, co_teachers, reason)
    with transaction.atomic():
        current = FocusCard.objects.select_for_update().get(pk=card.pk)
        check_version(current, expected_version, field="lock_version", closed=not current.is_open)
        current.period_start, current.evaluation_due = period_start, evaluation_due
        current.reason = (reason or "").strip()
        current.lock_version += 1
        current.save()
        current.co_teachers.set(co_teachers)
        _audit(actor, current, "focuscard.settings")
    return current


def add_own_measure(*, actor: Any, pupil: Pupil, text: str) -> OwnMeasure:
    """Add a measure of the teacher's own (starts the card if needed). Audit
    `focuscard.own_measure.add`."""
    _require(actor, pupil)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Describe the measure.")]})
    if len(text) > MAX_OWN_MEASURE:
        raise ValidationError(
            {"text": [_("Keep the measure under %(max)d characters.") % {"max": MAX_OWN_MEASURE}]}
        )
    card = current_card(pupil) or start_card(actor=actor, pupil=pupil)
    with transaction.atomic():
        card = FocusCard.objects.select_for_update().get(pk=card.pk)
        position = (card.own_measures.aggregate(p=Max("position"))["p"] or 0) + 1
        measure = OwnMeasure.objects.create(card=card, text=text, position=position, trying=True)
        card.lock_version += 1
        card.save(update_fields=["lock_version", "updated_at"])
        _audit(actor, card, "focuscard.own_measure.add")
    return measure


def remove_own_measure(*, actor: Any, measure: OwnMeasure) -> None:
    """Remove an own measure from an open card. Audit `focuscard.own_measure.remove`."""
    card = measure.card
    _require(actor, card.pupil)
    if not card.is_open:
        raise PermissionDenied
    with transaction.atomic():
        card = FocusCard.objects.select_for_update().get(pk=card.pk)
        measure.delete()
        card.lock_version += 1
        card.save(update_fields=["lock_version", "updated_at"])
        _audit(actor, card, "focuscard.own_measure.remove")


# --- evaluation --------------------------------------------------------------------------------


def signal_figures(pupil: Pupil, start: datetime.date, end: datetime.date) -> dict:
    """Signals per signal group in the plan period [start, end] and in the same number of days
    just before it (engine.evaluation), from one query over the school's own observations."""
    before_start, _before_end = engine.before_period(start, end)
    rows = (
        ObservationSignal.objects.counted(before_start, end)
        .filter(pupil=pupil)
        .values_list("observed_on", "signal_group")
        .annotate(n=Count("id"))
        .order_by()
    )
    return engine.signal_figures(rows, start=start, end=end, groups=list(counted_groups()))


def measures_tried(card: FocusCard) -> tuple[list[CardEntry], list[OwnMeasure]]:
    """What an evaluation asks about: every row with a tick in either column."""
    entries = [e for e in card.entries.all() if e.doing or e.trying]
    order = {m.code: i for i, m in enumerate(card_rows())}
    entries.sort(key=lambda e: order.get(e.measure_code, len(order)))
    own = [m for m in card.own_measures.all() if m.doing or m.trying]
    return entries, own


def evaluate(
    *,
    actor: Any,
    card: FocusCard,
    outcomes: dict[str, tuple[str, str]],
    decision: str,
    referrals: Iterable[str],
    next_evaluation: datetime.date,
    summary: str = "",
    today: datetime.date | None = None,
) -> tuple[Evaluation, FocusCard]:
    """Evaluate the card on or after its evaluation date, then open the next version.

    `outcomes` maps a catalog measure code, or "own:<uid>" for an own measure, to (outcome,
    note) for every measure tried; an error about one measure is keyed by that code. The card
    closes and stays readable; the next version starts today with the same rows and own
    measures, and is evaluated on `next_evaluation`.
    Side effects: Evaluation, MeasureOutcome rows, the next FocusCard, audit
    `focuscard.evaluate`. The profile on `today` is kept twice (plans/snapshots.py): as the
    evaluation's `profile_at_evaluation` and as the next version's `profile_at_start`.
    """
    _require(actor, card.pupil)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not card.is_open:
        raise StaleVersion(current=card, field="closed_at")
    if today < card.evaluation_due:
        errors["__all__"] = [
            _("This card is evaluated on or after %(date)s.")
            % {"date": card.evaluation_due.strftime("%d-%m-%Y")}
        ]
    entries, own = measures_tried(card)
    wanted = [e.measure_code for e in entries] + [f"own:{m.uid}" for m in own]
    for key in wanted:
        outcome, note = outcomes.get(key, ("", ""))
        if outcome not in Outcome.values:
            errors[key] = [_("Say how this measure went.")]
        elif len(note) > MAX_NOTE:
            errors[key] = [_("Keep the note under %(max)d characters.") % {"max": MAX_NOTE}]
    if decision not in Decision.values:
        errors["decision"] = [_("Choose a decision.")]
    referral_codes = [code for code in referrals if code]
    known = get_catalog().by_code["referrals"]
    if any(code not in known for code in referral_codes):
        errors["referrals"] = [_("Choose referral options from the list.")]
    if decision == Decision.REFER and not referral_codes:
        errors["referrals"] = [_("Choose at least one referral option.")]
    if not is_supported_day(next_evaluation):
        errors["next_evaluation"] = supported_day_error().messages
    elif next_evaluation <= today:
        errors["next_evaluation"] = [_("The next evaluation date must lie in the future.")]
    if len(summary or "") > 2000:
        errors["summary"] = [_("Keep the note under %(max)d characters.") % {"max": 2000}]
    if errors:
        raise ValidationError(errors)
    own_by_uid = {str(m.uid): m for m in own}
    with transaction.atomic():
        current = FocusCard.objects.select_for_update().get(pk=card.pk)
        if not current.is_open:
            raise StaleVersion(current=current, field="closed_at")
        snapshot = snapshots.take(current.pupil, today)
        evaluation = Evaluation.objects.create(
            card=current,
            evaluated_on=today,
            evaluated_by=actor,
            decision=decision,
            referrals=referral_codes,
            next_evaluation=next_evaluation,
            summary=(summary or "").strip(),
            figures=signal_figures(current.pupil, current.period_start, today),
            profile_at_evaluation=snapshot,
        )
        for key in wanted:
            outcome, note = outcomes[key]
            own_measure = own_by_uid.get(key[4:]) if key.startswith("own:") else None
            MeasureOutcome.objects.create(
                evaluation=evaluation,
                measure_code="" if own_measure else key,
                own_measure=own_measure,
                outcome=outcome,
                note=note.strip(),
            )
        current.closed_at = timezone.now()
        current.save(update_fields=["closed_at", "updated_at"])
        following = FocusCard.objects.create(
            pupil=current.pupil,
            number=current.number + 1,
            period_start=today,
            evaluation_due=next_evaluation,
            author=actor,
            reason=current.reason,
            profile_at_start=snapshot,
        )
        following.co_teachers.set(current.co_teachers.all())
        for entry in current.entries.all():
            CardEntry.objects.create(
                card=following,
                measure_code=entry.measure_code,
                doing=entry.doing,
                trying=entry.trying,
                note=entry.note,
            )
        for measure in current.own_measures.all():
            OwnMeasure.objects.create(
                card=following,
                text=measure.text,
                doing=measure.doing,
                trying=measure.trying,
                position=measure.position,
            )
        _audit(actor, current, "focuscard.evaluate", decision=decision, next=following.number)
    return evaluation, following


def overdue_cards(pupils, today: datetime.date):
    """Open cards of these pupils whose evaluation date has passed, oldest first."""
    return (
        FocusCard.objects.filter(pupil__in=pupils, closed_at__isnull=True, evaluation_due__lt=today)
        .select_related("pupil", "pupil__group")
        .order_by("evaluation_due")
    )


def card_holders(pupils) -> set[int]:
    """Ids of the pupils (of this queryset) that have an open focus card, in one query."""
    return set(
        FocusCard.objects.filter(pupil__in=pupils, closed_at__isnull=True).values_list(
            "pupil_id", flat=True
        )
    )
