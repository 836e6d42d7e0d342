"""The focus card ("Focuskaart voor <voornaam>") and the evaluation report as A4 PDFs, with typst.

Why typst (docs/pdf.md has the figures): it installs from PyPI alone with its fonts inside
(Libertinus Serif; DejaVu Sans Mono as fallback, which also covers Greek, Cyrillic and Arabic),
so names like Ayşe, Miłosz or Nguyễn print without system fonts; it renders the two-page card
in about 17 ms, faster than ReportLab (27 ms) and fpdf2 (110 ms, and their built-in fonts stop
at Latin-1); and it gives print typography: tables that break across pages with the header
repeated, page numbers "1/2", a tagged (accessible) PDF.

This module imports no Django: it takes plain frozen dataclasses, so it is tested and
benchmarked on its own. Every text in the PDF comes from the document or its labels (the
caller translates); dates are printed as "7 september 2026" / "7 September 2026" by
`format_date`, the same as the app's `date:"j F Y"`.

How the two tick columns read: each column cell is a drawn box, with a drawn tick when set.
Its text layer is one character, "☑" (ticked) or "☐" (not ticked), set invisibly inside the
box, so copy and paste, screen readers and text extraction read the state. In extracted text a
row reads in the card's order: number, title, category, how-to, description, note,
recommendation, then the box of column 1 ("wat ik al doe") and the box of column 2 ("ga ik
uitproberen").
`TICKED` and `NOT_TICKED` are those characters; `column_states` finds them for a test.

The layout is typst markup in `typst/` next to this module (`card.typ`, `evaluation.typ`, and
`page.typ` which both import); this module holds no markup. Data reaches typst as JSON in
`sys.inputs`, never pasted into markup, so a name or note with typst syntax in it (`#`, `$`,
`*`, `]`) prints as written. The PDF's metadata holds the title and the generation date only
(no author, subject or keywords). The PDF is PDF/A-2a (archival, tagged) when every character
can be shown with the embedded fonts; a text with a character no font has (an emoji in a note)
falls back to a plain tagged PDF rather than failing.
"""

from __future__ import annotations

import datetime
import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import typst

# The typst templates (card.typ, evaluation.typ and the page.typ they share), package data.
TEMPLATES = Path(__file__).resolve().parent / "typst"

TICKED = "☑"
NOT_TICKED = "☐"

