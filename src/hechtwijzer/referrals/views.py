"""The referral pages of a pupil: the list, a draft (create, edit), the observations it
includes, the parents' consent, the safeguarding choice, sending (the link shown once), the
answer, revoking and closing, and the summary PDF for staff. Drafting is for the pupil's
teachers and the care coordinator (`Perm.DRAFT_REFERRAL`); what leaves the school is the care
coordinator's (`Perm.REFER`). Every read and write is audited."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hechtwijzer.access import Perm, allows
from hechtwijzer.catalog import get_catalog
from hechtwijzer.door import pupil_view
from hechtwijzer.forms import VersionForm
from hechtwijzer.locking import StaleVersion
from hechtwijzer.plans.actions import current_card
from hechtwijzer.plans.documents import pdf_response
from hechtwijzer.readlinks.actions import may_manage
from hechtwijzer.saving import save_form

from . import actions, partners, summary
from .forms import (
    AnswerForm,
    ConsentForm,
    ObservationsForm,
    ReasonedChoiceForm,
    ReferralForm,
    SendForm,
)
from .models import Referral, ReferralConsent, Status


def _stale(request) -> None:
    messages.error(request, _stale_message())


def _stale_message() -> str:
    return _(
        "Someone else changed this referral in the meantime, or it was sent. Nothing was "
        "saved; below is the referral as it is now."
    )


def _detail(pupil, referral) -> str:
    return reverse("referrals:detail", args=[pupil.public_id, referral.uid])


def _referral(pupil, uid) -> Referral:
    return get_object_or_404(
        Referral.objects.select_related("evaluation__card", "sent_by", "created_by", "link"),
        pupil=pupil,
        uid=uid,
    )


def _evaluation_options(pupil) -> list[dict]:
    catalog = get_catalog()
    lang = get_language()
    return [
        {
            "evaluation": evaluation,
            "labels": [
                catalog.by_code["referrals"][code].label.get(lang)
                for code in evaluation.referrals
                if code in catalog.by_code["referrals"]
            ],
        }
        for evaluation in actions.referral_evaluations(pupil)
    ]


@require_safe
@pupil_view(Perm.DRAFT_REFERRAL, action="referral.list")
def referral_list(request, pupil):
    """The pupil's referrals, newest first, and a button to draft one."""
    referrals = list(
        Referral.objects.filter(pupil=pupil).select_related("sent_by").order_by("-created_at")
    )
    context = {
        "pupil": pupil,
        "referrals": referrals,
        "labels": {r.uid: partners.label(r.partner) for r in referrals},
        "evaluations": _evaluation_options(pupil),
        "may_refer": allows(request.user, Perm.REFER, pupil),
    }
    return render(request, "referrals/list.html", context)


