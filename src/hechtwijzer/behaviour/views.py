"""Views for the behaviour card (measure 29) and the visual day programme (measures 13, 21).

Every view reaches the pupil through `pupil_view(…)`: `Perm.OBSERVE` to see and score (staff
given access to the pupil too), `Perm.KEEP_CLASS_TOOLS` to start, change or stop a card and to
change the programme (the group's teachers and the care coordinator). Outside the user's scope
the pupil does not exist (404), and every read is on the audit trail. Changes go through
`actions`. Every form works without JavaScript; with htmx, tapping a face on the day page saves
that one score at once (`score_cell`). The print views are pages of their own without the
site's header, menus or anything about observations: only the pupil's first name and the tool.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hechtwijzer.access import Perm, allows
from hechtwijzer.catalog import get_catalog
from hechtwijzer.door import pupil_view
from hechtwijzer.forms import VersionForm
from hechtwijzer.locking import StaleVersion
from hechtwijzer.weeks import (
    WEEK,
    latest_school_day,
    monday_of,
    next_school_day,
    parse_day,
    previous_school_day,
    recent_mondays,
    school_days,
    week_number,
)

from . import actions
from .forms import (
    BlockFormSet,
    CardForm,
    DayScoresForm,
    ProgrammeForm,
    block_rows,
    cell_name,
    parse_score,
    score_choices,
)
from .models import BehaviourCard, DayProgramme, Pictogram, Score, ScoreValue
from .trend import trend

TREND_WEEKS = 8
PROGRAMME_MEASURES = ("sticordi_13", "sticordi_21")  # visible day programme, keeping to a plan
BLOCK_PREFIX = "blocks"


def _card_url(pupil, monday=None):
    url = reverse("behaviour:card", args=[pupil.public_id])
    return f"{url}?week={monday.isoformat()}" if monday else url


def _current_or_redirect(request, pupil):
    card = actions.current_card(pupil)
    if card is None:
        messages.info(request, _("There is no current behaviour card for this pupil."))
    else:
        card.pupil = pupil
    return card


def _hint_negative(request, goals):
    slots = actions.negative_goals(goals)
    if slots:
        messages.info(
            request,
            ngettext(
                "Tip: goal %(goals)s contains a “not” or “no”. A goal works best when it says "
                "what the pupil does.",
                "Tip: goals %(goals)s contain a “not” or “no”. A goal works best when it says "
                "what the pupil does.",
                len(slots),
            )
            % {"goals": ", ".join(str(slot) for slot in slots)},
        )


# --- the week and the trend ----------------------------------------------------------------------


def _week_context(request, card: BehaviourCard) -> dict:
    """The week grid (Mon–Fri x goals x day parts) and the trend of up to 8 weeks ending with
    the week shown, from one query for the scores. The week is `?week=<any day of it>`, kept
    between the card's first week and the current week (the week it was archived, for an
    archived card)."""
    today = timezone.localdate()
    first = monday_of(card.starts_on)
    end = timezone.localdate(card.archived_at) if card.is_archived else today
    last = max(first, monday_of(end))
    wanted = parse_day(request.GET.get("week"))
    monday = min(max(monday_of(wanted) if wanted else last, first), last)
    mondays = [m for m in recent_mondays(monday, TREND_WEEKS) if m >= first]
    days = school_days(monday)
    rows = list(
        Score.objects.filter(card=card, day__gte=mondays[0], day__lte=days[-1]).values_list(
            "day", "goal", "day_part", "value"
        )
    )
    values = {(day, goal, part): value for day, goal, part, value in rows if day >= monday}
    labels = dict(ScoreValue.choices)
    goals = card.goal_slots()
    columns = [{"day": day, "scorable": actions.day_problem(card, day) is None} for day in days]
    grid = [
        {
            "slot": slot,
            "text": text,
            "rows": [
                {
                    "code": code,
                    "label": label,
                    "cells": [
                        {
                            "value": values.get((day, slot, code)),
                            "label": labels.get(values.get((day, slot, code)), ""),
                        }
                        for day in days
                    ],
                }
                for code, label in card.parts()
            ],
        }
        for slot, text in goals
    ]
    return {
        "week": {
            "monday": monday,
            "friday": days[-1],
            "number": week_number(monday),
        },
        "prev_week": monday - WEEK if monday > first else None,
        "next_week": monday + WEEK if monday < last else None,
        "columns": columns,
        "grid": grid,
        "goals": goals,
        "parts": card.parts(),
        "trend": trend(
            ((day, goal, value) for day, goal, _p, value in rows), [s for s, _t in goals], mondays
        ),
        "score_values": [(str(value), label) for value, label in ScoreValue.choices],
    }


def _card_page(request, pupil, cards, card, *, read_only):
    context = {
        "pupil": pupil,
        "card": card,
        "archived": [c for c in cards if c.is_archived and c != card],
        "read_only": read_only,
        "today": timezone.localdate(),
        "may_keep": allows(request.user, Perm.KEEP_CLASS_TOOLS, pupil),
    }
    if card is not None:
        context.update(_week_context(request, card))
        target = latest_school_day(timezone.localdate())
        if not read_only and actions.day_problem(card, target) is None:
            context["score_day"] = target
    return render(request, "behaviour/card.html", context)


@require_safe
@pupil_view(Perm.OBSERVE, action="behaviour_card.view")
def card(request, pupil):
    """The current behaviour card: goals, the week's scores with week navigation, the trend,
    and the archived cards. Without a card: what it is and a button to start one."""
    cards = list(BehaviourCard.objects.filter(pupil=pupil))
    for c in cards:
        c.pupil = pupil
    current = next((c for c in cards if not c.is_archived), None)
    return _card_page(request, pupil, cards, current, read_only=False)


@require_safe
@pupil_view(Perm.OBSERVE, action="behaviour_card.view")
def archived_card(request, pupil, uid):
    """An archived card, read only, with its weeks and trend."""
    cards = list(BehaviourCard.objects.filter(pupil=pupil))
    card = next((c for c in cards if c.uid == uid and c.is_archived), None)
    if card is None:
        raise Http404
    for c in cards:
        c.pupil = pupil
    return _card_page(request, pupil, cards, card, read_only=True)


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.KEEP_CLASS_TOOLS, action="behaviour_card.form")
def card_new(request, pupil):
    """Start a card. When there is a current card, the new one replaces it (it is archived)."""
    current = actions.current_card(pupil)
    initial = {"starts_on": timezone.localdate(), "replaces": current.uid if current else None}
    form = CardForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.start_card(
                actor=request.user,
                pupil=pupil,
                goals=form.goals(),
                day_parts=data["day_parts"],
                starts_on=data["starts_on"],
                replaces=data.get("replaces"),
            )
        except StaleVersion:
            messages.error(
                request,
                _(
                    "Someone started or stopped a behaviour card for this pupil in the meantime. "
                    "Nothing was saved; this is the current state."
                ),
            )
            return redirect("behaviour:card", pupil.public_id)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("The behaviour card was started."))
            _hint_negative(request, form.goals())
            return redirect("behaviour:card", pupil.public_id)
    context = {"pupil": pupil, "form": form, "current": current, "editing": False}
    return render(request, "behaviour/card_form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.KEEP_CLASS_TOOLS, action="behaviour_card.form")
def card_edit(request, pupil):
    """Reword the goals, add one, change the day parts or the start date. A stale save is
    refused and the current version shown."""
    card = _current_or_redirect(request, pupil)
    if card is None:
        return redirect("behaviour:card", pupil.public_id)
    form = CardForm(request.POST or None, initial=CardForm.initial_for(card), card=card)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_card(
                actor=request.user,
                card=card,
                expected_version=data["version"],
                goals=form.goals(),
                day_parts=data["day_parts"],
                starts_on=data["starts_on"],
            )
        except StaleVersion as stale:
            messages.error(
                request,
                _(
                    "This behaviour card was changed in the meantime. Nothing was saved; below "
                    "is the current version."
                ),
            )
            if stale.current is None or stale.current.is_archived:
                return redirect("behaviour:card", pupil.public_id)
            card = stale.current
            form = CardForm(initial=CardForm.initial_for(card), card=card)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("The behaviour card was saved."))
            _hint_negative(request, form.goals())
            return redirect("behaviour:card", pupil.public_id)
    context = {"pupil": pupil, "form": form, "card": card, "editing": True}
    return render(request, "behaviour/card_form.html", context)


@require_POST
@pupil_view(Perm.KEEP_CLASS_TOOLS, action="behaviour_card.form")
def card_archive(request, pupil):
    """Stop the current card; it stays in the archive with its scores."""
    card = _current_or_redirect(request, pupil)
    if card is not None:
        version = VersionForm(request.POST).seen_version()
        try:
            actions.archive_card(actor=request.user, card=card, expected_version=version)
        except StaleVersion:
            messages.error(
                request,
                _("This behaviour card was changed in the meantime; check it and try again."),
            )
        else:
            messages.success(request, _("The behaviour card was stopped and archived."))
    return redirect("behaviour:card", pupil.public_id)


# --- scoring -------------------------------------------------------------------------------------


def _cell(slot, text, code, label, value, errors=()):
    return {
        "name": cell_name(slot, code),
        "slot": slot,
        "text": text,
        "part": code,
        "part_label": label,
        "value": "" if value in (None, "") else str(value),
        "errors": list(errors),
    }


def _choices():
    return [(str(value), label) for value, label in score_choices()]


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.OBSERVE, action="behaviour_card.day_form")
def score_day(request, pupil, day):
    """Score one school day: per day part and goal, one of the faces. A plain form that saves
    the whole day; with htmx each tap already saves its own score (see `score_cell`)."""
    card = _current_or_redirect(request, pupil)
    if card is None:
        return redirect("behaviour:card", pupil.public_id)
    problem = actions.day_problem(card, day)
    saved = {
        cell_name(s.goal, s.day_part): s.value for s in Score.objects.filter(card=card, day=day)
    }
    form = DayScoresForm(request.POST or None, card=card, initial=saved)
    if request.method == "POST" and problem is None and form.is_valid():
        try:
            actions.set_scores(actor=request.user, card=card, day=day, scores=form.scores())
        except StaleVersion:
            messages.error(
                request,
                _(
                    "The behaviour card was changed in the meantime. Nothing was saved; "
                    "check the day again."
                ),
            )
            return redirect("behaviour:day", pupil.public_id, day)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(
                request,
                _("The scores of %(day)s were saved.") % {"day": date_format(day, "l j F")},
            )
            return redirect(_card_url(pupil, monday_of(day)))
    sections = []
    for code, label in card.parts():
        cells = []
        for slot, text in card.goal_slots():
            name = cell_name(slot, code)
            value = form.data.get(name, "") if form.is_bound else saved.get(name)
            cells.append(_cell(slot, text, code, label, value, form.errors.get(name, ())))
        sections.append({"code": code, "label": label, "cells": cells})
    today = timezone.localdate()
    before, after = previous_school_day(day), next_school_day(day)
    context = {
        "pupil": pupil,
        "card": card,
        "day": day,
        "monday": monday_of(day),
        "problem": problem,
        "form": form,
        "sections": sections,
        "score_choices": _choices(),
        "previous_day": before if before >= card.starts_on else None,
        "next_day": after if after <= today else None,
    }
    return render(request, "behaviour/day.html", context)


@require_POST
@pupil_view(Perm.OBSERVE, action="behaviour_card.cell")
def score_cell(request, pupil, day, part, goal):
    """One score, saved at one tap (htmx): answers the cell again, showing what is stored.

    Without htmx (a direct post) it redirects to the day page with a message.
    """
    card = actions.current_card(pupil)
    if card is None:
        raise Http404
    card.pupil = pupil
    texts = dict(card.goal_slots())
    labels = dict(card.parts())
    if goal not in texts or part not in labels:
        raise Http404
    name = cell_name(goal, part)
    errors = []
    try:
        value = parse_score(request.POST.get(name))
        actions.set_scores(actor=request.user, card=card, day=day, scores={(goal, part): value})
    except ValidationError as error:
        errors = error.messages
    except StaleVersion:
        errors = [_("The behaviour card was changed in the meantime; reload the page.")]
    if not request.headers.get("HX-Request"):
        if errors:
            messages.error(request, " ".join(errors))
        else:
            messages.success(request, _("The score was saved."))
        return redirect("behaviour:day", pupil.public_id, day)
    stored = (
        Score.objects.filter(card=card, goal=goal, day=day, day_part=part)
        .values_list("value", flat=True)
        .first()
    )
    cell = _cell(goal, texts[goal], part, labels[part], stored, errors)
    if not errors:
        chosen = dict(_choices()).get(cell["value"], "")
        cell["status"] = _("Saved: %(goal)s, %(part)s: %(score)s.") % {
            "goal": texts[goal],
            "part": labels[part],
            "score": chosen,
        }
    context = {
        "pupil": pupil,
        "card": card,
        "day": day,
        "cell": cell,
        "score_choices": _choices(),
        "oob_status": True,
    }
    return render(request, "behaviour/_score_cell.html", context)


@require_safe
@pupil_view(Perm.OBSERVE, action="behaviour_card.print")
def card_print(request, pupil):
    """The card for the pupil's desk: first name, goals, the week with its faces. Nothing else:
    no signals, no observations, no notes, no group or school."""
    card = _current_or_redirect(request, pupil)
    if card is None:
        return redirect("behaviour:card", pupil.public_id)
    context = {"pupil": pupil, "card": card, **_week_context(request, card)}
    return render(request, "behaviour/card_print.html", context)


# --- the day programme ---------------------------------------------------------------------------


def _programme(pupil):
    programme = DayProgramme.objects.filter(pupil=pupil).first()
    blocks = list(programme.blocks.all()) if programme else []
    return programme, blocks


@require_safe
@pupil_view(Perm.OBSERVE, action="day_programme.view")
def programme(request, pupil):
    """The pupil's day programme as it will be printed, with buttons to change and print it."""
    programme, blocks = _programme(pupil)
    catalog = get_catalog()
    context = {
        "pupil": pupil,
        "programme": programme,
        "blocks": blocks,
        "measures": [catalog.get("measures", code) for code in PROGRAMME_MEASURES],
        "may_keep": allows(request.user, Perm.KEEP_CLASS_TOOLS, pupil),
    }
    return render(request, "behaviour/programme.html", context)


