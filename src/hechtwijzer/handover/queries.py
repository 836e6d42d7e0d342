"""Reading the warm handover: the one that waits for a user on the pupil page (one query), what
works for the pupil (the latest evaluation's measures that worked, the behaviour card's goals),
and the handovers waiting for next year's teacher before that year starts."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from hechtwijzer.behaviour.models import BehaviourCard
from hechtwijzer.catalog import get_catalog
from hechtwijzer.plans.models import FocusCard, MeasureOutcome, Outcome
from hechtwijzer.schools.models import Pupil, current_school_year

from .models import Acknowledgement, Handover


def waiting_for(user: Any, pupil: Pupil) -> Handover | None:
    """The newest handover of last or this school year that someone else wrote and `user` has
    not acknowledged: one query (the author with it)."""
    return (
        Handover.objects.filter(pupil=pupil, school_year__gte=current_school_year() - 1)
        .exclude(author=user)
        .exclude(acknowledgements__user=user)
        .select_related("author")
        .order_by("-school_year")
        .first()
    )


def latest(pupil: Pupil) -> Handover | None:
    return pupil.handovers.select_related("author").order_by("-school_year").first()


def has_card(pupil: Pupil) -> bool:
    return (
        FocusCard.objects.filter(pupil=pupil).exists()
        or BehaviourCard.objects.filter(pupil=pupil).exists()
    )


def what_works(pupil: Pupil) -> dict:
    """The measures rated "worked" in the pupil's latest evaluation (catalog items and own
    measures' texts) and the goals of the current behaviour card."""
    card = (
        FocusCard.objects.filter(pupil=pupil, evaluation__isnull=False)
        .select_related("evaluation")
        .order_by("-number")
        .first()
    )
    measures, own = [], []
    if card is not None:
        catalog = get_catalog()
        for outcome in MeasureOutcome.objects.filter(
            evaluation=card.evaluation, outcome=Outcome.WORKED
        ).select_related("own_measure"):
            if outcome.own_measure_id:
                own.append(outcome.own_measure.text)
            elif outcome.measure_code:
                item = catalog.by_code["measures"].get(outcome.measure_code)
                if item is not None:  # a measure retired from the catalog since
                    measures.append(item)
    behaviour = BehaviourCard.objects.filter(pupil=pupil, archived_at__isnull=True).first()
    return {
        "evaluated_card": card,
        "measures": measures,
        "own_measures": own,
        "goals": [text for _slot, text in behaviour.goal_slots()] if behaviour else [],
    }


def group_list(pupils: QuerySet[Pupil], year: int) -> list[Pupil]:
    """The pupils with a focus card or behaviour card, each with `written` (this school
    year's handover exists): one query."""
    focus = FocusCard.objects.filter(pupil=OuterRef("pk"))
    behaviour = BehaviourCard.objects.filter(pupil=OuterRef("pk"))
    written = Handover.objects.filter(pupil=OuterRef("pk"), school_year=year)
    return list(
        pupils.annotate(has_focus=Exists(focus), has_behaviour=Exists(behaviour))
        .filter(Q(has_focus=True) | Q(has_behaviour=True))
        .annotate(written=Exists(written))
        .order_by("sort_name", "first_name")
    )


def for_next_year(user: Any, pupils: QuerySet[Pupil], year: int) -> list[Pupil]:
    """Of `pupils` (those placed in the user's groups of next school year), the ones with a
    handover of school year `year` that someone else wrote, each with `read` (the user marked
    it read): one query. A teacher who moves up with the class wrote their own."""
    written = Handover.objects.filter(pupil=OuterRef("pk"), school_year=year).exclude(author=user)
    read = Acknowledgement.objects.filter(
        handover__pupil=OuterRef("pk"), handover__school_year=year, user=user
    )
    return list(
        pupils.filter(Exists(written))
        .annotate(read=Exists(read))
        .select_related("group")
        .order_by("sort_name", "first_name")
    )
