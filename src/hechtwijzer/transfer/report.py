"""The transfer report's content: what travels to the receiving school, as the versioned JSON
of docs/transfer-format.md. The PDF (transfer.document) prints this same content.

What travels by default, shaped after the social-emotional and support parts of the Dutch
onderwijskundig rapport (OSO): the support given (every focus-card version with its period and
chosen measures), what worked (measures the evaluations rated "worked"), the current plan, the
evaluation figures (rates per observed school day, plans/figures.py) and the pupil's voice.

What never travels by default: the safeguarding record, the risk and protective factors (the
family's circumstances), observations and their notes, the card's reason, the teachers' notes
on measures and evaluations. One of the first three travels only as an `IncludedItem` the care
coordinator chose after weighing it, with the reason, which travels with it. Flemish schools
send only what concerns the school career (decree on the pupils' legal position, 2014): of the
records above only observation notes can be included, each confirmed to concern the school
career and not a breach of school rules, which never travels; the parts the parents objected
to are left out and named (only the names) in `left_out`.
"""

from __future__ import annotations

import datetime
import uuid

from django.db.models import Prefetch

from hechtwijzer.care.models import PupilFactor, SafeguardingConcern
from hechtwijzer.catalog import get_catalog
from hechtwijzer.observations.models import Observation
from hechtwijzer.plans.actions import card_rows
from hechtwijzer.plans.models import Evaluation, FocusCard, Outcome, PupilVoice
from hechtwijzer.schools.models import Country

from .models import IncludedItem, ItemKind, Transfer

FORMAT = "hechtwijzer-transfer"
VERSION = 1

# The parts of the report, in order; the Flemish parents may object to each.
SECTIONS = ("support", "what_worked", "current_plan", "figures", "pupil_voice")

# Which records the care coordinator may include, per country of the sending school.
INCLUDABLE = {
    Country.NL: (ItemKind.SAFEGUARDING, ItemKind.FACTOR, ItemKind.OBSERVATION),
    Country.BE: (ItemKind.OBSERVATION,),
}

# The figures' keys that travel (engine.evaluation's stored shapes, versions 1 and 2).
_FIGURE_KEYS = (
    "version",
    "period",
    "before_period",
    "before",
    "during",
    "before_rate",
    "during_rate",
    "direction",
    "comparable",
    "observed_days",
    "school_days",
    "min_days",
    "holidays",
    "holidays_known",
    "left_out",
)
_GROUP_KEYS = ("before", "during", "before_rate", "during_rate", "direction")


def transfer_of(pupil) -> Transfer | None:
    return Transfer.objects.filter(pupil=pupil).first()


def _measures(card: FocusCard, lang: str) -> list[dict]:
    """The chosen measures of one version: catalog measures in the card's order, then the
    teacher's own (their text as written); without the teachers' notes."""
    entries = {e.measure_code: e for e in card.entries.all() if e.doing or e.trying}
    found = []
    for measure in card_rows():
        entry = entries.get(measure.code)
        if entry is not None:
            found.append(
                {
                    "code": measure.code,
                    "title": measure.label.get(lang),
                    "doing": entry.doing,
                    "trying": entry.trying,
                }
            )
    for own in card.own_measures.all():
        if own.doing or own.trying:
            found.append(
                {"code": None, "title": own.text, "doing": own.doing, "trying": own.trying}
            )
    return found


def _figures(stored: dict) -> dict:
    figures = {k: stored[k] for k in _FIGURE_KEYS if k in stored}
    figures["groups"] = {
        code: {k: v[k] for k in _GROUP_KEYS if k in v}
        for code, v in (stored.get("groups") or {}).items()
    }
    return figures


def _titles(evaluation: Evaluation, card: FocusCard, lang: str) -> dict:
    catalog = get_catalog()
    own = {m.pk: m.text for m in card.own_measures.all()}
    titles = {}
    for outcome in evaluation.outcomes.all():
        if outcome.measure_code:
            try:
                titles[outcome.pk] = catalog.get("measures", outcome.measure_code).label.get(lang)
            except KeyError:
                titles[outcome.pk] = outcome.measure_code
        else:
            titles[outcome.pk] = own.get(outcome.own_measure_id, "")
    return titles


def candidates(pupil, country: str, lang: str) -> list[dict]:
    """The records the care coordinator may weigh for inclusion, newest first, each
    {"kind", "uid", "date", "label", "text"}: nothing is included by being listed here."""
    allowed = INCLUDABLE.get(country, ())
    found: list[dict] = []
    catalog = get_catalog()
    if ItemKind.SAFEGUARDING in allowed:
        for concern in SafeguardingConcern.objects.filter(pupil=pupil):
            found.append(
                {
                    "kind": ItemKind.SAFEGUARDING.value,
                    "uid": str(concern.uid),
                    "date": concern.raised_on,
                    "label": str(ItemKind.SAFEGUARDING.label),
                    "text": concern.concern,
                }
            )
    if ItemKind.FACTOR in allowed:
        for factor in PupilFactor.objects.filter(pupil=pupil):
            kind = "risk_factors" if factor.kind == "risk" else "protective_factors"
            try:
                label = catalog.get(kind, factor.code).label.get(lang)
            except KeyError:
                label = factor.code
            found.append(
                {
                    "kind": ItemKind.FACTOR.value,
                    "uid": str(factor.uid),
                    "date": factor.noted_on or factor.created_at.date(),
                    "label": label,
                    "text": factor.note,
                    "code": factor.code,
                    "factor_kind": factor.kind,
                }
            )
    if ItemKind.OBSERVATION in allowed:
        notes = Observation.objects.filter(pupil=pupil, withdrawn_at__isnull=True).exclude(note="")
        for observation in notes:
            found.append(
                {
                    "kind": ItemKind.OBSERVATION.value,
                    "uid": str(observation.uid),
                    "date": observation.observed_on,
                    "label": str(ItemKind.OBSERVATION.label),
                    "text": observation.note,
                }
            )
    found.sort(key=lambda c: (c["date"], c["uid"]), reverse=True)
    return found


