"""The safeguarding record of a pupil (care coordinator only): the concerns raised, the
observations they rest on, each step taken on the school's route, and closing a concern; and
the page a teacher sees right after logging a direct safety concern, with the button that
passes it on to the care coordinator.

Every view reaches the pupil through `pupil_view(Perm.VIEW_SAFEGUARDING, …)`: for anyone else the
pupil does not exist (404), and each read and refusal is audit-logged. Writes go through the
domain functions in `care.actions`, which check the policy again and log the write.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hechtwijzer import engine
from hechtwijzer.access import Perm, allows
from hechtwijzer.catalog import get_catalog
from hechtwijzer.door import pupil_view
from hechtwijzer.locking import StaleVersion
from hechtwijzer.observations.models import Observation
from hechtwijzer.observations.profiles import concern_signals
from hechtwijzer.schools.models import Membership, Role

from . import actions
from .factors import CATALOG_KIND, weighed
from .forms import (
    CloseForm,
    ConcernForm,
    FactorForm,
    PassOnForm,
    RemoveFactorForm,
    StepForm,
)
from .models import FactorKind, PupilFactor, SafeguardingConcern, StepCode

ACTION_VIEW = "safeguarding.view"


def _uuid_or_404(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def _page(request, pupil, *, status=200, raise_errors=None, raise_posted=None, forms=None):
    """The record page; `forms` maps a concern uid to the errors and posted values of its
    step or close form."""
    catalog = get_catalog()
    forms = forms or {}
    concerns = list(
        SafeguardingConcern.objects.filter(pupil=pupil)
        .select_related("raised_by")
        .prefetch_related("observations__signal_rows", "steps__recorded_by")
    )
    entries = []
    for concern in concerns:
        taken = {step.step for step in concern.steps.all()}
        entries.append(
            {
                "concern": concern,
                "observations": [
                    {"observation": o, "signals": _signal_labels(catalog, o)}
                    for o in sorted(concern.observations.all(), key=lambda o: o.observed_on)
                ],
                "steps": list(concern.steps.all()),
                "step_choices": [
                    {"code": code, "label": StepCode(code).label, "taken": code in taken}
                    for code in concern.step_codes
                ],
                "form": forms.get(concern.uid, {"errors": {}, "posted": {}}),
            }
        )
    observations = Observation.objects.filter(pupil=pupil, withdrawn_at__isnull=True)
    context = {
        "pupil": pupil,
        "route": actions.route_for(pupil),
        "entries": entries,
        "observations": [
            {"observation": o, "signals": _signal_labels(catalog, o)}
            for o in observations.prefetch_related("signal_rows")[:100]
        ],
        "errors": raise_errors or {},
        "posted": raise_posted or {},
        "chosen": set((raise_posted or {}).get("observations", [])) if raise_posted else set(),
        "today": timezone.localdate(),
        "max_concern": actions.MAX_CONCERN_LENGTH,
        "max_step_text": actions.MAX_STEP_TEXT_LENGTH,
    }
    return render(request, "care/safeguarding.html", context, status=status)


def _signal_labels(catalog, observation) -> list:
    labels = []
    for row in observation.signal_rows.all():
        item = catalog.by_code["signals"].get(row.code)
        labels.append(item.label.get(get_language()) if item else row.code)
    return labels


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.VIEW_SAFEGUARDING, action=ACTION_VIEW)
def safeguarding(request, pupil):
    """The pupil's safeguarding record, and the form to raise a concern."""
    if request.method != "POST":
        return _page(request, pupil)
    posted = {
        "raised_on": request.POST.get("raised_on", ""),
        "concern": request.POST.get("concern", ""),
        "observations": request.POST.getlist("observations"),
    }
    form = ConcernForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        actions.raise_concern(
            actor=request.user,
            pupil=pupil,
            concern=form.cleaned_data["concern"],
            raised_on=form.cleaned_data["raised_on"],
            observation_uids=form.cleaned_data["observations"],
        )
    except ValidationError as error:
        return _page(request, pupil, raise_errors=error.message_dict, raise_posted=posted)
    messages.success(request, _("The concern was recorded."))
    return redirect("care:safeguarding", pupil.public_id)


def _concern(pupil, uid) -> SafeguardingConcern:
    return get_object_or_404(SafeguardingConcern, pupil=pupil, uid=_uuid_or_404(uid))


def _stale(request, pupil, concern_uid, posted):
    messages.error(
        request,
        _(
            "This concern was changed in the meantime. Nothing was saved; below is the current "
            "record. Check it and try again."
        ),
    )
    return _page(request, pupil, status=409, forms={concern_uid: {"errors": {}, "posted": posted}})


@require_POST
@pupil_view(Perm.VIEW_SAFEGUARDING, action=ACTION_VIEW)
def record_step(request, pupil, uid):
    """Record a step taken on one concern's route."""
    concern = _concern(pupil, uid)
    posted = {
        "step": request.POST.get("step", ""),
        "done_on": request.POST.get("done_on", ""),
        "consulted": request.POST.get("consulted", ""),
        "decision": request.POST.get("decision", ""),
    }
    form = StepForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        data = form.cleaned_data
        actions.record_step(
            actor=request.user,
            concern=concern,
            expected_version=form.seen_version(),
            step=data["step"],
            done_on=data["done_on"],
            consulted=data["consulted"],
            decision=data["decision"],
        )
    except StaleVersion:
        return _stale(request, pupil, concern.uid, posted)
    except ValidationError as error:
        forms = {concern.uid: {"errors": error.message_dict, "posted": posted}}
        return _page(request, pupil, forms=forms)
    messages.success(request, _("The step was recorded."))
    return redirect("care:safeguarding", pupil.public_id)


