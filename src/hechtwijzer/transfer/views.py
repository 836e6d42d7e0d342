"""The transfer pages. Sending school: the care coordinator's page for one pupil (preview,
the records included after weighing, the parents' viewing, download as PDF or JSON). Receiving
school: the upload page and the received plan (accept or decline). Every read and write is
audited; a pupil outside the user's scope, or another school's page, does not exist (404)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hechtwijzer.access import Perm, allows, may_at_school
from hechtwijzer.audit.models import record
from hechtwijzer.door import Policy, policy, pupil_view
from hechtwijzer.locking import StaleVersion
from hechtwijzer.plans.documents import content_disposition, pdf_response
from hechtwijzer.schools.models import Country, School

from . import actions, document, report
from .forms import DecisionForm, IncludeForm, ParentsForm, RemoveForm, UploadForm
from .models import IncludedItem, ReceivedPlan, ReceivedStatus
from .schema import MAX_BYTES, TransferProblem, parse


def _errors_message(request, errors) -> None:
    messages.error(request, " ".join(str(m) for e in errors.values() for m in e))


@require_safe
@pupil_view(Perm.TRANSFER, action="transfer.preview")
@never_cache
def transfer_page(request, pupil):
    """The report as it would leave now, what may be included after weighing, and the
    parents' viewing."""
    lang = get_language()
    transfer = report.transfer_of(pupil)
    items = list(IncludedItem.objects.filter(transfer=transfer)) if transfer else []
    candidates = report.candidates(pupil, pupil.school.country, lang)
    content = report.build(
        pupil,
        lang=lang,
        today=timezone.localdate(),
        transfer=transfer,
        items=items,
        found=[dict(c) for c in candidates],
    )
    by_uid = {str(i.source_uid): i for i in items}
    for candidate in candidates:
        candidate["item"] = by_uid.get(candidate["uid"])
    flemish = pupil.school.country == Country.BE
    labels = document.section_labels()
    context = {
        "pupil": pupil,
        "preview": document.pdf_data(content, lang),
        "transfer": transfer,
        "candidates": candidates,
        "flemish": flemish,
        "sections": [(code, labels[code]) for code in report.SECTIONS],
        "left_out": set(transfer.left_out if transfer else []),
        "today": timezone.localdate().isoformat(),
        "version": transfer.version if transfer else 0,
    }
    return render(request, "transfer/page.html", context)


@require_POST
@pupil_view(Perm.TRANSFER, action=None)  # the domain function records the change
def include(request, pupil):
    form = IncludeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.include_item(
                actor=request.user,
                pupil=pupil,
                kind=data["kind"],
                source_uid=str(data["record"]),
                reason=data["reason"],
                school_career=data["school_career"],
            )
        except ValidationError as error:
            _errors_message(request, error.message_dict)
        else:
            messages.success(request, _("The item was included in the report, with its reason."))
    else:
        _errors_message(request, form.errors)
    return redirect("transfer:page", pupil.public_id)


@require_POST
@pupil_view(Perm.TRANSFER, action=None)
def remove(request, pupil):
    form = RemoveForm(request.POST)
    if form.is_valid():
        try:
            actions.remove_item(actor=request.user, pupil=pupil, item_uid=form.cleaned_data["item"])
        except ValidationError as error:
            _errors_message(request, error.message_dict)
        else:
            messages.success(request, _("The item was taken out of the report."))
    else:
        _errors_message(request, form.errors)
    return redirect("transfer:page", pupil.public_id)


@require_POST
@pupil_view(Perm.TRANSFER, action=None)
def parents(request, pupil):
    form = ParentsForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_parents(
                actor=request.user,
                pupil=pupil,
                expected_version=data["version"] if data["version"] is not None else -1,
                receiving_school=data["receiving_school"],
                viewed_on=data["viewed_on"],
                parents_view=data["parents_view"],
                objection=data["objection"],
                left_out=data["left_out"],
            )
        except StaleVersion:
            messages.error(
                request,
                _("Someone else changed this in the meantime. Nothing was saved."),
            )
        except ValidationError as error:
            _errors_message(request, error.message_dict)
        else:
            messages.success(request, _("The parents' viewing was saved."))
    else:
        _errors_message(request, form.errors)
    return redirect("transfer:page", pupil.public_id)


