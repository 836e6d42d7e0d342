"""Turn a focus card and its evaluation into the translated documents `pdf` renders."""

from __future__ import annotations

import datetime
import re
import unicodedata
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hechtwijzer import words
from hechtwijzer.catalog import get_catalog
from hechtwijzer.observations.profiles import build_profile, counted_groups

from . import actions, snapshots
from .marks import recommendation_marks
from .models import Outcome
from .pdf import (
    CardDocument,
    CardLabels,
    CardSection,
    EvaluationDocument,
    EvaluationLabels,
    IntentRow,
    MeasureOutcomeRow,
    MeasureRow,
    OwnMeasureRow,
    SignalCountRow,
    SnapshotSection,
)


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def card_labels() -> CardLabels:
    """The card's fixed texts in the active language."""
    return CardLabels(
        school=_("School"),
        group=_("Group"),
        version=_("Version"),
        period=_("Period"),
        evaluation=_("Evaluation date"),
        author=_("Made by"),
        co_teachers=_("Co-teachers"),
        measures_heading=_("STICORDI measures for %(name)s"),
        columns_explained=_("(column 1 = what I already do, column 2 = what I will try)"),
        number_column=_("No."),
        measure_column=_("Measure"),
        doing_column=_("what I already do"),
        trying_column=_("what I will try"),
        tip=_("Tip"),
        recommended=_("Recommended because of: %(signals)s"),
        recommended_plain=_("Recommended"),
        own_heading=_("My own measures"),
        generated=_("Made on %(date)s"),
    )


def evaluation_labels() -> EvaluationLabels:
    """The evaluation report's fixed texts in the active language."""
    return EvaluationLabels(
        school=_("School"),
        group=_("Group"),
        version=_("Version"),
        period=_("Period"),
        evaluated_on=_("Evaluated on"),
        evaluated_by=_("Evaluated by"),
        outcomes_heading=_("How the measures went"),
        measure_column=_("Measure"),
        outcome_column=_("How it went"),
        note_column=_("Note"),
        no_outcomes=_("No measures were tried."),
        signals_heading=_("Signals before and during the plan"),
        signal_column=_("Kind of signal"),
        before_column=_("Before"),
        after_column=_("During the plan"),
        change_column=_("Difference"),
        total=_("Total"),
        decision_heading=_("Decision"),
        referrals_heading=_("Referral options"),
        no_referrals=_("No referral options chosen."),
        next_evaluation=_("Next evaluation"),
        summary_heading=_("Summary"),
        generated=_("Made on %(date)s"),
    )


# The paper card the PDF follows (seed 003, docs/focus-card-pdf.md), and its section of
# classroom signals: the catalog's signals that cite that section are the ones it lists.
CARD_SEED = "003_b814f3f481a7acf9.txt"
CARD_SIGNALS_SECTION = "2. Mogelijke signalen in de klas"


def card_signals() -> tuple:
    """The classroom signals of the paper card, in the catalog's order."""
    return tuple(
        signal
        for signal in get_catalog().signals
        if any(s.seed == CARD_SEED and s.section == CARD_SIGNALS_SECTION for s in signal.sources)
    )