@require_POST
@pupil_view(Perm.VIEW_SAFEGUARDING, action=ACTION_VIEW)
def close_concern(request, pupil, uid):
    """Close one concern."""
    concern = _concern(pupil, uid)
    posted = {"closed_on": request.POST.get("closed_on", "")}
    form = CloseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        actions.close_concern(
            actor=request.user,
            concern=concern,
            expected_version=form.seen_version(),
            closed_on=form.cleaned_data["closed_on"],
        )
    except StaleVersion:
        return _stale(request, pupil, concern.uid, posted)
    except ValidationError as error:
        forms = {concern.uid: {"errors": error.message_dict, "posted": posted}}
        return _page(request, pupil, forms=forms)
    messages.success(request, _("The concern was closed."))
    return redirect("care:safeguarding", pupil.public_id)


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.RAISE_CONCERN, action="concern.view")
def concern(request, pupil, uid):
    """Right after a teacher logs a direct safety concern (a disclosure, an injury, signs of
    neglect, fear of going home or of a parent): talk to the aandachtsfunctionaris / intern
    begeleider (NL) or the zorgcoördinator (BE) today, and pass it on with one button.

    The page shows only what the user already sees on the pupil page (the observation) and
    who the school's care coordinators are; the safeguarding record itself stays theirs.
    """
    observation = get_object_or_404(
        Observation.objects.prefetch_related("signal_rows"), pupil=pupil, uid=_uuid_or_404(uid)
    )
    signals = concern_signals(observation)
    if not signals or observation.is_withdrawn:
        raise Http404  # nothing to pass on: the pupil page is where this observation lives
    errors: dict = {}
    note = ""
    if request.method == "POST":
        form = PassOnForm(request.POST)
        note = request.POST.get("note", "")
        try:
            if not form.is_valid():  # e.g. a NUL character; the domain checks the length
                raise ValidationError(form.errors)
            note = form.cleaned_data["note"]
            actions.pass_on_concern(actor=request.user, observation=observation, note=note)
        except actions.AlreadyPassedOn:
            messages.info(request, _("This was already passed on; nothing was recorded twice."))
            return redirect("care:concern", pupil.public_id, observation.uid)
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(request, _("Passed on to the care coordinator."))
            return redirect("care:concern", pupil.public_id, observation.uid)
    catalog = get_catalog()
    passed = (
        SafeguardingConcern.objects.filter(pupil=pupil, observations=observation)
        .select_related("raised_by")
        .order_by("created_at")
        .first()
    )
    coordinators = [
        m.user
        for m in Membership.objects.filter(
            school=pupil.school, role=Role.CARE_COORDINATOR, user__is_active=True
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    ]
    context = {
        "pupil": pupil,
        "observation": observation,
        "signals": [catalog.get("signals", code) for code in signals],
        "passed": passed,
        "coordinators": coordinators,
        "keeps_record": allows(request.user, Perm.VIEW_SAFEGUARDING, pupil),
        "country": pupil.school.country,
        "errors": errors,
        "note": note,
        "max_note": actions.MAX_PASS_ON_NOTE,
        "rule": catalog.get("rules", engine.rules.CONSULT_NOW_SIGNALS),
    }
    return render(request, "care/concern.html", context, status=400 if errors else 200)


# --- risk and protective factors ------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.VIEW_FACTORS, action="factors.view")
def factors(request, pupil):
    """Risk and protective factors of a pupil (care coordinator): tick catalog factors."""
    catalog = get_catalog()
    errors = {}
    if request.method == "POST":
        if "remove" in request.POST:
            remove = RemoveFactorForm(request.POST)
            if not remove.is_valid():
                return HttpResponseBadRequest(_("This is not a recorded factor."))
            factor = get_object_or_404(PupilFactor, pupil=pupil, uid=remove.cleaned_data["remove"])
            actions.remove_factor(actor=request.user, factor=factor)
            messages.success(request, _("The factor was removed."))
            return redirect("care:factors", pupil.public_id)
        form = FactorForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(form.errors)
            data = form.cleaned_data
            actions.record_factor(
                actor=request.user,
                pupil=pupil,
                kind=data["kind"],
                code=data["code"],
                noted_on=data["noted_on"],
                note=data["note"],
            )
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(request, _("The factor was recorded."))
            return redirect("care:factors", pupil.public_id)
    recorded = list(PupilFactor.objects.filter(pupil=pupil).select_related("recorded_by"))

    def item(factor):
        return catalog.get(CATALOG_KIND[factor.kind], factor.code)

    risk = engine.assess_risk(*weighed((f.kind, f.code) for f in recorded), catalog=catalog)
    taken = {(f.kind, f.code) for f in recorded}
    lang = get_language()
    levels = catalog.vocabularies["levels"]

    def options(kind, items):
        return [
            {
                "label": levels[level].get(lang),
                "items": [
                    i
                    for i in items
                    if i.level == level and i.recordable and (kind, i.code) not in taken
                ],
            }
            for level in levels
        ]

    context = {
        "pupil": pupil,
        "recorded": [{"factor": f, "item": item(f)} for f in recorded],
        "risk": risk,
        "statements": [
            {"statement": s, "rule": catalog.get("rules", s.rule)} for s in risk.statements
        ],
        "risk_options": options(FactorKind.RISK, catalog.risk_factors),
        "protective_options": options(FactorKind.PROTECTIVE, catalog.protective_factors),
        "errors": errors,
        "posted": request.POST if errors else {},
        "today": timezone.localdate(),
    }
    return render(request, "care/factors.html", context)