@require_safe
@pupil_view(Perm.TRANSFER, action=None)  # the export records itself (transfer.export)
def transfer_pdf(request, pupil):
    lang = get_language()
    content = actions.export(
        actor=request.user, pupil=pupil, lang=lang, kind="pdf", request=request
    )
    return pdf_response(document.render(content, lang), document.filename(content))


@require_safe
@pupil_view(Perm.TRANSFER, action=None)
def transfer_json(request, pupil):
    content = actions.export(
        actor=request.user, pupil=pupil, lang=get_language(), kind="json", request=request
    )
    response = HttpResponse(
        json.dumps(content, ensure_ascii=False, indent=2), content_type="application/json"
    )
    name = f"transfer-{content['pupil']['first_name']}.json"
    response["Content-Disposition"] = content_disposition(name).replace("inline", "attachment", 1)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
# The view records the read itself, once it knows the plan may be shown.
@pupil_view(Perm.VIEW_PUPIL, action=None, post=Perm.TRANSFER, post_action=None)
@never_cache
def received(request, pupil, uid):
    """A plan received from the previous school: read-only history. While it waits, only the
    care coordinator sees it (to accept or decline); once accepted, whoever sees the pupil."""
    plan = get_object_or_404(ReceivedPlan, pupil=pupil, uid=uid)
    coordinator = allows(request.user, Perm.TRANSFER, pupil)
    if plan.status != ReceivedStatus.ACCEPTED and not coordinator:
        record(
            request=request,
            action="access.denied",
            pupil=pupil,
            details={"wanted": "transfer.received_view", "received_plan": str(plan.uid)},
        )
        raise Http404
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            decide = (
                actions.accept if form.cleaned_data["decision"] == "accept" else actions.decline
            )
            try:
                decide(actor=request.user, plan=plan)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("The plan was accepted: it shows with the pupil's plans.")
                    if form.cleaned_data["decision"] == "accept"
                    else _("The plan was declined."),
                )
        return redirect("transfer:received", pupil.public_id, plan.uid)
    record(
        request=request,
        action="transfer.received_view",
        pupil=pupil,
        change=False,
        details={"received_plan": str(plan.uid), "status": plan.status},
    )
    content = plan.content
    lang = get_language()
    data = document.pdf_data(content, lang)
    context = {
        "pupil": pupil,
        "plan": plan,
        "data": data,
        "pending": plan.status == ReceivedStatus.PENDING,
        "coordinator": coordinator,
        # Items the sending care coordinator included after weighing: for the care coordinator.
        "included": data["included"] if coordinator else [],
    }
    return render(request, "transfer/received.html", context)


def _school(request, school_id) -> School:
    if not may_at_school(request.user, Perm.TRANSFER, school_id):
        raise Http404
    return get_object_or_404(School, pk=school_id)


@require_http_methods(["GET", "HEAD", "POST"])
@policy(Policy.SCHOOL, Perm.TRANSFER)
@never_cache
def import_page(request, school_id):
    """Upload a transfer report (JSON) from a pupil's previous school; the plans waiting for a
    decision."""
    school = _school(request, school_id)
    form = UploadForm(request.POST or None, request.FILES or None)
    problem = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_BYTES:
                raise TransferProblem(f"the file is larger than {MAX_BYTES // 1000} kB")
            content = parse(upload.read(MAX_BYTES + 1))
            result = actions.receive(actor=request.user, school=school, content=content)
        except TransferProblem as error:
            problem = str(error)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("The report was received. Accept or decline the plan."))
            return redirect("transfer:received", result.pupil.public_id, result.plan.uid)
    pending = list(
        ReceivedPlan.objects.filter(school=school, status=ReceivedStatus.PENDING).select_related(
            "pupil"
        )
    )
    record(
        request=request,
        action="transfer.import_view",
        school_id=school.pk,
        object_type="school",
        object_id=str(school.pk),
        details={"pending": len(pending)},
    )
    context = {"school": school, "form": form, "problem": problem, "pending": pending}
    status = 422 if (problem or form.errors) else 200
    return render(request, "transfer/import.html", context, status=status)
