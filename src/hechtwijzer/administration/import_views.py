"""The school administrator's import pages: upload a file from the administration system, see
what it would change (a dry run of the same sync), apply it; and the roles files proposed.

The uploaded file waits encrypted in the database (`uploads`), so that another app server
may apply it, until it is applied or discarded, an hour at most. Another school's pages do not
exist (404).
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from hechtwijzer.access import Perm, may_administer
from hechtwijzer.audit.models import record
from hechtwijzer.door import Policy, policy
from hechtwijzer.interop import FileProblem, csvfile
from hechtwijzer.interop.model import MAX_BYTES
from hechtwijzer.schools.models import School

from . import imports, uploads
from .forms import MappingForm, ProposalForm, UploadForm
from .models import ProposalState, RoleProposal


def _school(request, school_id) -> School:
    if not may_administer(request.user, school_id):
        raise Http404
    return get_object_or_404(School, pk=school_id)


@require_http_methods(["GET", "HEAD", "POST"])
@policy(Policy.SCHOOL, Perm.ADMINISTER_SCHOOL)
@never_cache
def import_page(request, school_id):
    """Upload an export of the administration system (EDEXML or CSV)."""
    school = _school(request, school_id)
    uploads.purge_expired()
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            form.add_error("file", _("The file is larger than 20 MB."))
        else:
            token = uploads.store(
                school_id=school.pk,
                kind=form.cleaned_data["kind"],
                data=upload.read(MAX_BYTES + 1),
                name=upload.name or "",
                partial=form.cleaned_data["partial"],
            )
            return redirect("administration:import_preview", school.pk, token)
    context = {
        "school": school,
        "form": form,
        "open_proposals": RoleProposal.objects.filter(
            school=school, state=ProposalState.OPEN
        ).count(),
        "minutes": uploads.UPLOAD_MINUTES,
    }
    return render(
        request, "administration/import.html", context, status=422 if form.errors else 200
    )


def _mapping_form(request, school, upload, header):
    remembered = imports.remembered_mapping(school)
    initial = {k: v for k, v in remembered.items() if v in header}
    data = request.POST if request.POST.get("action") == "mapping" else None
    return MappingForm(
        data, columns=header, required=csvfile.REQUIRED_FIELDS, initial=initial
    ), initial


@require_http_methods(["GET", "HEAD", "POST"])
@policy(Policy.SCHOOL, Perm.ADMINISTER_SCHOOL)
@never_cache
def import_preview(request, school_id, token):
    """What the uploaded file would change; then apply it (or discard it)."""
    school = _school(request, school_id)
    upload = uploads.load(school_id=school.pk, token=token)
    if upload is None:
        messages.warning(request, _("The uploaded file is no longer there. Upload it again."))
        return redirect("administration:import", school.pk)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "discard":
        uploads.delete(token)
        messages.info(request, _("The uploaded file was deleted; nothing was imported."))
        return redirect("administration:import", school.pk)
    context = {"school": school, "token": token, "upload": upload, "problem": ""}
    mapping = None
    try:
        if upload["kind"] == "csv":
            header = csvfile.read_header(upload["data"])
            form, initial = _mapping_form(request, school, upload, header)
            context["mapping_form"] = form
            if action == "mapping":
                if form.is_valid():
                    imports.remember_mapping(
                        actor=request.user, school=school, columns=form.cleaned_data
                    )
                    return redirect("administration:import_preview", school.pk, token)
                return render(request, "administration/import_preview.html", context, status=422)
            if not all(initial.get(name) for name in csvfile.REQUIRED_FIELDS):
                # No mapping yet for these columns: choose one first.
                return render(request, "administration/import_preview.html", context)
            mapping = initial
        school_file = imports.read_file(
            upload["kind"], upload["data"], school=school, mapping=mapping
        )
        school_file.full = not upload["partial"]
        apply = action == "apply"
        summary = imports.run_import(
            actor=request.user,
            school_file=school_file,
            school=school,
            dry_run=not apply,
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
    except FileProblem as problem:
        uploads.delete(token)
        context["problem"] = problem.line_text()
        return render(request, "administration/import_preview.html", context, status=422)
    context["summary"] = summary
    context["counts"] = summary.as_dict()
    if apply:
        uploads.delete(token)
        return render(request, "administration/import_done.html", context)
    # The preview shows names of pupils: a read, on the audit trail.
    record(
        action="import.preview",
        request=request,
        school_id=school.pk,
        object_type="school",
        object_id=school.pk,
        details={"kind": upload["kind"], **summary.as_dict()},
    )
    return render(request, "administration/import_preview.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@policy(Policy.SCHOOL, Perm.ADMINISTER_SCHOOL)
@never_cache
def role_proposals(request, school_id):
    """Roles an import file suggested (IB, directie, ...): confirm or decline each."""
    school = _school(request, school_id)
    if request.method == "POST":
        form = ProposalForm(request.POST)
        if form.is_valid():
            proposal = get_object_or_404(
                RoleProposal.objects.select_related("membership__user", "membership__school"),
                school=school,
                pk=form.cleaned_data["proposal"],
                state=ProposalState.OPEN,
            )
            confirm = form.cleaned_data["decision"] == "confirm"
            imports.decide_proposal(actor=request.user, proposal=proposal, confirm=confirm)
            user = proposal.membership.user
            name = user.get_full_name() or user.get_username()
            if confirm:
                messages.success(request, _("%(name)s now has the role.") % {"name": name})
            else:
                messages.info(request, _("The role was not given to %(name)s.") % {"name": name})
            return redirect("administration:role_proposals", school.pk)
    proposals = list(imports.open_proposals(school))
    decided = list(
        RoleProposal.objects.filter(school=school)
        .exclude(state=ProposalState.OPEN)
        .select_related("membership__user", "decided_by")
        .order_by("-decided_at")[:20]
    )
    context = {"school": school, "proposals": proposals, "decided": decided}
    return render(request, "administration/role_proposals.html", context)
