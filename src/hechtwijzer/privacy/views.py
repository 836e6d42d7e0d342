"""Privacy pages for the school administrator: the access export and "erase this pupil now"."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from hechtwijzer.access import Perm
from hechtwijzer.audit.models import record
from hechtwijzer.door import pupil_view
from hechtwijzer.schools.models import Pupil

from . import actions
from .export import as_json, build_export
from .graph import record_counts
from .models import RetentionHold


def _model_names(counts: dict[str, int]) -> list[tuple[str, int]]:
    from django.apps import apps

    return [
        (str(apps.get_model(label)._meta.verbose_name_plural), n) for label, n in counts.items()
    ]


@require_safe
@pupil_view(Perm.EXPORT_PUPIL, action=None)
def export_json(request, pupil):
    """Everything stored about the pupil as JSON (a download). Audit entry `pupil.export`."""
    _record_export(request, pupil, "json")
    data = as_json(build_export(pupil, lang="nl", generated_by=request.user))
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hechtwijzer-{pupil.public_id}.json"'
    return response


@require_safe
@pupil_view(Perm.EXPORT_PUPIL, action=None)
def export_page(request, pupil):
    """Everything stored about the pupil as a printable page. Audit entry `pupil.export`."""
    _record_export(request, pupil, "html")
    export = build_export(pupil, lang=get_language() or "nl", generated_by=request.user)
    return render(request, "privacy/export.html", {"pupil": pupil, "export": export})


def _record_export(request, pupil: Pupil, kind: str) -> None:
    record(request=request, action="pupil.export", pupil=pupil, details={"format": kind})


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
