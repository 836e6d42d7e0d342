"""Views for the daily work: the group page, the quick log, correcting and withdrawing, the
free-text help, and the care coordinator's pages for factors and access of other staff."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hechtwijzer import engine
from hechtwijzer.access import Perm, allows
from hechtwijzer.catalog import get_catalog
from hechtwijzer.door import Policy, policy, pupil_view
from hechtwijzer.forms import VersionForm
from hechtwijzer.locking import StaleVersion

from . import actions
from .forms import ObservationForm, SuggestForm, WithdrawForm
from .models import Observation, ObservationSignal
from .profiles import SAFETY_GROUP, concern_codes, concern_signals
from .suggest import suggest

MOST_USED = 8


def _next_url(request, default):
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _signal_choices(user, selected, suggested=()):
    """The signals as the quick log shows them: the user's most used first, then by group.

    Every signal has exactly one checkbox on the page: a most-used signal is moved to the top,
    not copied, so unticking it can never leave a second, ticked copy behind (issue 15).
    """
    catalog = get_catalog()
    lang = get_language()
    # Direct safety concerns have their own group, always open: never among the tiles a
    # teacher taps out of habit.
    used = (
        ObservationSignal.objects.filter(observation__author=user, withdrawn=False)
        .exclude(code__in=engine.consult_now_signals(catalog))
        .values("code")
        .annotate(n=Count("id"))
        .order_by("-n", "code")[:MOST_USED]
    )
    most_used = [catalog.get("signals", row["code"]) for row in used]
    on_top = {signal.code for signal in most_used}
    highlighted = set(selected) | set(suggested)
    groups = []
    for code, label in catalog.vocabularies["signal_groups"].items():
        members = [s for s in catalog.signals if s.group == code and s.code not in on_top]
        if not members:
            continue
        groups.append(
            {
                "code": code,
                "label": label.get(lang),
                "signals": members,
                # Open the groups that hold a ticked or suggested signal, "behaviour" for a
                # first log, and always the direct safety concerns, so nobody has to search.
                "open": any(s.code in highlighted for s in members)
                or (code == "behaviour" and not most_used)
                or code == SAFETY_GROUP,
                "safety": code == SAFETY_GROUP,
            }
        )
    return {
        "most_used": most_used,
        "groups": groups,
        "selected": set(selected),
        "suggested": set(suggested),
    }


@require_http_methods(["GET", "HEAD", "POST"])
# A POST that logs is recorded by log_observation ("observation.create"); a POST that shows
# the form again (errors, suggestions) is recorded as a read by the door: one entry either way.
@pupil_view(Perm.OBSERVE, action="observation.form", post_action=None)
def observe(request, pupil):
    """The quick log: tick one or more signals for a pupil, optionally the situation and a note.

    Without JavaScript, "Suggest signals" posts the note back and the page returns with the
    suggestions; with htmx the suggestions appear while typing (see `suggestions`).
    """
    may_report = allows(request.user, Perm.RECORD_REPORTS, pupil)
    back = _next_url(request, reverse("pupil", args=[pupil.public_id]))
    form = ObservationForm(request.POST or None, may_record_reports=may_report)
    suggestions = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "suggest" in request.POST:
            suggestions = suggest(data["note"], get_catalog(), get_language())
        else:
            try:
                observation = actions.log_observation(
                    actor=request.user,
                    pupil=pupil,
                    signals=data["signals"],
                    observed_on=data["observed_on"],
                    setting=data["setting"],
                    company=data["company"],
                    moment=data["moment"],
                    note=data["note"],
                    informant=data.get("informant") or None,
                )
            except ValidationError as error:
                form.apply_errors(error)
            else:
                count = len(data["signals"])
                saved = ngettext(
                    "Saved: %(count)d signal for %(name)s.",
                    "Saved: %(count)d signals for %(name)s.",
                    count,
                ) % {"count": count, "name": pupil.first_name}
                # The message offers the two ways back: both open a page, neither acts at once.
                messages.success(
                    request,
                    format_html(
                        '{} <a href="{}">{}</a> · <a href="{}">{}</a>',
                        saved,
                        reverse("observations:withdraw", args=[pupil.public_id, observation.uid])
                        + "?reason=mistake",
                        _("Undo"),
                        reverse("observations:correct", args=[pupil.public_id, observation.uid]),
                        _("Correct"),
                    ),
                )
                if concern_codes(data["signals"]):
                    # A direct safety concern: say at once whom to talk to, and offer to pass
                    # it on (issue 12), before the teacher goes back to the class.
                    return redirect("care:concern", pupil.public_id, observation.uid)
                return redirect(back)
    selected = form.data.getlist("signals") if form.is_bound else []
    context = {
        "pupil": pupil,
        "form": form,
        "choices": _signal_choices(
            request.user, selected, [found.signal.code for found in suggestions]
        ),
        "suggestions": suggestions,
        "next": back,
    }
    return render(request, "observations/observe.html", context)


@require_POST
@policy(Policy.LOGGED_IN)
def suggestions(request):
    """The free-text help as an htmx fragment: signals the typed note seems to describe.

    It reads no pupil data (only the note being typed, which is not stored), so it needs no
    pupil lookup and leaves no audit entry.
    """
    form = SuggestForm(request.POST)
    found = suggest(form.data.get("note", "")[:2000], get_catalog(), get_language())
    return render(
        request, "observations/_suggestions.html", {"suggestions": found, "fragment": True}
    )


def _observation_for(request, pupil, uid):
    observation = get_object_or_404(
        Observation.objects.select_related("pupil").prefetch_related("signal_rows"),
        pupil=pupil,
        uid=uid,
    )
    if not actions.may_correct(request.user, observation, pupil):
        raise Http404  # the author for two school weeks, or the care coordinator
    return observation


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.OBSERVE, action="observation.correct_form")
def correct(request, pupil, uid):
    """Correct an observation on the day it was logged. A stale save is refused and the
    current state shown, so two edits never silently overwrite each other."""
    observation = _observation_for(request, pupil, uid)
    initial = {
        "signals": observation.signal_codes,
        "setting": observation.setting,
        "company": observation.company,
        "moment": observation.moment,
        "note": observation.note,
        "version": observation.version,
    }
    form = ObservationForm(request.POST or None, initial=initial, correcting=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            corrected = actions.correct_observation(
                actor=request.user,
                observation=observation,
                expected_version=data["version"],
                signals=data["signals"],
                setting=data["setting"],
                company=data["company"],
                moment=data["moment"],
                note=data["note"],
            )
        except StaleVersion as stale:
            messages.error(
                request,
                _(
                    "This observation was changed in the meantime. Nothing was saved; below is "
                    "the current version."
                ),
            )
            current = stale.current
            form = ObservationForm(
                initial={
                    **initial,
                    "signals": current.signal_codes,
                    "note": current.note,
                    "setting": current.setting,
                    "company": current.company,
                    "moment": current.moment,
                    "version": current.version,
                },
                correcting=True,
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("The observation was corrected."))
            if concern_signals(corrected):
                return redirect("care:concern", pupil.public_id, corrected.uid)
            return redirect("pupil", pupil.public_id)
    selected = form.data.getlist("signals") if form.is_bound else form.initial["signals"]
    context = {
        "pupil": pupil,
        "observation": observation,
        "form": form,
        "choices": _signal_choices(request.user, selected),
        "correcting": True,
        "next": reverse("pupil", args=[pupil.public_id]),
    }
    return render(request, "observations/observe.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.OBSERVE, action="observation.withdraw_form")
def withdraw(request, pupil, uid):
    """Withdraw an observation after saying why: a confirmation page, never one stray tap.

    `?reason=mistake` preselects "saved by mistake" (the undo offered right after saving)."""
    observation = _observation_for(request, pupil, uid)
    initial = {"version": observation.version, "reason": request.GET.get("reason", "")}
    form = WithdrawForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.withdraw_observation(
                actor=request.user,
                observation=observation,
                expected_version=form.seen_version(),
                reason=form.cleaned_data["reason"],
                explanation=form.cleaned_data["explanation"],
            )
        except StaleVersion:
            messages.error(
                request, _("This observation was changed in the meantime; check it and try again.")
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(
                request,
                _(
                    "The observation was withdrawn and no longer counts. You can undo this "
                    "today with “Restore” at the observation."
                ),
            )
            return redirect("pupil", pupil.public_id)
    context = {
        "pupil": pupil,
        "observation": observation,
        "signals": [get_catalog().get("signals", code) for code in observation.signal_codes],
        "form": form,
    }
    return render(request, "observations/withdraw.html", context)


@require_POST
@pupil_view(Perm.OBSERVE, action="observation.restore_form")
def restore(request, pupil, uid):
    """Undo a withdrawal (the same person, the same day)."""
    observation = get_object_or_404(
        Observation.objects.select_related("pupil"), pupil=pupil, uid=uid
    )
    if not actions.may_restore(request.user, observation):
        raise Http404
    try:
        actions.restore_observation(
            actor=request.user,
            observation=observation,
            expected_version=VersionForm(request.POST).seen_version(),
        )
    except StaleVersion:
        messages.error(
            request, _("This observation was changed in the meantime; check it and try again.")
        )
    else:
        messages.success(request, _("The observation was restored and counts again."))
    return redirect("pupil", pupil.public_id)