def _raw_rows(formset):
    return [
        {
            "starts_at": form["starts_at"].value() or "",
            "label": form["label"].value() or "",
            "pictogram": form["pictogram"].value() or "",
            "DELETE": form["DELETE"].value(),
        }
        for form in formset.forms
    ]


def _sorted_rows(rows):
    """The rows in order of start time; rows without a (valid) time keep their order after
    those, and empty rows go last. Used by the "Put in order of time" button; saves nothing."""
    field = BlockFormSet.form.base_fields["starts_at"]

    def when(row):
        try:
            return field.clean(row["starts_at"])
        except ValidationError:
            return None

    filled = [r for r in rows if r["starts_at"] or r["label"] or r["pictogram"]]
    timed = sorted((r for r in filled if when(r)), key=when)
    untimed = [r for r in filled if not when(r)]
    empty = [{} for _r in range(len(rows) - len(filled))]
    return timed + untimed + empty


def _programme_forms(programme, blocks):
    initial = {
        "title": programme.title if programme else _("My day"),
        "version": programme.version if programme else 0,
    }
    return ProgrammeForm(initial=initial), BlockFormSet(
        initial=block_rows(blocks), prefix=BLOCK_PREFIX
    )


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.KEEP_CLASS_TOOLS, action="day_programme.form")
def programme_edit(request, pupil):
    """All blocks in one form (up to 12 rows). A row left empty or ticked "Remove" is dropped.
    Start times must go up from top to bottom; "Put in order of time" sorts the rows without
    saving. A stale save is refused and the current programme shown."""
    programme, blocks = _programme(pupil)
    form, formset = _programme_forms(programme, blocks)
    if request.method == "POST":
        form = ProgrammeForm(request.POST)
        formset = BlockFormSet(request.POST, prefix=BLOCK_PREFIX)
        if "sort" in request.POST:
            rows = _sorted_rows(_raw_rows(formset))
            form = ProgrammeForm(
                initial={"title": form["title"].value(), "version": form["version"].value()}
            )
            formset = BlockFormSet(initial=rows, prefix=BLOCK_PREFIX)
            messages.info(request, _("The rows are in order of time. Check them, then save."))
        elif form.is_valid() and formset.is_valid():
            rows = [f for f in formset.forms if not (f.cleaned_data.get("DELETE") or f.is_blank())]
            inputs = [
                actions.BlockInput(
                    f.cleaned_data["starts_at"],
                    f.cleaned_data["label"],
                    f.cleaned_data["pictogram"],
                )
                for f in rows
            ]
            try:
                actions.save_programme(
                    actor=request.user,
                    pupil=pupil,
                    expected_version=form.cleaned_data["version"],
                    title=form.cleaned_data["title"],
                    blocks=inputs,
                )
            except StaleVersion as stale:
                messages.error(
                    request,
                    _(
                        "This day programme was changed in the meantime. Nothing was saved; "
                        "below is the current version."
                    ),
                )
                programme = stale.current
                blocks = list(programme.blocks.all()) if programme else []
                form, formset = _programme_forms(programme, blocks)
            except ValidationError as error:
                for key, errors in error.message_dict.items():
                    if key.startswith(f"{BLOCK_PREFIX}."):
                        _prefix, n, field = key.split(".")
                        rows[int(n)].add_error(field, errors)
                    else:
                        form.add_error(key if key in form.fields else None, errors)
            else:
                messages.success(request, _("The day programme was saved."))
                return redirect("behaviour:programme", pupil.public_id)
    context = {
        "pupil": pupil,
        "programme": programme,
        "form": form,
        "formset": formset,
        "pictograms": Pictogram.choices,
        "has_errors": form.errors or formset.total_error_count(),
    }
    return render(request, "behaviour/programme_form.html", context)


@require_safe
@pupil_view(Perm.OBSERVE, action="day_programme.print")
def programme_print(request, pupil):
    """The day programme in large print for the desk: title, times, pictograms, labels."""
    programme, blocks = _programme(pupil)
    if programme is None:
        return redirect("behaviour:programme", pupil.public_id)
    context = {"pupil": pupil, "programme": programme, "blocks": blocks}
    return render(request, "behaviour/programme_print.html", context)