def _draft_form(request, pupil, referral):
    today = timezone.localdate()
    options = partners.pupil_partners(pupil, today)
    evaluations = _evaluation_options(pupil)
    errors = {}
    if request.method == "POST":
        form = ReferralForm(request.POST)

        def save(data):
            evaluation = None
            if data["evaluation"]:
                evaluation = next(
                    (
                        e["evaluation"]
                        for e in evaluations
                        if e["evaluation"].uid == data["evaluation"]
                    ),
                    None,
                )
                if evaluation is None:
                    raise ValidationError({"evaluation": _("This evaluation is not this pupil's.")})
            values = {
                "partner": data["partner"],
                "professional": data["professional"],
                "organisation": data["organisation"],
                "question": data["question"],
                "evaluation": evaluation,
                "include_plan": data["include_plan"],
                "include_figures": data["include_figures"],
            }
            if referral is None:
                return actions.create_referral(actor=request.user, pupil=pupil, **values)
            actions.update_referral(
                actor=request.user,
                referral=referral,
                expected_version=form.seen_version(),
                **values,
            )
            return referral

        saved = save_form(
            request,
            form,
            save,
            saved=_("The draft was saved."),
            then=lambda made: _detail(pupil, made),
            stale=_stale_message(),
            # Only a draft that exists can have changed meanwhile.
            stale_then=_detail(pupil, referral)
            if referral
            else reverse("referrals:list", args=[pupil.public_id]),
        )
        if saved:
            return saved
        errors = form.errors
    values = request.POST if errors else {}
    chosen_evaluation = request.GET.get("evaluation", "")
    context = {
        "pupil": pupil,
        "referral": referral,
        "errors": errors,
        "partners": options,
        "evaluations": evaluations,
        "partner": values.get("partner", referral.partner if referral else ""),
        "professional": values.get("professional", referral.professional if referral else ""),
        "organisation": values.get("organisation", referral.organisation if referral else ""),
        "question": values.get("question", referral.question if referral else ""),
        "evaluation": values.get(
            "evaluation",
            str(referral.evaluation.uid)
            if referral and referral.evaluation_id
            else chosen_evaluation,
        ),
        "include_plan": (
            bool(values.get("include_plan"))
            if errors
            else (referral.include_plan if referral else True)
        ),
        "include_figures": (
            bool(values.get("include_figures"))
            if errors
            else (referral.include_figures if referral else True)
        ),
        "version": referral.version if referral else 0,
    }
    return render(request, "referrals/edit.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.DRAFT_REFERRAL, action="referral.form", post_action=None)
def referral_new(request, pupil):
    return _draft_form(request, pupil, None)


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.DRAFT_REFERRAL, action="referral.edit_form", post_action=None)
def referral_edit(request, pupil, uid):
    referral = _referral(pupil, uid)
    if not referral.is_draft:
        return redirect("referrals:detail", pupil.public_id, referral.uid)
    return _draft_form(request, pupil, referral)


