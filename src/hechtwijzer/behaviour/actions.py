"""Domain functions for the behaviour card and the day programme.

Each takes the acting user as `actor`, checks the access policy, validates, writes, and
records the audit entry in one transaction. Validation errors are raised as a
`ValidationError` keyed by form field before anything is written. The card and the
programme are saved with optimistic locking: a save based on an older version raises
`StaleVersion` (hechtwijzer.locking) and changes nothing.

Audit entries name what changed, never the goals' or blocks' text.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hechtwijzer.access import Perm, allows
from hechtwijzer.audit.models import record
from hechtwijzer.locking import StaleVersion, check_version
from hechtwijzer.schools.models import Pupil
from hechtwijzer.weeks import is_school_day

from .models import (
    DEFAULT_DAY_PARTS,
    MAX_GOALS,
    BehaviourCard,
    DayPart,
    DayProgramme,
    Pictogram,
    ProgrammeBlock,
    Score,
    ScoreValue,
)

GOAL_MIN_LENGTH = 3
GOAL_MAX_LENGTH = 120
MIN_DAY_PARTS = 2
MAX_DAY_PARTS = 4
MAX_BLOCKS = 12
LABEL_MAX_LENGTH = 40
TITLE_MAX_LENGTH = 40
# How far a card's start date may lie from today.
START_DAYS_BACK = 365
START_DAYS_AHEAD = 92
# Words that usually mean a goal says what the pupil should *not* do (a hint, never an error).
NEGATIONS = {"niet", "geen", "nooit", "not", "no", "never", "don't", "dont", "won't", "stop"}


def _check(actor: Any, pupil: Pupil, perm: Perm = Perm.KEEP_CLASS_TOOLS) -> None:
    """Starting, changing and stopping a card and saving the programme need KEEP_CLASS_TOOLS
    (the group's teachers and the care coordinator); scoring needs OBSERVE, which also staff
    given access to the pupil have."""
    if not allows(actor, perm, pupil):
        raise PermissionDenied


def _squash(text: str | None) -> str:
    return " ".join((text or "").split())


# --- behaviour card ------------------------------------------------------------------------------


def _clean_card(
    *, goals: Sequence[str], day_parts: Sequence[str], starts_on: datetime.date | None
) -> tuple[list[str], list[str]]:
    """The goals (one per slot, "" for an empty slot) and the day parts in the order of the day."""
    errors: dict[str, list[str]] = {}
    texts = [_squash(goal) for goal in goals]
    written = [text for text in texts if text]
    if len(texts) > MAX_GOALS and any(texts[MAX_GOALS:]):
        errors["goals"] = [_("A behaviour card has one to three goals.")]
    elif not written:
        errors["goal_1"] = [_("Write at least one goal.")]
    for slot, text in enumerate(texts[:MAX_GOALS], start=1):
        if text and len(text) < GOAL_MIN_LENGTH:
            errors[f"goal_{slot}"] = [
                _("Write a goal of at least %(min)d characters.") % {"min": GOAL_MIN_LENGTH}
            ]
        elif len(text) > GOAL_MAX_LENGTH:
            errors[f"goal_{slot}"] = [
                _("Keep a goal to %(max)d characters; a short sentence works best.")
                % {"max": GOAL_MAX_LENGTH}
            ]
    chosen = set(day_parts)
    if chosen - set(DayPart.values):
        errors["day_parts"] = [_("Choose from the day parts offered.")]
    elif not MIN_DAY_PARTS <= len(chosen) <= MAX_DAY_PARTS:
        errors["day_parts"] = [_("Choose two to four day parts.")]
    today = timezone.localdate()
    if starts_on is None:
        errors["starts_on"] = [_("Enter the start date.")]
    elif starts_on < today - datetime.timedelta(days=START_DAYS_BACK):
        errors["starts_on"] = [_("The start date lies more than a year back.")]
    elif starts_on > today + datetime.timedelta(days=START_DAYS_AHEAD):
        errors["starts_on"] = [_("The start date lies more than three months ahead.")]
    if errors:
        raise ValidationError(errors)
    slots = (texts + [""] * MAX_GOALS)[:MAX_GOALS]
    return slots, [code for code in DayPart.values if code in chosen]


def negative_goals(goals: Sequence[str]) -> list[int]:
    """Slots (1-based) of goals that contain a negation such as "niet" or "not".

    A behaviour card works best with positive goals: what the pupil does, not what it should
    stop doing. Views show this as a hint after saving; it never blocks a save.
    """
    found = []
    for slot, goal in enumerate(goals, start=1):
        words = set(re.findall(r"[\w']+", (goal or "").lower()))
        if words & NEGATIONS:
            found.append(slot)
    return found


def current_card(pupil: Pupil) -> BehaviourCard | None:
    return BehaviourCard.objects.filter(pupil=pupil, archived_at__isnull=True).first()


def _archive(card: BehaviourCard, actor: Any, *, replaced: bool) -> None:
    card.archived_at = timezone.now()
    card.archived_by = actor
    card.version += 1
    card.save(update_fields=["archived_at", "archived_by", "version", "updated_at"])
    record(
        action="behaviour_card.archive",
        actor=actor,
        pupil=card.pupil,
        object_type="behaviour_card",
        object_id=card.uid,
        details={"replaced": replaced},
    )


def start_card(
    *,
    actor: Any,
    pupil: Pupil,
    goals: Sequence[str],
    day_parts: Sequence[str] = DEFAULT_DAY_PARTS,
    starts_on: datetime.date | None = None,
    replaces: Any = None,
) -> BehaviourCard:
    """Start a behaviour card for a pupil.

    `replaces` is the uid of the card the user saw as current (None when there was none); the
    current card, if any, is archived in the same transaction. When the current card is not the
    one the user saw, StaleVersion is raised and nothing changes. Side effects: the card, audit
    entries `behaviour_card.archive` (the replaced card) and `behaviour_card.create`.
    """
    _check(actor, pupil)
    starts_on = starts_on if starts_on is not None else timezone.localdate()
    slots, parts = _clean_card(goals=goals, day_parts=day_parts, starts_on=starts_on)
    try:
        with transaction.atomic():
            current = (
                BehaviourCard.objects.select_for_update()
                .filter(pupil=pupil, archived_at__isnull=True)
                .first()
            )
            check_version(current, replaces or None, field="uid")
            if current is not None:
                current.pupil = pupil
                _archive(current, actor, replaced=True)
            card = BehaviourCard.objects.create(
                pupil=pupil,
                goal_1=slots[0],
                goal_2=slots[1],
                goal_3=slots[2],
                day_parts=",".join(parts),
                starts_on=starts_on,
                created_by=actor,
            )
            record(
                action="behaviour_card.create",
                actor=actor,
                pupil=pupil,
                object_type="behaviour_card",
                object_id=card.uid,
                details={
                    "goals": sum(1 for s in slots if s),
                    "day_parts": parts,
                    "starts_on": starts_on.isoformat(),
                },
            )
    except IntegrityError:
        # Someone started a card at the same moment (the one-current-card constraint).
        raise StaleVersion(current=current_card(pupil), field="uid") from None
    return card


def _lock(card: BehaviourCard, expected_version: int) -> BehaviourCard:
    current = BehaviourCard.objects.select_for_update().get(pk=card.pk)
    current.pupil = card.pupil
    return check_version(current, expected_version, closed=current.is_archived)


def update_card(
    *,
    actor: Any,
    card: BehaviourCard,
    expected_version: int,
    goals: Sequence[str],
    day_parts: Sequence[str],
    starts_on: datetime.date | None,
) -> BehaviourCard:
    """Change the wording of the goals, the day parts or the start date of the current card.

    A goal or day part that has scores cannot be removed, and the start date cannot move past a
    score: to change what the card is about, start a new card. Refused with StaleVersion when
    the card was saved or archived since `expected_version`. Side effects: the new values,
    version + 1, audit entry `behaviour_card.change` naming the changed fields.
    """
    _check(actor, card.pupil)
    slots, parts = _clean_card(goals=goals, day_parts=day_parts, starts_on=starts_on)
    with transaction.atomic():
        current = _lock(card, expected_version)
        used = set(current.scores.values_list("goal", "day_part").distinct())
        errors: dict[str, list[str]] = {}
        for slot in {goal for goal, _part in used}:
            if not slots[slot - 1]:
                errors[f"goal_{slot}"] = [
                    _(
                        "This goal has scores, so it cannot be removed. To change what the card "
                        "is about, start a new card; this one is kept in the archive."
                    )
                ]
        dropped = [
            label
            for code, label in DayPart.choices
            if code in {part for _goal, part in used} and code not in parts
        ]
        if dropped:
            errors["day_parts"] = [
                _(
                    "Scores were given in “%(parts)s”, so it stays on the card. To change the day "
                    "parts, start a new card."
                )
                % {"parts": ", ".join(str(label) for label in dropped)}
            ]
        first = current.scores.order_by("day").values_list("day", flat=True).first()
        if first is not None and starts_on > first:
            errors["starts_on"] = [
                _("There are scores from %(day)s on; choose that day or an earlier one.")
                % {"day": date_format(first, "j F Y")}
            ]
        if errors:
            raise ValidationError(errors)
        before = {
            "goal_1": current.goal_1,
            "goal_2": current.goal_2,
            "goal_3": current.goal_3,
            "day_parts": current.day_parts,
            "starts_on": current.starts_on,
        }
        after = {
            "goal_1": slots[0],
            "goal_2": slots[1],
            "goal_3": slots[2],
            "day_parts": ",".join(parts),
            "starts_on": starts_on,
        }
        changed = [name for name in after if before[name] != after[name]]
        for name in changed:
            setattr(current, name, after[name])
        current.version += 1
        current.save()
        record(
            action="behaviour_card.change",
            actor=actor,
            pupil=current.pupil,
            object_type="behaviour_card",
            object_id=current.uid,
            details={"fields": changed},
        )
    return current


def archive_card(*, actor: Any, card: BehaviourCard, expected_version: int) -> BehaviourCard:
    """Stop using the current card; it stays, with its scores, in the archive.

    Refused with StaleVersion when the card changed since `expected_version`. Side effects:
    version + 1, audit entry `behaviour_card.archive`.
    """
    _check(actor, card.pupil)
    with transaction.atomic():
        current = _lock(card, expected_version)
        _archive(current, actor, replaced=False)
    return current


def day_problem(card: BehaviourCard, day: datetime.date) -> str | None:
    """Why scores cannot be given on `day`, or None when they can."""
    if card.is_archived:
        return _("This card is archived; its scores can no longer be changed.")
    if not is_school_day(day):
        return _("Scores are given for school days, Monday to Friday.")
    if day < card.starts_on:
        return _("The card starts on %(day)s.") % {"day": date_format(card.starts_on, "j F Y")}
    if day > timezone.localdate():
        return _("This day lies in the future.")
    return None


def set_scores(
    *,
    actor: Any,
    card: BehaviourCard,
    day: datetime.date,
    scores: Mapping[tuple[int, str], int | None],
) -> int:
    """Set (or with None clear) scores of one day: {(goal slot, day part): value}.

    Cells not in `scores` stay as they are. Returns how many cells changed. Side effects: the
    scores, audit entry `behaviour_card.score` (day and counts; only when something changed).
    """
    _check(actor, card.pupil, Perm.OBSERVE)
    problem = day_problem(card, day)
    if problem:
        raise ValidationError({"day": [problem]})
    slots = {slot for slot, _text in card.goal_slots()}
    parts = set(card.part_codes)
    errors: dict[str, list[str]] = {}
    for (goal, part), value in scores.items():
        if goal not in slots or part not in parts:
            errors[f"s-{goal}-{part}"] = [_("This goal or day part is not on the card.")]
        elif value is not None and value not in ScoreValue.values:
            errors[f"s-{goal}-{part}"] = [_("Choose one of the options.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Lock the card: score writes of one card happen one at a time, and not after archiving.
        locked = BehaviourCard.objects.select_for_update().get(pk=card.pk)
        check_version(locked, card.day_parts, field="day_parts", closed=locked.is_archived)
        existing = {(s.goal, s.day_part): s for s in Score.objects.filter(card=card, day=day)}
        now = timezone.now()
        create, update, delete = [], [], []
        for key, value in scores.items():
            score = existing.get(key)
            if value is None:
                if score is not None:
                    delete.append(score.pk)
            elif score is None:
                create.append(
                    Score(
                        card=card,
                        goal=key[0],
                        day=day,
                        day_part=key[1],
                        value=value,
                        scored_by=actor,
                        scored_at=now,
                    )
                )
            elif score.value != value:
                score.value, score.scored_by, score.scored_at = value, actor, now
                update.append(score)
        Score.objects.filter(pk__in=delete).delete()
        Score.objects.bulk_create(create)
        Score.objects.bulk_update(update, ["value", "scored_by", "scored_at"])
        changed = len(create) + len(update) + len(delete)
        if changed:
            record(
                action="behaviour_card.score",
                actor=actor,
                pupil=card.pupil,
                object_type="behaviour_card",
                object_id=card.uid,
                details={
                    "day": day.isoformat(),
                    "set": len(create) + len(update),
                    "cleared": len(delete),
                },
            )
    return changed


# --- day programme -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlockInput:
    starts_at: datetime.time | None
    label: str
    pictogram: str = ""


def _clean_programme(title: str, blocks: Sequence[BlockInput]) -> tuple[str, list[BlockInput]]:
    errors: dict[str, list[str]] = {}
    title = _squash(title)
    if not title:
        errors["title"] = [_("Give the programme a title, for example “My day”.")]
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = [_("Keep the title to %(max)d characters.") % {"max": TITLE_MAX_LENGTH}]
    if not blocks:
        errors["blocks"] = [_("Add at least one block: a start time and what happens.")]
    elif len(blocks) > MAX_BLOCKS:
        errors["blocks"] = [_("A day programme has at most %(max)d blocks.") % {"max": MAX_BLOCKS}]
    cleaned = []
    previous = None
    for n, block in enumerate(blocks):
        label = _squash(block.label)
        if block.starts_at is None:
            errors[f"blocks.{n}.starts_at"] = [_("Enter a start time, for example 08:30.")]
        elif previous is not None and block.starts_at <= previous:
            errors[f"blocks.{n}.starts_at"] = [
                _(
                    "Start this block later than %(previous)s, the start of the block above: the "
                    "times go up from top to bottom."
                )
                % {"previous": previous.strftime("%H:%M")}
            ]
        if block.starts_at is not None:
            previous = block.starts_at
        if not label:
            errors[f"blocks.{n}.label"] = [_("Write what happens, in a word or two.")]
        elif len(label) > LABEL_MAX_LENGTH:
            errors[f"blocks.{n}.label"] = [
                _("Keep it to %(max)d characters.") % {"max": LABEL_MAX_LENGTH}
            ]
        if block.pictogram and block.pictogram not in Pictogram.values:
            errors[f"blocks.{n}.pictogram"] = [_("Choose one of the pictograms.")]
        cleaned.append(BlockInput(block.starts_at, label, block.pictogram))
    if errors:
        raise ValidationError(errors)
    return title, cleaned


def save_programme(
    *,
    actor: Any,
    pupil: Pupil,
    expected_version: int,
    title: str,
    blocks: Sequence[BlockInput],
) -> DayProgramme:
    """Create or replace a pupil's day programme: its title and all its blocks at once.

    `expected_version` is the version the user saw, 0 when there was no programme yet. Start
    times must go up strictly from the first block to the last. Refused with StaleVersion when
    the programme was saved since. Side effects: the programme and its blocks (the old blocks
    are replaced), audit entry `day_programme.create` or `day_programme.change`.
    """
    _check(actor, pupil)
    title, cleaned = _clean_programme(title, blocks)
    try:
        with transaction.atomic():
            current = DayProgramme.objects.select_for_update().filter(pupil=pupil).first()
            check_version(current, expected_version, absent=0)
            if current is None:
                programme = DayProgramme.objects.create(pupil=pupil, title=title, created_by=actor)
                action = "day_programme.create"
            else:
                programme = current
                programme.title = title
                programme.version += 1
                programme.save()
                programme.blocks.all().delete()
                action = "day_programme.change"
            ProgrammeBlock.objects.bulk_create(
                ProgrammeBlock(
                    programme=programme,
                    position=n,
                    starts_at=block.starts_at,
                    label=block.label,
                    pictogram=block.pictogram,
                )
                for n, block in enumerate(cleaned, start=1)
            )
            record(
                action=action,
                actor=actor,
                pupil=pupil,
                object_type="day_programme",
                object_id=programme.uid,
                details={"blocks": len(cleaned)},
            )
    except IntegrityError:
        # Someone created the programme at the same moment (one programme per pupil).
        raise StaleVersion(current=DayProgramme.objects.filter(pupil=pupil).first()) from None
    return programme