def card_document(pupil, card, lang: str) -> CardDocument:
    """The card (or the empty card, for a pupil without one) in the reader's language."""
    catalog = get_catalog()
    with translation.override(lang):
        entries = {e.measure_code: e for e in card.entries.all()} if card else {}
        recommended = {}
        if card is None or card.is_open:
            profile = build_profile(pupil, timezone.localdate())
            recommended = {
                code: mark.signal_texts(lang)
                for code, mark in recommendation_marks(profile).items()
            }
        rows = []
        for measure in actions.card_rows():
            entry = entries.get(measure.code)
            rows.append(
                MeasureRow(
                    number=measure.number if measure.type == "card" else None,
                    label=measure.number_label,
                    title=measure.label.get(lang),
                    # The school's own scheme: REDICODIS in Flanders (hechtwijzer.words).
                    category=(words.support_category(measure) or ("", ""))[1],
                    doing=bool(entry and entry.doing),
                    trying=bool(entry and entry.trying),
                    note=entry.note if entry else "",
                    how_to=measure.how_to_line.get(lang),
                    recommended=measure.code in recommended,
                    signals=recommended.get(measure.code, ()),
                )
            )
        own = tuple(
            OwnMeasureRow(text=m.text, doing=m.doing, trying=m.trying)
            for m in (card.own_measures.all() if card else [])
        )
        topic = catalog.get("topics", "what_is_attachment")
        sections = [
            CardSection(_("What is the problem"), (topic.description.get(lang).split("\n\n")[0],)),
            CardSection(
                _("Possible signals in class"),
                bullets=tuple(signal.label.get(lang) for signal in card_signals()),
                columns=2,
                source=_("Source: %(title)s (%(year)s)")
                % {"title": catalog.seed(CARD_SEED).title, "year": catalog.seed(CARD_SEED).year},
            ),
            CardSection(
                _("How to use this card"),
                (
                    _(
                        "Column 1: what I already do. Column 2: what I will try. Choose a few "
                        "measures, try them for a period of about six weeks, and evaluate them "
                        "with the care team on the evaluation date."
                    ),
                ),
            ),
        ]
        if card and card.reason:
            sections.insert(0, CardSection(_("Reason"), (card.reason,)))
        return CardDocument(
            language=words.base_language(lang),  # nl-be: Dutch dates, hyphenation
            title=_("Focus card for %(name)s") % {"name": pupil.first_name},
            subtitle=_("Pupils with attachment problems in class"),
            pupil_first_name=pupil.first_name,
            school_name=pupil.school.name,
            group_name=pupil.group.name if pupil.group else "",
            version=card.number if card else None,
            # The app's card runs from its start to its evaluation date.
            period_start=card.period_start if card else None,
            period_end=card.evaluation_due if card else None,
            evaluation_date=card.evaluation_due if card else None,
            author_name=_name(card.author) if card else "",
            co_teacher_names=tuple(_name(u) for u in card.co_teachers.all()) if card else (),
            measures=tuple(rows),
            own_measures=own,
            sections=tuple(sections),
            footer=_("Confidential – pupil file"),
            generated_on=timezone.localdate(),
            labels=card_labels(),
        )


def evaluation_document(pupil, card, evaluation, lang: str) -> EvaluationDocument:
    catalog = get_catalog()
    with translation.override(lang):
        labels = dict(Outcome.choices)
        outcomes = []
        for outcome in evaluation.outcomes.select_related("own_measure"):
            title = (
                outcome.own_measure.text
                if outcome.own_measure_id
                else catalog.get("measures", outcome.measure_code).label.get(lang)
            )
            outcomes.append(MeasureOutcomeRow(title, str(labels[outcome.outcome]), outcome.note))
        groups = counted_groups()
        figures = evaluation.figures
        counts = tuple(
            SignalCountRow(groups[code].get(lang), c["before"], c["during"])
            for code, c in figures.get("groups", {}).items()
            if code in groups
        )
        return EvaluationDocument(
            language=words.base_language(lang),  # nl-be: Dutch dates, hyphenation
            title=_("Evaluation of the focus card for %(name)s") % {"name": pupil.first_name},
            pupil_first_name=pupil.first_name,
            school_name=pupil.school.name,
            group_name=pupil.group.name if pupil.group else "",
            version=card.number,
            period_start=card.period_start,
            period_end=evaluation.evaluated_on,
            evaluation_date=evaluation.evaluated_on,
            evaluator_name=_name(evaluation.evaluated_by),
            outcomes=tuple(outcomes),
            signal_counts=counts,
            signal_totals=SignalCountRow(
                _("Total"), figures.get("before", 0), figures.get("during", 0)
            ),
            decision=str(evaluation.get_decision_display()),
            referrals=tuple(
                catalog.get("referrals", c).label.get(lang) for c in evaluation.referrals
            ),
            next_evaluation_date=evaluation.next_evaluation,
            summary=evaluation.summary,
            footer=_("Confidential – pupil file"),
            generated_on=timezone.localdate(),
            labels=evaluation_labels(),
            intent=evaluation_snapshot(card, evaluation, lang),
        )


