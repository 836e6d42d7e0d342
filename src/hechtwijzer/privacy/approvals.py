"""Domain functions for the care coordinator's approval of an access export, and its use.

Without an approval, an access export holds the pupil record only (privacy/export.py). A care
coordinator of the pupil's school decides per export whether the care record is included and,
where the pupil has a safeguarding record, whether that is included or withheld, with a reason
either way (`approve_export`). The approval can be used by the coordinators and administrators
of the school for 14 days, once for the printable page and once for the JSON download
(`use_approval`). Both write their audit entry in the same transaction; the reason is free text
about the pupil, so it is encrypted and never in the audit details.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hechtwijzer.access import Perm, allows
from hechtwijzer.audit.models import record
from hechtwijzer.schools.models import Pupil

from .export import CARE, RECORD, SAFEGUARDING, Parts, has_safeguarding_record
from .models import APPROVAL_DAYS, ExportApproval, SafeguardingChoice

FORMATS = ("html", "json")
MAX_REASON_LENGTH = 2000


def usable_approvals(pupil: Pupil, now: datetime.datetime | None = None) -> list[ExportApproval]:
    """The pupil's approvals that are not expired and not yet used in both formats."""
    now = now or timezone.now()
    rows = ExportApproval.objects.filter(pupil=pupil, expires_at__gt=now).select_related(
        "approved_by"
    )
    return [a for a in rows if a.page_used_at is None or a.json_used_at is None]


def approve_export(
    *,
    actor: Any,
    pupil: Pupil,
    include_care: bool,
    safeguarding: str = "",
    reason: str = "",
) -> ExportApproval:
    """Record a care coordinator's decision on what one access export of `pupil` includes.

    Where the pupil has a safeguarding record, `safeguarding` must be "include" or "withhold"
    and `reason` says why (both ways); otherwise it is "nothing". Refused when the export would
    include nothing beyond the pupil record. Side effects: the approval (valid for
    APPROVAL_DAYS), audit entry `export.approve` (the parts and the choice, never the reason).
    """
    if not allows(actor, Perm.APPROVE_EXPORT, pupil):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if has_safeguarding_record(pupil):
        if safeguarding not in (SafeguardingChoice.INCLUDE, SafeguardingChoice.WITHHOLD):
            errors["safeguarding"] = [
                _("Decide whether the safeguarding record is included or withheld.")
            ]
        if not reason:
            errors["reason"] = [
                _("Say why the safeguarding record is included or withheld (for the file).")
            ]
        elif len(reason) > MAX_REASON_LENGTH:
            errors["reason"] = [
                _("Keep this under %(max)d characters.") % {"max": MAX_REASON_LENGTH}
            ]
    else:
        safeguarding, reason = SafeguardingChoice.NOTHING, ""
    if not errors and not include_care and safeguarding != SafeguardingChoice.INCLUDE:
        errors["include_care"] = [
            _("Without the care record or the safeguarding record there is nothing to approve.")
        ]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        approval = ExportApproval.objects.create(
            pupil=pupil,
            approved_by=actor,
            approved_at=now,
            expires_at=now + datetime.timedelta(days=APPROVAL_DAYS),
            include_care=include_care,
            safeguarding=safeguarding,
            safeguarding_reason=reason,
        )
        record(
            action="export.approve",
            actor=actor,
            pupil=pupil,
            object_type="export_approval",
            object_id=approval.uid,
            details={
                "care": include_care,
                "safeguarding": safeguarding,
                "expires": approval.expires_at.date().isoformat(),
            },
        )
    return approval


def parts_of(approval: ExportApproval | None) -> list[str]:
    parts = Parts.of(approval)
    return (
        [RECORD] + ([CARE] if parts.care else []) + ([SAFEGUARDING] if parts.safeguarding else [])
    )


def use_approval(
    *, actor: Any, pupil: Pupil, approval_uid: Any, fmt: str, request: Any = None
) -> ExportApproval:
    """Use an approval for one export in `fmt` ("html" or "json"): once per format, before it
    expires. Side effects: the format's use is marked, audit entry `pupil.export` (format,
    parts, approval). Raises ValidationError when the approval is unknown, for another pupil,
    used for this format or expired."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    if not allows(actor, Perm.EXPORT_PUPIL, pupil):
        raise PermissionDenied
    with transaction.atomic():
        approval = (
            ExportApproval.objects.select_for_update().filter(pupil=pupil, uid=approval_uid).first()
        )
        now = timezone.now()
        if approval is None:
            raise ValidationError(_("This approval does not exist for this pupil."))
        if approval.used_at(fmt) is not None:
            raise ValidationError(
                _("This approval was already used for this format on %(date)s.")
                % {"date": date_format(timezone.localtime(approval.used_at(fmt)), "j F Y")}
            )
        if now >= approval.expires_at:
            raise ValidationError(_("This approval has expired. Ask the care coordinator again."))
        field = "page_used_at" if fmt == "html" else "json_used_at"
        setattr(approval, field, now)
        approval.save(update_fields=[field])
        record_export(actor=actor, pupil=pupil, fmt=fmt, approval=approval, request=request)
    return approval


def record_export(
    *, actor: Any, pupil: Pupil, fmt: str, approval: ExportApproval | None, request: Any = None
) -> None:
    """Audit entry `pupil.export`: the format, the parts included and the approval used."""
    record(
        action="pupil.export",
        request=request,
        actor=actor,
        pupil=pupil,
        details={
            "format": fmt,
            "parts": parts_of(approval),
            "approval": str(approval.uid) if approval else None,
        },
    )