_MONTHS = {
    "nl": (
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def format_date(day: datetime.date | None, language: str) -> str:
    """'7 september 2026' (nl) or '7 September 2026' (en); '' for no date."""
    if day is None:
        return ""
    months = _MONTHS.get(language, _MONTHS["en"])
    return f"{day.day} {months[day.month - 1]} {day.year}"


# ---------------------------------------------------------------------------------------------
# The focus card
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureRow:
    """One row of the card: a numbered STICORDI measure (1–29) or a tip (number None)."""

    number: int | None
    title: str
    label: str = ""  # how the row is numbered everywhere: "7", or "T7" for tip 7
    category: str = ""  # the STICORDI category's label, or ""
    doing: bool = False  # column 1, "wat ik al doe"
    trying: bool = False  # column 2, "ga ik uitproberen"
    note: str = ""  # the teacher's personal note
    recommended: bool = False
    signals: Sequence[str] = ()  # the signals that led to the recommendation, "label (n×)"
    description: str = ""  # optional: the measure's full text, printed small under the title
    how_to: str = ""  # one line of what to do (the catalog's `how_to_line`), under the title


@dataclass(frozen=True)
class OwnMeasureRow:
    """A measure the teacher wrote on the card (the paper card's rows 30–36)."""

    text: str
    doing: bool = False
    trying: bool = False


@dataclass(frozen=True)
class CardSection:
    """An explanatory section of the card, e.g. "Wat is het probleem"."""

    heading: str
    paragraphs: Sequence[str] = ()
    bullets: Sequence[str] = ()  # printed as a list after the paragraphs
    columns: int = 1  # the list in this many columns (the paper card's classroom signals: 2)
    source: str = ""  # where the section's items come from, printed small under it


@dataclass(frozen=True)
class CardLabels:
    """The card's fixed texts. The defaults are English (the app's msgids); pass translated
    ones. `%(name)s`, `%(signals)s` and `%(date)s` are filled in here."""

    school: str = "School"
    group: str = "Group"
    version: str = "Version"
    period: str = "Period"
    evaluation: str = "Evaluation date"
    author: str = "Made by"
    co_teachers: str = "Co-teachers"
    measures_heading: str = "STICORDI measures for %(name)s"
    columns_explained: str = "(column 1 = what I already do, column 2 = what I will try)"
    number_column: str = "No."
    measure_column: str = "Measure"
    doing_column: str = "what I already do"
    trying_column: str = "what I will try"
    tip: str = "Tip"
    recommended: str = "Recommended because of: %(signals)s"
    recommended_plain: str = "Recommended"
    own_heading: str = "My own measures"
    generated: str = "Made on %(date)s"


@dataclass(frozen=True)
class CardDocument:
    """Everything printed on one focus card. A blank card has no ticks and no dates."""

    language: str  # "nl" or "en": dates, hyphenation rules and the PDF's language tag
    title: str  # "Focuskaart voor Eline"; also the PDF's metadata title
    subtitle: str  # "Leerlingen met hechtingsproblemen in de klas"
    pupil_first_name: str
    school_name: str
    group_name: str
    version: int | None  # the card's version number; None for the blank card
    period_start: datetime.date | None
    period_end: datetime.date | None
    evaluation_date: datetime.date | None
    author_name: str  # "" on a blank card: a line to write on
    co_teacher_names: Sequence[str]
    measures: Sequence[MeasureRow]
    own_measures: Sequence[OwnMeasureRow]
    sections: Sequence[CardSection]
    footer: str  # "Vertrouwelijk – leerlingdossier", on every page
    generated_on: datetime.date
    labels: CardLabels = field(default_factory=CardLabels)
    own_rows_min: int = 7  # own rows printed, empty ones to write in (the paper card's 30–36)


# ---------------------------------------------------------------------------------------------
# The evaluation report
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureOutcomeRow:
    """A measure that was tried, how it went (the outcome's label) and the note."""

    title: str
    outcome: str
    note: str = ""


@dataclass(frozen=True)
class SignalCountRow:
    """Observed signals of one group before and during the plan period."""

    label: str
    before: int
    after: int


@dataclass(frozen=True)
class EvaluationLabels:
    """The report's fixed texts. The defaults are English (the app's msgids); pass translated
    ones. `%(date)s` is filled in here."""

    school: str = "School"
    group: str = "Group"
    version: str = "Version"
    period: str = "Period"
    evaluated_on: str = "Evaluated on"
    evaluated_by: str = "Evaluated by"
    outcomes_heading: str = "How the measures went"
    measure_column: str = "Measure"
    outcome_column: str = "How it went"
    note_column: str = "Note"
    no_outcomes: str = "No measures were tried."
    signals_heading: str = "Signals before and during the plan"
    signal_column: str = "Kind of signal"
    before_column: str = "Before"
    after_column: str = "During the plan"
    change_column: str = "Difference"
    total: str = "Total"
    decision_heading: str = "Decision"
    referrals_heading: str = "Referral options"
    no_referrals: str = "No referral options chosen."
    next_evaluation: str = "Next evaluation"
    summary_heading: str = "Summary"
    generated: str = "Made on %(date)s"


@dataclass(frozen=True)
class IntentRow:
    """One measure tried and the signals of the start it was meant to address, each as
    (label, times seen before the start, times seen before the evaluation or None)."""

    measure: str
    signals: tuple[tuple[str, int, int | None], ...]
    remark: str = ""  # why there are no signals: an own measure, or none of them answered


@dataclass(frozen=True)
class SnapshotSection:
    """The evaluation report's "what the measures were meant for", translated (made by
    `documents.evaluation_snapshot`)."""

    heading: str
    explanation: str  # which profiles were kept, or that there is no snapshot
    catalog: str  # the knowledge base's version, or that it changed in between
    signal_column: str
    start_column: str
    end_column: str
    rows: tuple[IntentRow, ...]


@dataclass(frozen=True)
class EvaluationDocument:
    language: str
    title: str  # "Evaluatie van de focuskaart van Eline"; also the metadata title
    pupil_first_name: str
    version: int
    period_start: datetime.date
    period_end: datetime.date
    evaluation_date: datetime.date
    evaluator_name: str
    outcomes: Sequence[MeasureOutcomeRow]
    signal_counts: Sequence[SignalCountRow]
    decision: str  # the decision's label, e.g. "bijstellen"
    referrals: Sequence[str]  # labels of the referral options chosen
    next_evaluation_date: datetime.date | None
    summary: str
    footer: str
    generated_on: datetime.date
    school_name: str = ""
    group_name: str = ""
    signal_totals: SignalCountRow | None = None  # None: the sum of the rows, labelled "Total"
    labels: EvaluationLabels = field(default_factory=EvaluationLabels)
    intent: SnapshotSection | None = None  # what the measures were meant for (snapshots)


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------


def render_card(doc: CardDocument) -> bytes:
    """The focus card as A4 PDF bytes."""
    return _render("card.typ", doc.title, doc.generated_on, _card_data(doc))


def render_evaluation(doc: EvaluationDocument) -> bytes:
    """The evaluation report as A4 PDF bytes."""
    return _render("evaluation.typ", doc.title, doc.generated_on, _evaluation_data(doc))


def render_template(template: Path, title: str, generated_on: datetime.date, data: dict) -> bytes:
    """A typst template of another app as A4 PDF bytes, rendered as the card is (the same
    fonts, PDF/A when possible, data only through `sys.inputs`). The template's own folder is
    the root: it can read nothing outside it. The parents' printout uses this."""
    return _render(template.name, title, generated_on, data, root=template.parent)


def column_states(text: str, title: str) -> tuple[bool, bool]:
    """The two columns of the row with this title, read from the PDF's extracted text: the
    first two boxes after the title. Whitespace (line breaks of a wrapped title) is ignored."""
    flat = " ".join(text.split())
    at = flat.find(" ".join(title.split()))
    if at < 0:
        raise LookupError(f"no row {title!r} in the text")
    boxes = re.findall(f"[{TICKED}{NOT_TICKED}]", flat[at + len(title) :])
    if len(boxes) < 2:
        raise LookupError(f"row {title!r} has no two columns in the text")
    return boxes[0] == TICKED, boxes[1] == TICKED


def _sub(template: str, **values: str) -> str:
    # Only the named placeholders, so a stray "%" in a translation does no harm.
    for key, value in values.items():
        template = template.replace(f"%({key})s", value)
    return template


def _card_data(doc: CardDocument) -> dict:
    lab, lang = doc.labels, doc.language

    def fact(label: str, value: str) -> list:
        return [label, value or None]  # None: a dotted line to write on

    period = ""
    if doc.period_start or doc.period_end:
        period = (
            f"{format_date(doc.period_start, lang) or '…'} – {format_date(doc.period_end, lang)}"
        )
    # The period has a line of its own (a third element: the whole width), so its two dates
    # never wrap, whatever the length of the school's name or the months.
    facts = [
        fact(lab.school, doc.school_name),
        fact(lab.group, doc.group_name),
        [*fact(lab.period, period), True],
        fact(lab.evaluation, format_date(doc.evaluation_date, lang)),
        fact(lab.author, doc.author_name),
        fact(lab.co_teachers, ", ".join(doc.co_teacher_names)),
    ]
    if doc.version is not None:
        facts.append(fact(lab.version, str(doc.version)))
    rows = []
    for m in doc.measures:
        because = ""
        if m.recommended:
            signals = ", ".join(m.signals)
            because = _sub(lab.recommended, signals=signals) if signals else lab.recommended_plain
        rows.append(
            {
                # A tip is "T7", never a bare number that the card's row 7 also has.
                "no": f"{m.number}." if m.number is not None else (m.label or lab.tip),
                "title": m.title,
                "category": m.category,
                "description": m.description,
                "how_to": m.how_to,
                "note": m.note,
                "because": because,
                "doing": m.doing,
                "trying": m.trying,
            }
        )
    first = max((m.number for m in doc.measures if m.number is not None), default=0) + 1
    own = [
        {"no": f"{first + i}.", "text": o.text, "doing": o.doing, "trying": o.trying}
        for i, o in enumerate(doc.own_measures)
    ]
    blank = [f"{first + i}." for i in range(len(own), max(doc.own_rows_min, len(own)))]
    return {
        "lang": lang,
        "title": doc.title,
        "subtitle": doc.subtitle,
        "facts": facts,
        "sections": [
            {
                "heading": s.heading,
                "paragraphs": list(s.paragraphs),
                "bullets": list(s.bullets),
                "columns": s.columns,
                "source": s.source,
            }
            for s in doc.sections
        ],
        "measures_heading": _sub(lab.measures_heading, name=doc.pupil_first_name),
        "columns_explained": lab.columns_explained,
        "columns": [lab.number_column, lab.measure_column, lab.doing_column, lab.trying_column],
        "rows": rows,
        "own_heading": lab.own_heading,
        "own": own,
        "blank": blank,
        "footer": doc.footer,
        "generated": _sub(lab.generated, date=format_date(doc.generated_on, lang)),
    }


def _change(before: int, after: int) -> str:
    diff = after - before
    return f"+{diff}" if diff > 0 else (f"−{-diff}" if diff < 0 else "0")


def _intent_data(intent: SnapshotSection | None) -> dict | None:
    """What each measure was meant for: per measure, the signals of the start with how often
    they were seen up to the start and up to the evaluation ("–" where not kept)."""
    if intent is None:
        return None
    return {
        "heading": intent.heading,
        "notes": [text for text in (intent.explanation, intent.catalog) if text],
        "columns": [intent.signal_column, intent.start_column, intent.end_column],
        "measures": [
            {
                "title": row.measure,
                "remark": row.remark,
                "signals": [
                    [label, str(start), "–" if end is None else str(end)]
                    for label, start, end in row.signals
                ],
            }
            for row in intent.rows
        ],
    }


def _evaluation_data(doc: EvaluationDocument) -> dict:
    lab, lang = doc.labels, doc.language
    facts = []
    if doc.school_name:
        facts.append([lab.school, doc.school_name])
    if doc.group_name:
        facts.append([lab.group, doc.group_name])
    facts += [
        [lab.version, str(doc.version)],
        [
            lab.period,
            f"{format_date(doc.period_start, lang)} – {format_date(doc.period_end, lang)}",
        ],
        [lab.evaluated_on, format_date(doc.evaluation_date, lang)],
        [lab.evaluated_by, doc.evaluator_name],
    ]
    totals = doc.signal_totals or SignalCountRow(
        lab.total, sum(r.before for r in doc.signal_counts), sum(r.after for r in doc.signal_counts)
    )
    return {
        "lang": lang,
        "title": doc.title,
        "facts": facts,
        "outcomes_heading": lab.outcomes_heading,
        "outcome_columns": [lab.measure_column, lab.outcome_column, lab.note_column],
        "outcomes": [[o.title, o.outcome, o.note] for o in doc.outcomes],
        "no_outcomes": lab.no_outcomes,
        "signals_heading": lab.signals_heading,
        "signal_columns": [lab.signal_column, lab.before_column, lab.after_column],
        "change_column": lab.change_column,
        "signals": [
            [r.label, str(r.before), str(r.after), _change(r.before, r.after)]
            for r in doc.signal_counts
        ],
        "total": [
            totals.label,
            str(totals.before),
            str(totals.after),
            _change(totals.before, totals.after),
        ],
        "intent": _intent_data(doc.intent),
        "decision_heading": lab.decision_heading,
        "decision": doc.decision,
        "referrals_heading": lab.referrals_heading,
        "referrals": list(doc.referrals),
        "no_referrals": lab.no_referrals,
        "next_label": lab.next_evaluation,
        "next": format_date(doc.next_evaluation_date, lang),
        "summary_heading": lab.summary_heading,
        "summary": doc.summary,
        "footer": doc.footer,
        "generated": _sub(lab.generated, date=format_date(doc.generated_on, lang)),
    }


# A typst.Compiler keeps fonts and parsed templates warm between renders, but it is not
# thread-safe (a second thread gets "Already borrowed"): one per thread.
_local = threading.local()


def _compiler() -> typst.Compiler:
    compiler = getattr(_local, "compiler", None)
    if compiler is None:
        # Only the fonts inside the typst wheel: the same PDF on every machine.
        compiler = _local.compiler = typst.Compiler(ignore_system_fonts=True)
    return compiler


def _render(
    template: str, title: str, generated_on: datetime.date, data: dict, *, root: Path = TEMPLATES
) -> bytes:
    if not title.strip():
        raise ValueError("a PDF needs a title")
    # The document date (PDF/A requires one) is the generation day at midnight UTC: no clock
    # time, and the same data gives the same bytes.
    moment = datetime.datetime.combine(generated_on, datetime.time(), tzinfo=datetime.UTC)
    options = {
        "input": root / template,
        "root": root,  # the templates import page.typ; they can read nothing outside
        "format": "pdf",
        "sys_inputs": {"data": json.dumps(data, ensure_ascii=False)},
        "timestamp": int(moment.timestamp()),
    }
    compiler = _compiler()
    try:
        return compiler.compile(pdf_standards="a-2a", **options)
    except typst.TypstError as error:
        if "could not be displayed" not in str(error):
            raise
        # A character none of the embedded fonts has: PDF/A forbids that, a plain PDF shows a
        # blank box for it. Better a card with one odd character than no card.
        return compiler.compile(**options)