def evaluation_snapshot(card, evaluation, lang: str) -> SnapshotSection:
    """The snapshots of a closed card side by side, in the reader's language (one query)."""
    catalog = get_catalog()
    start, end = card.profile_at_start, evaluation.profile_at_evaluation
    with translation.override(lang):
        measures = [
            (
                o.own_measure.text
                if o.own_measure_id
                else catalog.get("measures", o.measure_code).label.get(lang),
                "" if o.own_measure_id else o.measure_code,
            )
            for o in evaluation.outcomes.select_related("own_measure")
        ]
        comparison = snapshots.compare(start, end, [code for _title, code in measures])
        rows = tuple(
            IntentRow(
                measure=title,
                signals=tuple(
                    (c.signal.label.get(lang) if c.signal else c.code, c.start_count, c.end_count)
                    for c in intent.signals
                ),
                remark=""
                if intent.signals
                else _("A measure of your own: it is not linked to signals in the knowledge base.")
                if not code
                else _("It answers none of the signals seen at the start."),
            )
            for (title, code), intent in zip(measures, comparison.measures, strict=False)
        )
        if start is None:
            explanation = _("No snapshot: this card was started before snapshots were kept.")
        else:
            explanation = _(
                "When this version started, the profile of %(start)s was kept, and at the "
                "evaluation that of %(end)s: each time the signals of the school's own "
                "observations in the %(weeks)s weeks up to that day. Each measure shows the "
                "signals of the start it was meant to address."
            ) % {
                "start": _day(start),
                "end": _day(end) if end else "–",
                "weeks": start.get("window_weeks", 8),
            }
        if comparison.catalog_changed:
            version = _(
                "The knowledge base changed between the start (version %(start)s) and the "
                "evaluation (version %(end)s). The links between measures and signals below are "
                "those of the start."
            ) % {"start": start["catalog"], "end": end["catalog"]}
        elif start is not None:
            version = _("Knowledge base version %(version)s.") % {"version": start["catalog"]}
        else:
            version = ""
        return SnapshotSection(
            heading=_("What the measures were meant for"),
            explanation=explanation,
            catalog=version,
            signal_column=_("Signal"),
            start_column=_("Up to the start"),
            end_column=_("Up to the evaluation"),
            rows=rows,
        )


def _day(snapshot: dict) -> str:
    """The snapshot's day as the pages write it ("7 september 2026")."""
    return date_format(datetime.date.fromisoformat(snapshot["as_of"]), "j F Y")


def content_disposition(filename: str) -> str:
    """`inline` with the file name twice (RFC 6266): `filename=` a plain ASCII fallback of
    letters, digits, dots and dashes, `filename*=` the name itself, percent-encoded UTF-8 (RFC
    5987). The name comes from a pupil's first name, which may hold any character: a quote, a
    semicolon or a line break there must not end the header or start another."""
    # Control characters (a line break, a tab) and path separators go; the rest is kept.
    name = (
        "".join(
            "-" if c in "/\\" else c for c in filename if unicodedata.category(c)[0] != "C"
        ).strip()
        or "document.pdf"
    )
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r"[^A-Za-z0-9.-]+", "-", ascii_name)
    ascii_name = re.sub(r"-+(?=\.pdf$)", "", ascii_name).strip("-.") or "document.pdf"
    return f"inline; filename=\"{ascii_name}\"; filename*=utf-8''{quote(name, safe='')}"


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    # Inline: it opens in the browser's viewer; the name is the pupil's first name only.
    response["Content-Disposition"] = content_disposition(filename)
    return response
