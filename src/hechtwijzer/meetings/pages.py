"""What the meeting page and its PDFs show per pupil on the agenda, for one user.

Per pupil: the current plan (the focus card's measures the teacher already does or will try,
and the evaluation date), what the observations resemble (the engine's profile, through
observations.profiles, the same as the pupil page), the latest evaluation's figures, the
question on the agenda, and the minutes and decisions. Never the safeguarding record, the
safeguarding level or risk factors: the profile is built without factors, and only its
indications are shown.

Everything is read for all pupils of the agenda at once: a fixed number of queries, however
many pupils are on it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import get_language

from hechtwijzer.catalog import get_catalog
from hechtwijzer.observations.profiles import (
    counted_groups,
    engine_observations,
    profile_from,
    window_start,
)
from hechtwijzer.plans.actions import card_rows
from hechtwijzer.plans.models import CardEntry, Evaluation, FocusCard, OwnMeasure

from .models import AgendaItem, MeetingDecision


@dataclass
class PupilOnAgenda:
    item: AgendaItem
    card: FocusCard | None = None
    doing: list[str] = field(default_factory=list)
    trying: list[str] = field(default_factory=list)
    resembles: list[str] = field(default_factory=list)
    insufficient_data: bool = True
    observations: int = 0
    evaluation: Evaluation | None = None
    figures: list[dict] = field(default_factory=list)
    decisions: list[MeetingDecision] = field(default_factory=list)

    @property
    def pupil(self):
        return self.item.pupil


def figure_lines(figures: dict) -> list[dict]:
    """An evaluation's stored figures as rows: signal group, before, during."""
    groups = counted_groups()
    lang = get_language()
    rows = [
        {"label": groups[code].get(lang), "before": v["before"], "during": v["during"]}
        for code, v in (figures or {}).get("groups", {}).items()
        if code in groups
    ]
    return [row for row in rows if row["before"] or row["during"]]


def agenda(items: list[AgendaItem], today: datetime.date) -> list[PupilOnAgenda]:
    """The agenda's pupils with their plan, profile, figures and decisions (7 queries)."""
    catalog = get_catalog()
    lang = get_language()
    shown = [PupilOnAgenda(item=item) for item in items]
    if not shown:
        return shown
    pupil_ids = [entry.pupil.pk for entry in shown]
    cards = {
        card.pupil_id: card
        for card in FocusCard.objects.filter(pupil_id__in=pupil_ids, closed_at__isnull=True)
        .only("pk", "pupil_id", "number", "evaluation_due", "period_start")
        .order_by("number")
    }
    chosen = Q(doing=True) | Q(trying=True)
    entries: dict[int, dict[str, CardEntry]] = {}
    for entry in CardEntry.objects.filter(chosen, card__in=list(cards.values())).only(
        "card_id", "measure_code", "doing", "trying"
    ):
        entries.setdefault(entry.card_id, {})[entry.measure_code] = entry
    own: dict[int, list[OwnMeasure]] = {}
    for measure in OwnMeasure.objects.filter(chosen, card__in=list(cards.values())):
        own.setdefault(measure.card_id, []).append(measure)
    latest: dict[int, Evaluation] = {}
    for evaluation in (
        Evaluation.objects.filter(card__pupil_id__in=pupil_ids)
        .select_related("card")
        .defer("summary", "profile_at_evaluation", "card__reason", "card__profile_at_start")
        .order_by("-evaluated_on", "-id")
    ):
        latest.setdefault(evaluation.card.pupil_id, evaluation)
    observations = engine_observations(pupil_ids, window_start(today), today)
    decisions: dict[int, list[MeetingDecision]] = {}
    for decision in MeetingDecision.objects.filter(item__in=[e.item for e in shown]).select_related(
        "owner"
    ):
        decisions.setdefault(decision.item_id, []).append(decision)
    rows = card_rows()
    for entry in shown:
        pupil = entry.pupil
        card = entry.card = cards.get(pupil.pk)
        if card is not None:
            ticked = entries.get(card.pk, {})
            for measure in rows:
                if measure.code in ticked:
                    title = measure.label.get(lang)
                    if ticked[measure.code].doing:
                        entry.doing.append(title)
                    if ticked[measure.code].trying:
                        entry.trying.append(title)
            for measure in own.get(card.pk, []):
                if measure.doing:
                    entry.doing.append(measure.text)
                if measure.trying:
                    entry.trying.append(measure.text)
        seen = observations.get(pupil.pk, [])
        profile = profile_from(seen, pupil, today, measures=False)
        entry.observations = profile.observations
        entry.insufficient_data = profile.insufficient_data
        entry.resembles = [
            catalog.get("patterns", m.code).label.get(lang) for m in profile.indications
        ]
        entry.evaluation = latest.get(pupil.pk)
        if entry.evaluation is not None:
            entry.figures = figure_lines(entry.evaluation.figures)
        entry.decisions = decisions.get(entry.item.pk, [])
    return shown