@require_safe
@pupil_view(Perm.DRAFT_REFERRAL, action="referral.view")
def referral_detail(request, pupil, uid):
    """One referral: what it includes, the consent, its status, and the next steps."""
    referral = _referral(pupil, uid)
    user = request.user
    may_refer = allows(user, Perm.REFER, pupil)
    chosen = list(referral.observations.order_by("observed_on").only("uid", "observed_on"))
    link = referral.link
    context = {
        "pupil": pupil,
        "referral": referral,
        "partner": partners.label(referral.partner),
        "chosen": chosen,
        "may_refer": may_refer,
        "may_see_safeguarding": allows(user, Perm.VIEW_SAFEGUARDING, pupil),
        "link_active": bool(link and link.is_active()),
        "may_manage_link": may_refer and may_manage(user, summary.KIND, pupil),
        "max_days": summary.KIND.max_days,
        "default_days": summary.KIND.default_days,
        "today": timezone.localdate().isoformat(),
        "Status": Status,
        "flemish": pupil.school.country == "BE",
    }
    return render(request, "referrals/detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.DRAFT_REFERRAL, action="referral.observations_form", post_action=None)
def choose_observations(request, pupil, uid):
    """Choose the observations the summary includes: none unless ticked."""
    referral = _referral(pupil, uid)
    choosable = list(actions.choosable_observations(pupil)[:300])
    errors = {}
    if request.method == "POST":
        form = ObservationsForm(request.POST, uids=[o.uid for o in choosable])
        saved = save_form(
            request,
            form,
            lambda data: actions.choose_observations(
                actor=request.user,
                referral=referral,
                expected_version=form.seen_version(),
                uids=data["observations"],
                include_notes=data["include_notes"],
            ),
            saved=_("The choice of observations was saved."),
            then=_detail(pupil, referral),
            stale=_stale_message(),
        )
        if saved:
            return saved
        errors = form.errors
    signals = get_catalog().by_code["signals"]
    lang = get_language()
    chosen = (
        set(request.POST.getlist("observations"))
        if errors
        else {str(u) for u in referral.observations.values_list("uid", flat=True)}
    )
    rows = [
        {
            "observation": o,
            "uid": str(o.uid),
            "signals": ", ".join(
                signals[r.code].label.get(lang) if r.code in signals else r.code
                for r in o.signal_rows.all()
            ),
            "checked": str(o.uid) in chosen,
        }
        for o in choosable
    ]
    context = {
        "pupil": pupil,
        "referral": referral,
        "rows": rows,
        "errors": errors,
        "include_notes": bool(request.POST.get("include_notes"))
        if errors
        else referral.include_notes,
    }
    return render(request, "referrals/observations.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.DRAFT_REFERRAL, action="referral.consent_form", post_action=None)
def consent(request, pupil, uid):
    """The parents' consent to the referral (status, date; who is recorded)."""
    referral = _referral(pupil, uid)
    errors = {}
    if request.method == "POST":
        form = ConsentForm(request.POST)
        saved = save_form(
            request,
            form,
            lambda data: actions.record_consent(
                actor=request.user,
                referral=referral,
                expected_version=form.seen_version(),
                status=data["consent"],
                decided_on=data["consent_on"],
            ),
            saved=_("The parents' consent was saved."),
            then=_detail(pupil, referral),
            stale=_stale_message(),
        )
        if saved:
            return saved
        errors = form.errors
    values = request.POST if errors else {}
    card = current_card(pupil)
    context = {
        "pupil": pupil,
        "referral": referral,
        # The parents' consent on the current plan (parents.PlanConsent, reached through the
        # card: this app does not import parents), shown beside as a reminder.
        "card": card,
        "plan_consent": getattr(card, "parent_consent", None) if card else None,
        "errors": errors,
        "choices": ReferralConsent.choices,
        "status": values.get("consent", referral.consent),
        "consent_on": values.get(
            "consent_on", referral.consent_on.isoformat() if referral.consent_on else ""
        ),
        "today": timezone.localdate().isoformat(),
        "may_refer": allows(request.user, Perm.REFER, pupil),
        "flemish": pupil.school.country == "BE",
    }
    return render(request, "referrals/consent.html", context)


def _reasoned(request, pupil, uid, *, function, template, done):
    referral = _referral(pupil, uid)
    errors = {}
    if request.method == "POST":
        form = ReasonedChoiceForm(request.POST)
        saved = save_form(
            request,
            form,
            lambda data: function(
                actor=request.user,
                referral=referral,
                expected_version=form.seen_version(),
                **{"include" if function is actions.set_safeguarding else "allow": data["on"]},
                reason=data["reason"],
            ),
            saved=done,
            then=_detail(pupil, referral),
            stale=_stale_message(),
        )
        if saved:
            return saved
        errors = form.errors
    values = request.POST if errors else {}
    on = (
        referral.include_safeguarding
        if function is actions.set_safeguarding
        else referral.consent_exception
    )
    reason = (
        referral.safeguarding_reason
        if function is actions.set_safeguarding
        else referral.consent_exception_reason
    )
    context = {
        "pupil": pupil,
        "referral": referral,
        "errors": errors,
        "on": bool(values.get("on")) if errors else on,
        "reason": values.get("reason", reason),
        "flemish": pupil.school.country == "BE",
    }
    return render(request, template, context)


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.REFER, action="referral.safeguarding_form", post_action=None)
def safeguarding(request, pupil, uid):
    """Include the safeguarding record: the care coordinator's deliberate choice, with a
    reason."""
    return _reasoned(
        request,
        pupil,
        uid,
        function=actions.set_safeguarding,
        template="referrals/safeguarding.html",
        done=_("The choice about the safeguarding record was saved."),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.REFER, action="referral.exception_form", post_action=None)
def exception(request, pupil, uid):
    """Send without the parents' consent where the route allows it: the care coordinator,
    with a reason."""
    return _reasoned(
        request,
        pupil,
        uid,
        function=actions.allow_without_consent,
        template="referrals/exception.html",
        done=_("The choice about the parents' consent was saved."),
    )


@require_POST
@pupil_view(Perm.REFER, action=None)  # the sending is recorded by the domain
def send(request, pupil, uid):
    """Send: make the read link for the named professional and show its address once."""
    referral = _referral(pupil, uid)
    form = SendForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
        return redirect("referrals:detail", pupil.public_id, referral.uid)
    data = form.cleaned_data
    try:
        referral, token = actions.send(
            actor=request.user,
            referral=referral,
            expected_version=data["version"] if data["version"] is not None else -1,
            days=data["days"],
            lang=get_language(),
        )
    except PermissionDenied:
        raise Http404 from None
    except StaleVersion:
        _stale(request)
        return redirect("referrals:detail", pupil.public_id, referral.uid)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("referrals:detail", pupil.public_id, referral.uid)
    path = reverse("readlinks:open", args=[token])
    address = (settings.BASE_URL + path) if settings.BASE_URL else request.build_absolute_uri(path)
    context = {
        "pupil": pupil,
        "referral": referral,
        "link": referral.link,
        "address": address,
        "partner": partners.label(referral.partner),
    }
    return render(request, "referrals/sent.html", context)


@require_POST
@pupil_view(Perm.REFER, action=None)  # the revocation is recorded by readlinks
def revoke(request, pupil, uid):
    referral = _referral(pupil, uid)
    actions.revoke(actor=request.user, referral=referral)
    messages.success(request, _("The link was revoked: it no longer opens anything."))
    return redirect("referrals:detail", pupil.public_id, referral.uid)


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.REFER, action="referral.answer_form", post_action=None)
def answer(request, pupil, uid):
    """Record the partner's answer: the date and a short note."""
    referral = _referral(pupil, uid)
    if referral.status not in (Status.SENT, Status.ANSWERED):
        return redirect("referrals:detail", pupil.public_id, referral.uid)
    errors = {}
    if request.method == "POST":
        form = AnswerForm(request.POST)
        saved = save_form(
            request,
            form,
            lambda data: actions.record_answer(
                actor=request.user,
                referral=referral,
                expected_version=form.seen_version(),
                answered_on=data["answered_on"],
                answer=data["answer"],
            ),
            saved=_("The answer was saved."),
            then=_detail(pupil, referral),
            stale=_stale_message(),
        )
        if saved:
            return saved
        errors = form.errors
    values = request.POST if errors else {}
    context = {
        "pupil": pupil,
        "referral": referral,
        "errors": errors,
        "answered_on": values.get(
            "answered_on",
            (referral.answered_on or timezone.localdate()).isoformat(),
        ),
        "answer": values.get("answer", referral.answer),
        "today": timezone.localdate().isoformat(),
    }
    return render(request, "referrals/answer.html", context)


@require_POST
@pupil_view(Perm.REFER, action=None)  # the closing is recorded by the domain
def close(request, pupil, uid):
    referral = _referral(pupil, uid)
    form = VersionForm(request.POST)
    try:
        actions.close(actor=request.user, referral=referral, expected_version=form.seen_version())
    except StaleVersion:
        _stale(request)
    else:
        messages.success(request, _("The referral was closed; its link no longer works."))
    return redirect("referrals:detail", pupil.public_id, referral.uid)


@require_safe
@pupil_view(Perm.DRAFT_REFERRAL, action="referral.summary_pdf")
def summary_pdf(request, pupil, uid):
    """The referral summary as PDF, for the school's staff: the same as the professional reads,
    but the safeguarding section only for who may see the safeguarding record."""
    referral = _referral(pupil, uid)
    content = summary.render_summary(
        referral,
        get_language(),
        reader=request.user,
        safeguarding=allows(request.user, Perm.VIEW_SAFEGUARDING, pupil),
    )
    return pdf_response(content, summary.filename(referral))