def included(
    transfer: Transfer | None,
    pupil,
    country: str,
    lang: str,
    *,
    items: list[IncludedItem] | None = None,
    found: list[dict] | None = None,
) -> list[dict]:
    """The deliberately included items as they travel: {"kind", "date", "label", "text",
    "reason"}, oldest first; items whose record is gone (or not includable here) are left out.
    `items` and `found` (the candidates) when the caller has them already."""
    if transfer is None:
        return []
    if items is None:
        items = list(IncludedItem.objects.filter(transfer=transfer))
    if not items:
        return []
    if found is None:
        found = candidates(pupil, country, lang)
    by_uid = {c["uid"]: c for c in found}
    result = []
    for item in items:
        source = by_uid.get(str(item.source_uid))
        if source is None or source["kind"] != item.kind:
            continue
        entry = {
            "kind": item.kind,
            "date": source["date"].isoformat(),
            "label": source["label"],
            "text": source["text"],
            "reason": item.reason,
        }
        if "code" in source:
            entry["code"] = source["code"]
            entry["factor_kind"] = source["factor_kind"]
        result.append(entry)
    result.sort(key=lambda e: e["date"])
    return result


_UNSET = object()


def build(
    pupil,
    *,
    lang: str,
    today: datetime.date | None = None,
    transfer=_UNSET,
    items: list[IncludedItem] | None = None,
    found: list[dict] | None = None,
) -> dict:
    """The report for `pupil`, as the JSON of docs/transfer-format.md (version 1). A page that
    has loaded the transfer, its items and the candidates already passes them."""
    today = today or datetime.date.today()
    school = pupil.school
    if transfer is _UNSET:
        transfer = transfer_of(pupil)
    left_out = [s for s in (transfer.left_out if transfer else []) if s in SECTIONS]
    if school.country != Country.BE:
        left_out = []  # only the Flemish parents' objection leaves parts out
    cards = list(
        FocusCard.objects.filter(pupil=pupil)
        .order_by("number")
        .prefetch_related(
            "entries",
            "own_measures",
            Prefetch(
                "evaluation",
                queryset=Evaluation.objects.prefetch_related("outcomes"),
            ),
        )
    )
    support, worked, figures = [], [], []
    current = None
    for card in cards:
        measures = _measures(card, lang)
        evaluation = getattr(card, "evaluation", None) if card.closed_at else None
        version = {
            "version": card.number,
            "period_start": card.period_start.isoformat(),
            "evaluation_due": card.evaluation_due.isoformat(),
            "measures": measures,
            "evaluation": None,
        }
        if evaluation is not None:
            titles = _titles(evaluation, card, lang)
            version["evaluation"] = {
                "evaluated_on": evaluation.evaluated_on.isoformat(),
                "decision": evaluation.decision,
                "outcomes": [
                    {
                        "code": o.measure_code or None,
                        "title": titles[o.pk],
                        "outcome": o.outcome,
                    }
                    for o in evaluation.outcomes.all()
                ],
            }
            for o in evaluation.outcomes.all():
                if o.outcome == Outcome.WORKED:
                    worked.append(
                        {
                            "code": o.measure_code or None,
                            "title": titles[o.pk],
                            "version": card.number,
                            "evaluated_on": evaluation.evaluated_on.isoformat(),
                        }
                    )
            if evaluation.figures:
                figures.append(
                    {
                        "version": card.number,
                        "evaluated_on": evaluation.evaluated_on.isoformat(),
                        "figures": _figures(evaluation.figures),
                    }
                )
        support.append(version)
        if card.closed_at is None:
            current = {
                "version": card.number,
                "period_start": card.period_start.isoformat(),
                "evaluation_due": card.evaluation_due.isoformat(),
                "measures": measures,
            }
    voices = [
        {
            "version": v.card.number,
            "kind": v.kind,
            "text": v.text,
            "said_on": v.said_on.isoformat(),
        }
        for v in PupilVoice.objects.filter(card__pupil=pupil)
        .select_related("card")
        .order_by("said_on", "id")
    ]
    parents = {
        "viewed_on": (
            transfer.parents_viewed_on.isoformat()
            if transfer and transfer.parents_viewed_on
            else None
        ),
        "view": (transfer.parents_view if transfer and school.country == Country.NL else "") or "",
        "objection": (transfer.objection if transfer and school.country == Country.BE else "")
        or "",
    }
    report = {
        "format": FORMAT,
        "version": VERSION,
        "transfer_id": str(uuid.uuid4()),
        "exported_on": today.isoformat(),
        "language": lang,
        "sending_school": {"name": school.name, "country": school.country, "code": school.code},
        "receiving_school": transfer.receiving_school if transfer else "",
        "pupil": {
            "first_name": pupil.first_name,
            "last_name": pupil.last_name,
            "date_of_birth": pupil.date_of_birth.isoformat(),
            "source_key": pupil.source_key or None,
        },
        "support": support,
        "what_worked": worked,
        "current_plan": current,
        "figures": figures,
        "pupil_voice": voices,
        "included": included(transfer, pupil, school.country, lang, items=items, found=found),
        "parents": parents,
        "left_out": left_out,
    }
    for section in left_out:
        report[section] = None if section == "current_plan" else []
    return report
