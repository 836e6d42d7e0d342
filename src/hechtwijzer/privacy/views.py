"""Privacy pages: the access export (school administrator and care coordinator), the care
coordinator's approval of what it includes, and "erase this pupil now" (school administrator)."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from hechtwijzer import words
from hechtwijzer.access import Perm, allows
from hechtwijzer.door import pupil_view
from hechtwijzer.forms import UidField
from hechtwijzer.schools.models import Pupil

from . import actions, approvals
from .export import as_json, build_export, has_safeguarding_record
from .graph import record_counts
from .models import APPROVAL_DAYS, RetentionHold, SafeguardingChoice


def _model_names(counts: dict[str, int]) -> list[tuple[str, int]]:
    from django.apps import apps

    return [
        (str(apps.get_model(label)._meta.verbose_name_plural), n) for label, n in counts.items()
    ]


def _json_response(pupil: Pupil, export: dict) -> HttpResponse:
    body = json.dumps(as_json(export), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hechtwijzer-{pupil.public_id}.json"'
    return response


def _language() -> str:
    # Keeps a Flemish school's variant ("nl-be"): the export speaks the school's words too.
    language = (get_language() or "nl").lower()
    return language if words.base_language(language) in ("nl", "en") else "nl"


def _export_page(request, pupil, *, approval=None, use_form=None, status=200):
    export = build_export(pupil, lang=_language(), approval=approval)
    context = {
        "pupil": pupil,
        "export": export,
        "approval": approval,
        "approvals": [] if approval else approvals.usable_approvals(pupil),
        "may_approve": allows(request.user, Perm.APPROVE_EXPORT, pupil),
        "use_form": use_form,
    }
    return render(request, "privacy/export.html", context, status=status)


@require_safe
@pupil_view(Perm.EXPORT_PUPIL, action=None)
def export_json(request, pupil):
    """The pupil record as JSON (a download); the care and safeguarding records need an
    approval (`export_page`, POST). Audit entry `pupil.export`."""
    approvals.record_export(
        actor=request.user, pupil=pupil, fmt="json", approval=None, request=request
    )
    return _json_response(pupil, build_export(pupil, lang=_language()))


class UseApprovalForm(forms.Form):
    approval = UidField()
    format = forms.ChoiceField(choices=[(f, f) for f in approvals.FORMATS])


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.EXPORT_PUPIL, action=None, post_action=None)
def export_page(request, pupil):
    """The access export as a printable page. GET: the pupil record only. POST: use a care
    coordinator's approval, once per format, for the page or the JSON download with the parts
    it includes. Audit entry `pupil.export` either way (`approvals.record_export`)."""
    if request.method != "POST":
        approvals.record_export(
            actor=request.user, pupil=pupil, fmt="html", approval=None, request=request
        )
        return _export_page(request, pupil)
    form = UseApprovalForm(request.POST)
    if form.is_valid():
        fmt = form.cleaned_data["format"]
        try:
            approval = approvals.use_approval(
                actor=request.user,
                pupil=pupil,
                approval_uid=form.cleaned_data["approval"],
                fmt=fmt,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if fmt == "json":
                return _json_response(
                    pupil, build_export(pupil, lang=_language(), approval=approval)
                )
            return _export_page(request, pupil, approval=approval)
    # Nothing was exported beyond the pupil record: the page shows that, and why.
    approvals.record_export(
        actor=request.user, pupil=pupil, fmt="html", approval=None, request=request
    )
    status = 400 if form.errors.keys() - {"__all__"} else 409
    return _export_page(request, pupil, use_form=form, status=status)


class ApprovalForm(forms.Form):
    include_care = forms.BooleanField(required=False)
    safeguarding = forms.ChoiceField(
        required=False,
        choices=[
            ("", ""),
            (SafeguardingChoice.INCLUDE, SafeguardingChoice.INCLUDE.label),
            (SafeguardingChoice.WITHHOLD, SafeguardingChoice.WITHHOLD.label),
        ],
    )
    reason = forms.CharField(required=False, strip=False)


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.APPROVE_EXPORT, action="export.approval_form", post_action=None)
def approve_export(request, pupil):
    """The care coordinator decides what one access export includes: the care record, and
    after weighing it the safeguarding record (a reason either way). Audit `export.approve`."""
    form = ApprovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            approval = approvals.approve_export(
                actor=request.user,
                pupil=pupil,
                include_care=form.cleaned_data["include_care"],
                safeguarding=form.cleaned_data["safeguarding"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(
                request,
                _("The export is approved until %(date)s, once as a page and once as JSON.")
                % {"date": date_format(timezone.localtime(approval.expires_at), "j F Y")},
            )
            return redirect("privacy:export", pupil.public_id)
    context = {
        "pupil": pupil,
        "form": form,
        "has_safeguarding": has_safeguarding_record(pupil),
        "approvals": approvals.usable_approvals(pupil),
        "days": APPROVAL_DAYS,
        "max_reason": approvals.MAX_REASON_LENGTH,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "privacy/approve_export.html", context, status=status)


class EraseForm(forms.Form):
    first_name = forms.CharField(
        label=gettext_lazy("Type the pupil's first name to confirm"), max_length=100
    )

    def __init__(self, *args, pupil: Pupil, **kwargs):
        super().__init__(*args, **kwargs)
        self.pupil = pupil

    def clean_first_name(self):
        typed = " ".join(self.cleaned_data["first_name"].split())
        if typed.casefold() != " ".join(self.pupil.first_name.split()).casefold():
            raise ValidationError(
                _("This is not the pupil's first name. Nothing has been erased."), code="mismatch"
            )
        return typed


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.ERASE_PUPIL, action="pupil.erase_preview", post_action=None)
def erase(request, pupil):
    """What erasure would delete, and the confirmation (type the first name)."""
    holds = list(RetentionHold.objects.filter(pupil=pupil))
    form = EraseForm(request.POST or None, pupil=pupil)
    if request.method == "POST" and not holds and form.is_valid():
        try:
            actions.erase_pupil(
                actor=request.user, pupil=pupil, reason=actions.ErasureReason.REQUEST
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if actions.wal_removal_pending(pupil.public_id) is None:
                messages.success(
                    request,
                    _("All data about pupil %(id)s has been erased.") % {"id": pupil.public_id},
                )
            else:
                messages.warning(
                    request,
                    _(
                        "All data about pupil %(id)s has been erased from the database, but "
                        "old copies are still in the database's write-ahead log: another "
                        "connection was reading the database. They are removed the next time "
                        "the daily retention run starts; the operator can also run "
                        "'hechtwijzer retention' now."
                    )
                    % {"id": pupil.public_id},
                )
            return redirect("admin:schools_pupil_changelist")
    counts = record_counts(pupil)
    return render(
        request,
        "privacy/erase.html",
        {
            "pupil": pupil,
            "form": form,
            "holds": holds,
            "counts": _model_names(counts),
            "total": sum(counts.values()),
            "erase_after": actions.erase_after(pupil),
        },
        status=422 if request.method == "POST" else 200,
    )
