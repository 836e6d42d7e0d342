"""Focus card pages: the card (tick with one tap, or save the whole form without JavaScript),
earlier versions, settings, own measures, the evaluation and the PDF."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hechtwijzer.access import Perm, allows, staff_for
from hechtwijzer.audit.kept import kept
from hechtwijzer.catalog import get_catalog
from hechtwijzer.door import pupil_view, reread
from hechtwijzer.locking import StaleVersion
from hechtwijzer.observations.profiles import build_profile
from hechtwijzer.saving import save_form

from . import actions, panels, snapshots
from . import voice as pupil_voice
from .documents import card_document, evaluation_document, pdf_response
from .figures import figures_context
from .forms import (
    CardForm,
    EvaluationForm,
    NoteForm,
    OwnMeasureForm,
    RemoveOwnForm,
    SettingsForm,
    TickForm,
    VoiceForm,
)
from .marks import Mark, recommendation_marks
from .models import Decision, Outcome, OwnMeasure, PupilVoice, VoiceKind


def _recommendations(pupil) -> dict[str, Mark]:
    """Measure code -> the observed signals (with counts) that led the engine to recommend it."""
    return recommendation_marks(build_profile(pupil, timezone.localdate()))


def _rows(card, recommended):
    entries = {e.measure_code: e for e in card.entries.all()} if card else {}
    rows = []
    for measure in actions.card_rows():
        entry = entries.get(measure.code)
        rows.append(
            {
                "measure": measure,
                "doing": bool(entry and entry.doing),
                "trying": bool(entry and entry.trying),
                "note": entry.note if entry else "",
                "because": recommended.get(measure.code),
            }
        )
    return rows


def _card_context(request, pupil, card, *, editable):
    recommended = _recommendations(pupil) if editable else {}
    versions = list(pupil.focus_cards.order_by("-number").only("number", "closed_at", "pupil_id"))
    # Sections other apps add (the parents' view and consent), with notes per version.
    extra = panels.panels(request, pupil, card, versions)
    for version in versions:
        version.notes = [
            p.version_notes[version.number] for p in extra if version.number in p.version_notes
        ]
    return {
        "panels": [p.html for p in extra if p.html],
        "pupil": pupil,
        "card": card,
        "rows": _rows(card, recommended),
        "recommended_count": len(recommended),
        "own_measures": list(card.own_measures.all()) if card else [],
        "co_teachers": list(card.co_teachers.all()) if card else [],
        "versions": versions,
        "editable": editable,
        "evaluation_open": bool(
            card and card.is_open and timezone.localdate() >= card.evaluation_due
        ),
        "today": timezone.localdate(),
        # The pupil's voice on this version (and at the last evaluation), offered from 8.
        "voices": pupil_voice.for_card(card),
        "voice_offered": pupil_voice.offered(pupil),
        "voice_kinds": VoiceKind.choices,
        # The snapshots' safeguarding levels are shown only to who keeps the safeguarding record.
        "sees_safeguarding": allows(request.user, Perm.VIEW_SAFEGUARDING, pupil),
    }


@require_http_methods(["GET", "HEAD", "POST"])
# A save is refused (404, audit "access.denied") unless the user keeps this card; the save
# itself is recorded by the domain function, so no separate read entry.
@pupil_view(Perm.VIEW_PUPIL, action="focuscard.view", post=Perm.KEEP_FOCUS_CARD, post_action=None)
def focus_card(request, pupil):
    """The current focus card (stable URL). A pupil without a card sees the empty card, ready
    to start like the paper form; the first tick or own measure opens version 1."""
    editable = allows(request.user, Perm.KEEP_FOCUS_CARD, pupil)
    if request.method == "POST":
        card = actions.current_card(pupil)
        form = CardForm(request.POST, own_measures=card.own_measures.all() if card else ())
        if not form.is_valid():
            # Only a tampered or truncated request gets here: the page always sends a version.
            messages.error(request, _("The card could not be read. Nothing was saved."))
            return redirect("plans:card", pupil.public_id)
        card = card or actions.start_card(actor=request.user, pupil=pupil)
        try:
            actions.save_card(
                actor=request.user,
                card=card,
                expected_version=form.cleaned_data["lock_version"],
                rows=form.rows(),
                own=form.own(),
            )
        except StaleVersion:
            messages.error(
                request,
                _(
                    "Someone else changed this card in the meantime. Nothing was saved; below "
                    "is the card as it is now."
                ),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The focus card was saved."))
        return redirect("plans:card", pupil.public_id)
    return _card_page(request, pupil, editable, lambda fresh: (actions.current_card(fresh), {}))


def _card_page(request, pupil, editable, card_and_extra) -> HttpResponse:
    """A card page, its content kept per version of the school's records (audit.kept): the
    rows, the recommendations behind their marks and the panels are computed once between two
    changes. `card_and_extra(pupil)` gives the card and what the page adds to its context."""

    def content() -> str:
        fresh = reread(pupil)  # read after the version (audit.kept)
        card, extra = card_and_extra(fresh)
        context = {**_card_context(request, fresh, card, editable=editable), **extra}
        return render_to_string("plans/_card_body.html", context, request)

    body = kept(request, "card", pupil.school_id, content)
    return render(request, "plans/card.html", {"pupil": pupil, "editable": editable, "body": body})


@require_POST
@pupil_view(Perm.KEEP_FOCUS_CARD, action=None)  # the tick itself is recorded by the domain
def tick(request, pupil):
    """One tap on a column (htmx): returns the row as it now is, and the card's new version
    for the whole-card form on the page. A stale tap returns the current row with a message."""
    form = TickForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("This row or column is not on the focus card."))
    code, column, seen = (form.cleaned_data[f] for f in ("measure", "column", "seen"))
    stale = False
    try:
        card = actions.set_column(
            actor=request.user,
            pupil=pupil,
            measure_code=code,
            column=column,
            value=not seen,
            seen=seen,
        )
    except StaleVersion as error:
        card, stale = error.current, True
    rows = [r for r in _rows(card, {}) if r["measure"].code == code]
    context = {
        "pupil": pupil,
        "card": card,
        "row": rows[0],
        "editable": True,
        "stale": stale,
        "oob": True,
    }
    return render(request, "plans/_row.html", context)


@require_POST
@pupil_view(Perm.KEEP_FOCUS_CARD, action=None)  # the note itself is recorded by the domain
def note(request, pupil):
    """A row's note, saved as it is typed (htmx), so leaving the page loses nothing. Answers
    the note as saved and the card's new version; the row itself is not swapped, so the field
    keeps the focus and the caret. A note someone else changed meanwhile is not saved: the
    answer replaces the row with the current note and shows the unsaved text to copy."""
    form = NoteForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(" ".join(m for e in form.errors.values() for m in e))
    code = form.cleaned_data["measure"]
    try:
        card = actions.set_note(
            actor=request.user,
            pupil=pupil,
            measure_code=code,
            note=form.cleaned_data["note"],
            seen=form.cleaned_data["seen"],
        )
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages))
    except StaleVersion as error:
        card = error.current
        row = next(r for r in _rows(card, {}) if r["measure"].code == code)
        context = {
            "pupil": pupil,
            "card": card,
            "row": row,
            "editable": True,
            "unsaved": form.cleaned_data["note"],
            "oob": True,
        }
        response = render(request, "plans/_row.html", context)
        # The field posts without swapping anything; this answer replaces its row.
        response["HX-Retarget"] = f"#row-{code}"
        response["HX-Reswap"] = "outerHTML"
        return response
    row = next(r for r in _rows(card, {}) if r["measure"].code == code)
    context = {"card": card, "code": code, "note": row["note"]}
    return render(request, "plans/_note_saved.html", context)


@require_safe
@pupil_view(Perm.VIEW_PUPIL, action="focuscard.view")
def card_version(request, pupil, number):
    """An earlier (or the current) version of the card, read-only, with its evaluation."""
    card = get_object_or_404(pupil.focus_cards, number=number)
    # An evaluation that asks for the care team: the care coordinator puts the pupil on a
    # meeting's agenda from here (hechtwijzer.meetings).
    may_care_team = allows(request.user, Perm.CARE_TEAM, pupil)

    def card_and_extra(fresh):
        version = fresh.focus_cards.get(pk=card.pk)
        evaluation = getattr(version, "evaluation", None)
        return version, {
            "evaluation": _evaluation_context(evaluation) if evaluation else None,
            "may_care_team": may_care_team,
        }

    return _card_page(request, pupil, False, card_and_extra)


def _snapshot_day(snapshot) -> datetime.date | None:
    return datetime.date.fromisoformat(snapshot["as_of"]) if snapshot else None


def _level(snapshot) -> str:
    level = (snapshot or {}).get("safeguarding", {}).get("level")
    return {
        "consult_now": _("consult today"),
        "map_signals": _("map the signals"),
    }.get(level, _("none"))


def snapshot_context(start, end, measures: list[tuple[str, str]]) -> dict:
    """The start and evaluation snapshots side by side, for the page: per measure tried
    (title, catalog code or "" for an own measure) the signals of the start it was meant to
    address and how often each was seen by the evaluation. No database access."""
    comparison = snapshots.compare(start, end, [code for _title, code in measures])
    rows = [
        {"title": title, "own": not intent.code, "intent": intent}
        for (title, _code), intent in zip(measures, comparison.measures, strict=False)
    ]
    return {
        "start": start,
        "end": end,
        "start_on": _snapshot_day(start),
        "end_on": _snapshot_day(end),
        "window_weeks": (start or end or {}).get("window_weeks", 8),
        "catalog_changed": comparison.catalog_changed,
        "rows": rows,
        "start_indications": comparison.start_indications,
        "end_indications": comparison.end_indications,
        "start_level": _level(start),
        "end_level": _level(end),
    }


def _evaluation_context(evaluation):
    catalog = get_catalog()
    lang = get_language()
    labels = dict(Outcome.choices)
    outcomes = []
    measures = []
    for outcome in evaluation.outcomes.select_related("own_measure"):
        title = (
            outcome.own_measure.text
            if outcome.own_measure_id
            else catalog.get("measures", outcome.measure_code).label.get(lang)
        )
        outcomes.append({"title": title, "outcome": labels[outcome.outcome], "note": outcome.note})
        measures.append((title, "" if outcome.own_measure_id else outcome.measure_code))
    return {
        "evaluation": evaluation,
        "outcomes": outcomes,
        # The card is the one the evaluation was reached from (no query).
        "snapshots": snapshot_context(
            evaluation.card.profile_at_start, evaluation.profile_at_evaluation, measures
        ),
        "fig": figures_context(evaluation.figures),
        "referrals": [catalog.get("referrals", c) for c in evaluation.referrals],
    }


def _referral_options(pupil):
    """Referral options of the catalog that fit the pupil's age (treatments with an age range
    that includes it, plus the roles that apply at any age)."""
    age = pupil.age_on(timezone.localdate())
    options = []
    for item in get_catalog().referrals:
        if item.type == "early_signs":
            continue
        if item.min_age is not None and age < item.min_age:
            continue
        if item.max_age is not None and age > item.max_age:
            continue
        options.append(item)
    return options


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.KEEP_FOCUS_CARD, action="focuscard.evaluate_form")
def evaluate(request, pupil):
    """Evaluate the current card on or after its evaluation date; this opens the next version."""
    card = actions.current_card(pupil)
    if card is None:
        raise Http404
    entries, own = actions.measures_tried(card)
    catalog = get_catalog()
    lang = get_language()
    items = [
        {
            "key": e.measure_code,
            "title": catalog.get("measures", e.measure_code).label.get(lang),
            "number": catalog.get("measures", e.measure_code).number_label,
        }
        for e in entries
    ] + [{"key": f"own:{m.uid}", "title": m.text, "number": None} for m in own]
    errors = {}
    today = timezone.localdate()
    figures = actions.signal_figures(pupil, card.period_start, max(today, card.period_start))
    if request.method == "POST":
        form = EvaluationForm(
            request.POST,
            keys=[item["key"] for item in items],
            referral_codes=[r.code for r in catalog.referrals],
        )
        saved = save_form(
            request,
            form,
            lambda data: actions.evaluate(
                actor=request.user,
                card=card,
                outcomes=form.outcomes(),
                decision=data["decision"],
                referrals=data["referrals"],
                next_evaluation=data["next_evaluation"],
                summary=data["summary"],
                voice=form.voice(),
            ),
            # evaluate() answers (the evaluation, the next version of the card).
            saved=lambda made: (
                _("The evaluation was saved. Version %(number)d of the focus card has started.")
                % {"number": made[1].number}
            ),
            then=reverse("plans:card", args=[pupil.public_id]),
            stale=_("This card was evaluated in the meantime."),
        )
        if saved:
            return saved
        errors = form.errors
    # What each measure was meant for at the start, and how often those signals were seen in
    # the weeks up to today: the profile the evaluation will keep.
    intents = snapshot_context(
        card.profile_at_start,
        snapshots.take(pupil, today) if card.profile_at_start else None,
        [(item["title"], "" if item["key"].startswith("own:") else item["key"]) for item in items],
    )
    for item, row in zip(items, intents["rows"], strict=False):
        item["intent"] = row["intent"]
    for item in items:  # what was posted and what was wrong, per measure
        item["errors"] = errors.get(f"outcome_{item['key']}", [])
        item["outcome"] = request.POST.get(f"outcome_{item['key']}", "")
        item["note"] = request.POST.get(f"note_{item['key']}", "")
    default_next = today + datetime.timedelta(weeks=actions.DEFAULT_PERIOD_WEEKS)
    context = {
        "pupil": pupil,
        "card": card,
        "items": items,
        "outcomes": Outcome.choices,
        "decisions": Decision.choices,
        "referral_options": _referral_options(pupil),
        "fig": figures_context(figures),
        "snapshots": intents,
        "errors": errors,
        "general_errors": errors.get("__all__", []),
        "decision": request.POST.get("decision", ""),
        "chosen_referrals": request.POST.getlist("referrals"),
        "next_value": request.POST.get("next_evaluation") or default_next.isoformat(),
        "summary": request.POST.get("summary", ""),
        "due": today >= card.evaluation_due,
        "voice_offered": pupil_voice.offered(pupil, today),
        "voices": pupil_voice.for_card(card),
        "voice_now": [
            {
                "kind": kind,
                "label": label,
                "value": request.POST.get(f"voice_{kind}", ""),
                "errors": errors.get(f"voice_{kind}", []),
            }
            for kind, label in VoiceKind.choices
        ],
    }
    return render(request, "plans/evaluate.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.KEEP_FOCUS_CARD, action="focuscard.settings_form")
def card_settings(request, pupil):
    """Period, evaluation date, co-teachers and the reason for the card."""
    card = actions.current_card(pupil) or None
    # Co-teachers are staff who may see the pupil: one query, whatever the size of the staff.
    candidates = list(
        staff_for(pupil, Perm.VIEW_PUPIL)
        .exclude(pk=request.user.pk)
        .order_by("last_name", "first_name")
    )
    errors = {}
    if request.method == "POST":
        form = SettingsForm(request.POST, candidates=candidates)
        if not form.is_valid() and "lock_version" in form.errors:
            # The page sends the version it showed, or none: only a tampered request gets here.
            return HttpResponseBadRequest(_("The card could not be read. Nothing was saved."))
        if not form.is_valid():
            errors = form.errors
        else:
            data = form.cleaned_data
            try:
                actions.save_settings(
                    actor=request.user,
                    pupil=pupil,
                    expected_version=data["lock_version"],
                    period_start=data["period_start"],
                    evaluation_due=data["evaluation_due"],
                    co_teachers=form.chosen(),
                    reason=data["reason"],
                )
            except StaleVersion:
                messages.error(
                    request, _("Someone else changed this card in the meantime. Nothing was saved.")
                )
                return redirect("plans:settings", pupil.public_id)
            except ValidationError as error:
                errors = error.message_dict
            else:
                messages.success(request, _("The focus card was saved."))
                return redirect("plans:card", pupil.public_id)
    today = timezone.localdate()
    context = {
        "pupil": pupil,
        "card": card,
        "candidates": candidates,
        "chosen": {u.pk for u in card.co_teachers.all()} if card else set(),
        "errors": errors,
        "posted": request.POST if errors else {},
        "start_value": request.POST.get("period_start")
        or (card.period_start if card else today).isoformat(),
        "due_value": request.POST.get("evaluation_due")
        or (
            card.evaluation_due
            if card
            else today + datetime.timedelta(weeks=actions.DEFAULT_PERIOD_WEEKS)
        ).isoformat(),
    }
    return render(request, "plans/settings.html", context)


@require_POST
@pupil_view(Perm.KEEP_FOCUS_CARD, action="focuscard.own_measure")
def add_own(request, pupil):
    form = OwnMeasureForm(request.POST)
    try:
        if not form.is_valid():  # e.g. a NUL character; what the text says, the domain checks
            raise ValidationError(form.errors)
        actions.add_own_measure(actor=request.user, pupil=pupil, text=form.cleaned_data["text"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your measure was added."))
    return redirect("plans:card", pupil.public_id)


@require_POST
@pupil_view(Perm.KEEP_FOCUS_CARD, action="focuscard.own_measure")
def remove_own(request, pupil):
    form = RemoveOwnForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("This is not one of your measures."))
    measure = get_object_or_404(
        OwnMeasure,
        card__pupil=pupil,
        card__closed_at__isnull=True,
        uid=form.cleaned_data["measure"],
    )
    actions.remove_own_measure(actor=request.user, measure=measure)
    messages.success(request, _("Your measure was removed."))
    return redirect("plans:card", pupil.public_id)


@require_safe
@pupil_view(Perm.VIEW_PUPIL, action="focuscard.pdf")
def card_pdf(request, pupil):
    """The current card as an A4 PDF for the class folder or the pupil file (stable URL)."""
    from .pdf import render_card_fitting  # typst, a native module, loads with the first PDF

    def content() -> bytes:
        fresh = reread(pupil)  # read after the version (audit.kept)
        card = actions.current_card(fresh)
        return render_card_fitting(card_document(fresh, card, get_language()))

    # Kept per version of the school's records (audit.kept), like the card page.
    pdf = kept(request, "card-pdf", pupil.school_id, content, forms=False)
    return pdf_response(pdf, f"focuskaart-{pupil.first_name}.pdf")


@require_safe
@pupil_view(Perm.VIEW_PUPIL, action="focuscard.evaluation_pdf")
def evaluation_pdf(request, pupil, number):
    """The evaluation report of one card version as a PDF."""
    from .pdf import render_evaluation

    card = get_object_or_404(pupil.focus_cards, number=number)
    evaluation = getattr(card, "evaluation", None)
    if evaluation is None:
        raise Http404
    document = evaluation_document(pupil, card, evaluation, get_language())
    return pdf_response(
        render_evaluation(document), f"evaluatie-{pupil.first_name}-{card.number}.pdf"
    )


# --- the pupil's voice (plans/voice.py) ---------------------------------------------------------


def _voice_anchor(pupil) -> str:
    return reverse("plans:card", args=[pupil.public_id]) + "#voice"


@require_POST
@pupil_view(Perm.KEEP_FOCUS_CARD, action=None)  # the addition itself is recorded by the domain
def voice_add(request, pupil):
    """Write down what the pupil said (the card page's form); back to the card."""
    form = VoiceForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        data = form.cleaned_data
        actions.add_voice(
            actor=request.user,
            pupil=pupil,
            kind=data["kind"],
            text=data["text"],
            said_on=data["said_on"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("What the pupil said was written down."))
    return redirect(_voice_anchor(pupil))


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.KEEP_FOCUS_CARD, action="focuscard.voice.view", post_action=None)
def voice_edit(request, pupil, uid):
    """Correct or remove what was written down, on the open card. A change someone else made
    meanwhile is not overwritten: the page shows the words as they are now, and the unsaved
    text to copy."""
    voice = get_object_or_404(
        PupilVoice.objects.select_related("card", "recorded_by"),
        card__pupil=pupil,
        card__closed_at__isnull=True,
        uid=uid,
    )
    form = VoiceForm(request.POST or None)
    unsaved = ""
    if request.method == "POST":
        if not form.is_valid():
            return HttpResponseBadRequest(" ".join(m for e in form.errors.values() for m in e))
        data = form.cleaned_data
        version = -1 if data["version"] is None else data["version"]
        try:
            if "remove" in request.POST:
                pupil_voice.remove(actor=request.user, voice=voice, expected_version=version)
                messages.success(request, _("What the pupil said was removed."))
                return redirect(_voice_anchor(pupil))
            pupil_voice.edit(
                actor=request.user,
                voice=voice,
                expected_version=version,
                kind=data["kind"],
                text=data["text"],
                said_on=data["said_on"],
            )
        except StaleVersion as error:
            if error.current is None or not error.current.card.is_open:
                messages.error(request, _("This card was evaluated in the meantime."))
                return redirect("plans:card", pupil.public_id)
            voice, unsaved = error.current, data["text"]
            messages.error(
                request,
                _(
                    "Someone else changed this in the meantime. Nothing was saved; below are "
                    "the words as they are now."
                ),
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("The correction was saved."))
            return redirect(_voice_anchor(pupil))
    refused = request.method == "POST" and not unsaved and bool(form.errors)
    context = {
        "pupil": pupil,
        "voice": voice,
        "kinds": VoiceKind.choices,
        "errors": form.errors if refused else {},
        "kind_value": request.POST.get("kind", voice.kind) if refused else voice.kind,
        "text_value": request.POST.get("text", voice.text) if refused else voice.text,
        "said_value": request.POST.get("said_on") if refused else voice.said_on.isoformat(),
        "unsaved": unsaved,
    }
    return render(request, "plans/voice_edit.html", context)
