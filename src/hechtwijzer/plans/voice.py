"""The pupil's voice (stem van de leerling): what the pupil says helps ("wat helpt mij") and
what makes it hard ("wat maakt het moeilijk"), in the pupil's own words, per focus-card version.

Offered, never required, from `MIN_AGE` (8 years, about groep 5 in the Netherlands and the 3rd
leerjaar in Flanders), judged by the pupil's date of birth. Why 8 (README, "The pupil's
voice"): Flemish law presumes that a minor of 12 can exercise their rights alone, and asks that
younger children be heard in a way that fits their maturity; the Dutch OPP asks the school to
hear the pupil. Asking a child what helps is not exercising a right: it is the start of being
heard, and from about 8 children can tell in their own words what helps them in class. Younger
pupils' views reach the card through the teacher's notes and the behaviour card, which is made
together with the pupil.

Domain functions in the style of `plans.actions`: `actor=`, the policy (the card's own
permission: who keeps the card writes, who may see the card reads), validation, the audit entry
in the same transaction (codes only: the words are free text about a pupil, encrypted at rest),
optimistic locking on edits.
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
from hechtwijzer.forms import is_supported_day, supported_day_error
from hechtwijzer.locking import check_version
from hechtwijzer.schools.models import Pupil

from .models import FocusCard, PupilVoice, VoiceKind

MIN_AGE = 8
MAX_TEXT = 500


def offered(pupil: Pupil, today: datetime.date | None = None) -> bool:
    """Whether the card offers to write down the pupil's voice: from 8 years."""
    return pupil.age_on(today or timezone.localdate()) >= MIN_AGE


def _require(actor: Any, pupil: Pupil) -> None:
    if not allows(actor, Perm.KEEP_FOCUS_CARD, pupil):
        raise PermissionDenied


def _audit(actor: Any, voice: PupilVoice, card: FocusCard, action: str) -> None:
    record(
        action=action,
        actor=actor,
        pupil=card.pupil,
        object_type="pupilvoice",
        object_id=voice.uid,
        details={"version": card.number, "kind": voice.kind},
    )


def clean(pupil: Pupil, kind: str, text: str, said_on: datetime.date | None) -> str:
    """The words as stored; ValidationError keyed by field for what cannot be stored."""
    errors: dict[str, list[str]] = {}
    text = (text or "").strip()
    if not offered(pupil):
        errors["__all__"] = [_("The pupil's voice is written down from about 8 years (group 5).")]
    if kind not in VoiceKind.values:
        errors["kind"] = [_("Choose what the words are about.")]
    if not text:
        errors["text"] = [_("Write down what the pupil said.")]
    elif len(text) > MAX_TEXT:
        errors["text"] = [_("Keep the note under %(max)d characters.") % {"max": MAX_TEXT}]
    if said_on is None or not is_supported_day(said_on):
        errors["said_on"] = supported_day_error().messages
    elif said_on > timezone.localdate():
        errors["said_on"] = [_("The day lies in the future.")]
    if errors:
        raise ValidationError(errors)
    return text


def add_to_card(
    *, actor: Any, card: FocusCard, kind: str, text: str, said_on: datetime.date
) -> PupilVoice:
    """Write down what the pupil said on `card` (already checked by `clean`; inside the
    caller's transaction: `plans.actions.add_voice`, which opens the card when needed). Audit
    `focuscard.voice.add`."""
    card = FocusCard.objects.select_for_update().get(pk=card.pk)
    voice = PupilVoice.objects.create(
        card=card, kind=kind, text=text, said_on=said_on, recorded_by=actor
    )
    _audit(actor, voice, card, "focuscard.voice.add")
    return voice


def edit(
    *,
    actor: Any,
    voice: PupilVoice,
    expected_version: int,
    kind: str,
    text: str,
    said_on: datetime.date | None,
) -> PupilVoice:
    """Correct what was written down, on an open card. Refused with StaleVersion when someone
    changed it since `expected_version` was shown, or the card was evaluated meanwhile. Audit
    `focuscard.voice.edit`."""
    card = voice.card
    _require(actor, card.pupil)
    text = clean(card.pupil, kind, text, said_on)
    with transaction.atomic():
        current = PupilVoice.objects.select_for_update().select_related("card").get(pk=voice.pk)
        check_version(current, expected_version, closed=not current.card.is_open)
        current.kind, current.text, current.said_on = kind, text, said_on
        current.version += 1
        current.save()
        _audit(actor, current, current.card, "focuscard.voice.edit")
    return current


def remove(*, actor: Any, voice: PupilVoice, expected_version: int) -> None:
    """Remove what was written down (a mistake), on an open card. Audit
    `focuscard.voice.remove`."""
    card = voice.card
    _require(actor, card.pupil)
    with transaction.atomic():
        current = PupilVoice.objects.select_for_update().select_related("card").get(pk=voice.pk)
        check_version(current, expected_version, closed=not current.card.is_open)
        _audit(actor, current, current.card, "focuscard.voice.remove")
        current.delete()


def at_evaluation(*, actor: Any, card: FocusCard, said: dict[str, str], today: datetime.date):
    """What the pupil says now, asked by the evaluation form, kept on the evaluated version
    (inside `plans.actions.evaluate`'s transaction). Empty answers are skipped: the pupil is
    never made to answer. Audit `focuscard.voice.add` per answer."""
    for kind in VoiceKind.values:
        text = (said.get(kind) or "").strip()
        if not text:
            continue
        voice = PupilVoice.objects.create(
            card=card,
            kind=kind,
            text=text,
            said_on=today,
            recorded_by=actor,
            at_evaluation=True,
        )
        _audit(actor, voice, card, "focuscard.voice.add")


def for_card(card: FocusCard | None) -> list[PupilVoice]:
    """What the pupil said on this version, and at the evaluation of the version before it (the
    words the version started from), oldest first: one query."""
    if card is None:
        return []
    rows = PupilVoice.objects.filter(card__pupil_id=card.pupil_id).select_related("recorded_by")
    rows = rows.filter(card__number=card.number) | rows.filter(
        card__number=card.number - 1, at_evaluation=True
    )
    return sorted(rows, key=lambda v: (v.card_id == card.pk, v.said_on, v.pk))
