"""Focus card pages: the card (tick with one tap, or save the whole form without JavaScript),
earlier versions, settings, own measures, the evaluation and the PDF."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hechtwijzer.access import Perm, Policy, allows, policy, pupil_for_user
from hechtwijzer.catalog import get_catalog
from hechtwijzer.observations.profiles import build_profile, counted_groups

from . import actions, snapshots
from .models import Decision, Outcome, OwnMeasure


def _recommendations(pupil) -> dict[str, list]:
    """Measure code -> the observed signals that led the engine to recommend it."""
    catalog = get_catalog()
    profile = build_profile(pupil, timezone.localdate())
    return {
        r.code: [catalog.get("signals", code) for code in r.addresses]
        for r in profile.recommended_measures
    }


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
    return {
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
        # The snapshots' safeguarding levels are shown only to who keeps the safeguarding record.
        "sees_safeguarding": allows(request.user, Perm.VIEW_SAFEGUARDING, pupil),
    }


@require_http_methods(["GET", "HEAD", "POST"])
@policy(Policy.PUPIL, Perm.VIEW_PUPIL)
def focus_card(request, public_id):
    """The current focus card (stable URL). A pupil without a card sees the empty card, ready
    to start like the paper form; the first tick or own measure opens version 1."""
    if request.method == "POST":
        # A save: refused (404, audit "access.denied") unless the user keeps this card; the
        # save itself is recorded by the domain function, so no separate read entry.
        pupil = pupil_for_user(request, public_id, perm=Perm.KEEP_FOCUS_CARD, action=None)
    else:
        pupil = pupil_for_user(request, public_id, action="focuscard.view")
    editable = allows(request.user, Perm.KEEP_FOCUS_CARD, pupil)
    card = actions.current_card(pupil)
    if request.method == "POST":
        card = card or actions.start_card(actor=request.user, pupil=pupil)
        rows = {
            m.code: actions.RowState(
                doing=f"doing_{m.code}" in request.POST,
                trying=f"trying_{m.code}" in request.POST,
                note=request.POST.get(f"note_{m.code}", "").strip(),
            )
            for m in actions.card_rows()
        }
        own = {
            str(m.uid): actions.RowState(
                doing=f"own_doing_{m.uid}" in request.POST,
                trying=f"own_trying_{m.uid}" in request.POST,
            )
            for m in card.own_measures.all()
        }
        try:
            version = int(request.POST.get("lock_version", "0"))
            actions.save_card(
                actor=request.user, card=card, expected_version=version, rows=rows, own=own
            )
        except actions.StaleCard:
            messages.error(
                request,
                _(
                    "Someone else changed this card in the meantime. Nothing was saved; below "
                    "is the card as it is now."
                ),
            )
        except (ValidationError, ValueError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("The focus card was saved."))
        return redirect("plans:card", pupil.public_id)
    context = _card_context(request, pupil, card, editable=editable)
    return render(request, "plans/card.html", context)


@require_POST
@policy(Policy.PUPIL, Perm.KEEP_FOCUS_CARD)
def tick(request, public_id):
    """One tap on a column (htmx): returns the row as it now is, and the card's new version
    for the whole-card form on the page. A stale tap returns the current row with a message."""
    # No read entry: the tick itself is recorded by the domain function.
    pupil = pupil_for_user(request, public_id, perm=Perm.KEEP_FOCUS_CARD, action=None)
    code = request.POST.get("measure", "")
    column = request.POST.get("column", "")
    seen = request.POST.get("seen") == "1"
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
    except actions.StaleCell as error:
        card, stale = error.card, True
    except ValidationError:
        raise Http404 from None
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


@require_safe
@policy(Policy.PUPIL, Perm.VIEW_PUPIL)
def card_version(request, public_id, number):
    """An earlier (or the current) version of the card, read-only, with its evaluation."""
    pupil = pupil_for_user(request, public_id, action="focuscard.view")
    card = get_object_or_404(pupil.focus_cards, number=number)
    context = _card_context(request, pupil, card, editable=False)
    evaluation = getattr(card, "evaluation", None)
    context["evaluation"] = _evaluation_context(evaluation) if evaluation else None
    return render(request, "plans/card.html", context)


def figure_rows(figures: dict) -> list[dict]:
    """The before/during counts per signal group, with bar widths in steps of 5 % (CSS classes
    w0..w20: the content security policy allows no inline styles)."""
    groups = counted_groups()
    lang = get_language()
    peak = max([1] + [max(v["before"], v["during"]) for v in figures.get("groups", {}).values()])
    return [
        {
            "label": groups[code].get(lang),
            "before": v["before"],
            "during": v["during"],
            "before_w": round(20 * v["before"] / peak),
            "during_w": round(20 * v["during"] / peak),
        }
        for code, v in figures.get("groups", {}).items()
        if code in groups
    ]


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
        "figures": evaluation.figures,
        "figure_rows": figure_rows(evaluation.figures),
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
@policy(Policy.PUPIL, Perm.KEEP_FOCUS_CARD)
def evaluate(request, public_id):
    """Evaluate the current card on or after its evaluation date; this opens the next version."""
    pupil = pupil_for_user(
        request, public_id, perm=Perm.KEEP_FOCUS_CARD, action="focuscard.evaluate_form"
    )
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
            "number": catalog.get("measures", e.measure_code).number,
        }
        for e in entries
    ] + [{"key": f"own:{m.uid}", "title": m.text, "number": None} for m in own]
    errors = {}
    today = timezone.localdate()
    figures = actions.signal_figures(pupil, card.period_start, max(today, card.period_start))
    if request.method == "POST":
        outcomes = {
            item["key"]: (
                request.POST.get(f"outcome_{item['key']}", ""),
                request.POST.get(f"note_{item['key']}", ""),
            )
            for item in items
        }
        try:
            next_date = datetime.date.fromisoformat(request.POST.get("next_evaluation", ""))
        except ValueError:
            next_date = None
        try:
            if next_date is None:
                raise ValidationError({"next_evaluation": [_("Enter a valid date.")]})
            _evaluation, following = actions.evaluate(
                actor=request.user,
                card=card,
                outcomes=outcomes,
                decision=request.POST.get("decision", ""),
                referrals=request.POST.getlist("referrals"),
                next_evaluation=next_date,
                summary=request.POST.get("summary", ""),
            )
        except actions.StaleCard:
            messages.error(request, _("This card was evaluated in the meantime."))
            return redirect("plans:card", pupil.public_id)
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(
                request,
                _("The evaluation was saved. Version %(number)d of the focus card has started.")
                % {"number": following.number},
            )
            return redirect("plans:card", pupil.public_id)
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
        "figures": figures,
        "figure_rows": figure_rows(figures),
        "snapshots": intents,
        "errors": errors,
        "general_errors": errors.get("__all__", []),
        "decision": request.POST.get("decision", ""),
        "chosen_referrals": request.POST.getlist("referrals"),
        "next_value": request.POST.get("next_evaluation") or default_next.isoformat(),
        "summary": request.POST.get("summary", ""),
        "due": today >= card.evaluation_due,
    }
    return render(request, "plans/evaluate.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@policy(Policy.PUPIL, Perm.KEEP_FOCUS_CARD)
def card_settings(request, public_id):
    """Period, evaluation date, co-teachers and the reason for the card."""
    pupil = pupil_for_user(
        request, public_id, perm=Perm.KEEP_FOCUS_CARD, action="focuscard.settings_form"
    )
    card = actions.current_card(pupil) or None
    candidates = (
        get_user_model()
        .objects.filter(memberships__school=pupil.school, is_active=True)
        .exclude(pk=request.user.pk)
        .order_by("last_name", "first_name")
        .distinct()
    )
    candidates = [u for u in candidates if allows(u, Perm.VIEW_PUPIL, pupil)]
    errors = {}
    if request.method == "POST":
        try:
            start = datetime.date.fromisoformat(request.POST.get("period_start", ""))
            due = datetime.date.fromisoformat(request.POST.get("evaluation_due", ""))
        except ValueError:
            errors = {"period_start": [_("Enter valid dates.")]}
        else:
            chosen = {str(pk) for pk in request.POST.getlist("co_teachers")}
            try:
                if card is None:
                    card = actions.start_card(
                        actor=request.user, pupil=pupil, period_start=start, evaluation_due=due
                    )
                actions.update_settings(
                    actor=request.user,
                    card=card,
                    expected_version=int(request.POST.get("lock_version") or card.lock_version),
                    period_start=start,
                    evaluation_due=due,
                    co_teachers=[u for u in candidates if str(u.pk) in chosen],
                    reason=request.POST.get("reason", ""),
                )
            except actions.StaleCard:
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
@policy(Policy.PUPIL, Perm.KEEP_FOCUS_CARD)
def add_own(request, public_id):
    pupil = pupil_for_user(
        request, public_id, perm=Perm.KEEP_FOCUS_CARD, action="focuscard.own_measure"
    )
    try:
        actions.add_own_measure(actor=request.user, pupil=pupil, text=request.POST.get("text", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your measure was added."))
    return redirect("plans:card", pupil.public_id)


@require_POST
@policy(Policy.PUPIL, Perm.KEEP_FOCUS_CARD)
def remove_own(request, public_id):
    pupil = pupil_for_user(
        request, public_id, perm=Perm.KEEP_FOCUS_CARD, action="focuscard.own_measure"
    )
    measure = get_object_or_404(
        OwnMeasure,
        card__pupil=pupil,
        card__closed_at__isnull=True,
        uid=request.POST.get("measure") or None,
    )
    actions.remove_own_measure(actor=request.user, measure=measure)
    messages.success(request, _("Your measure was removed."))
    return redirect("plans:card", pupil.public_id)


@require_safe
@policy(Policy.PUPIL, Perm.VIEW_PUPIL)
def card_pdf(request, public_id):
    """The current card as an A4 PDF for the class folder or the pupil file (stable URL)."""
    from .documents import card_document, pdf_response
    from .pdf import render_card

    pupil = pupil_for_user(request, public_id, action="focuscard.pdf")
    card = actions.current_card(pupil)
    document = card_document(pupil, card, get_language())
    return pdf_response(render_card(document), f"focuskaart-{pupil.first_name}.pdf")


@require_safe
@policy(Policy.PUPIL, Perm.VIEW_PUPIL)
def evaluation_pdf(request, public_id, number):
    """The evaluation report of one card version as a PDF."""
    from .documents import evaluation_document, pdf_response
    from .pdf import render_evaluation

    pupil = pupil_for_user(request, public_id, action="focuscard.evaluation_pdf")
    card = get_object_or_404(pupil.focus_cards, number=number)
    evaluation = getattr(card, "evaluation", None)
    if evaluation is None:
        raise Http404
    document = evaluation_document(pupil, card, evaluation, get_language())
    return pdf_response(
        render_evaluation(document), f"evaluatie-{pupil.first_name}-{card.number}.pdf"
    )
