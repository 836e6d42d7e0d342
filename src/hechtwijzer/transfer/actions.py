"""Domain functions of the transfer to another school.

Sending side (`Perm.TRANSFER`, the care coordinator): include or remove one record after
weighing it, record the parents' viewing, export the report. Receiving side: import a report
(`receive`), then accept or decline it. Each takes `actor=` (None for the command line, which
runs as the operator), checks the policy, validates, and writes the audit entry in the same
transaction. Audit details hold codes, ids and dates, never the text.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hechtwijzer.access import Perm, allows, may_at_school
from hechtwijzer.audit.models import record
from hechtwijzer.forms import is_supported_day, supported_day_error
from hechtwijzer.locking import check_version
from hechtwijzer.schools.models import Country, Pupil, School

from . import report
from .models import IncludedItem, ReceivedPlan, ReceivedStatus, Transfer
from .schema import TransferProblem

REASON_MAX = 2000
TEXT_MAX = 5000


def _require(actor, pupil) -> None:
    if actor is not None and not allows(actor, Perm.TRANSFER, pupil):
        raise PermissionDenied


def _transfer(actor, pupil) -> Transfer:
    transfer = Transfer.objects.select_for_update().filter(pupil=pupil).first()
    if transfer is None:
        transfer = Transfer.objects.create(pupil=pupil, updated_by=actor)
    return transfer


def include_item(
    *, actor, pupil, kind: str, source_uid: str, reason: str, school_career: bool = False
) -> IncludedItem:
    """Include one record the report leaves out by default, after weighing it: `reason` says
    why it travels (and travels with it). In Flanders only observation notes, each confirmed
    (`school_career`) to concern the school career and not a breach of school rules. Audit
    `transfer.item.include`."""
    _require(actor, pupil)
    errors: dict[str, str] = {}
    country = pupil.school.country
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Write down why this item should travel to the new school.")
    elif len(reason) > REASON_MAX:
        errors["reason"] = _("At most %(n)d characters.") % {"n": REASON_MAX}
    if kind not in report.INCLUDABLE.get(country, ()):
        errors["kind"] = _("This kind of record does not travel from this school.")
    elif str(source_uid) not in {
        c["uid"] for c in report.candidates(pupil, country, "nl") if c["kind"] == kind
    }:
        errors["kind"] = _("This record is not this pupil's.")
    if country == Country.BE and not school_career:
        errors["school_career"] = _(
            "Confirm that the item concerns the school career and is not about a breach of "
            "school rules."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        transfer = _transfer(actor, pupil)
        item, created = IncludedItem.objects.get_or_create(
            transfer=transfer,
            kind=kind,
            source_uid=source_uid,
            defaults={"reason": reason, "included_by": actor},
        )
        if not created:
            item.reason, item.included_by = reason, actor
            item.save()
        record(
            action="transfer.item.include",
            actor=actor,
            pupil=pupil,
            details={"kind": kind, "record": str(source_uid), "item": str(item.uid)},
        )
    return item


def remove_item(*, actor, pupil, item_uid) -> None:
    """Take an included record out of the report again. Audit `transfer.item.remove`."""
    _require(actor, pupil)
    with transaction.atomic():
        item = IncludedItem.objects.filter(transfer__pupil=pupil, uid=item_uid).first()
        if item is None:
            raise ValidationError({"item": _("This item is not in this pupil's report.")})
        record(
            action="transfer.item.remove",
            actor=actor,
            pupil=pupil,
            details={"kind": item.kind, "record": str(item.source_uid), "item": str(item.uid)},
        )
        item.delete()


def record_parents(
    *,
    actor,
    pupil,
    expected_version: int,
    receiving_school: str,
    viewed_on: datetime.date | None,
    parents_view: str = "",
    objection: str = "",
    left_out: list[str] | tuple[str, ...] = (),
) -> Transfer:
    """Record the receiving school and the parents' viewing of the report (0 as
    `expected_version` when nothing was recorded yet). The Netherlands: the parents' view,
    which travels with the report. Flanders: their objection and the parts left out because
    of it. Audit `transfer.parents`."""
    _require(actor, pupil)
    errors: dict[str, str] = {}
    flemish = pupil.school.country == Country.BE
    receiving_school = (receiving_school or "").strip()
    parents_view = (parents_view or "").strip()
    objection = (objection or "").strip()
    left_out = [s for s in report.SECTIONS if s in set(left_out or ())]
    if len(receiving_school) > 200:
        errors["receiving_school"] = _("At most %(n)d characters.") % {"n": 200}
    for key, value in (("parents_view", parents_view), ("objection", objection)):
        if len(value) > TEXT_MAX:
            errors[key] = _("At most %(n)d characters.") % {"n": TEXT_MAX}
    if viewed_on is not None:
        if not is_supported_day(viewed_on):
            errors["viewed_on"] = supported_day_error().messages[0]
        elif viewed_on > timezone.localdate():
            errors["viewed_on"] = _("This date lies in the future: record what has happened.")
    elif parents_view or objection or left_out:
        errors["viewed_on"] = _("Give the date the parents saw the report.")
    if flemish and parents_view:
        errors["parents_view"] = _("Flemish parents may object; record their objection.")
    if not flemish and (objection or left_out):
        errors["objection"] = _("Dutch parents add their view; record it as their view.")
    if flemish and left_out and not objection:
        errors["objection"] = _("Write down what the parents objected to.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Transfer.objects.select_for_update().filter(pupil=pupil).first()
        check_version(current, expected_version, absent=0)
        if current is None:
            current = Transfer(pupil=pupil, updated_by=actor)
        else:
            current.version += 1
            current.updated_by = actor
        current.receiving_school = receiving_school
        current.parents_viewed_on = viewed_on
        current.parents_view = parents_view
        current.objection = objection
        current.left_out = left_out
        current.save()
        record(
            action="transfer.parents",
            actor=actor,
            pupil=pupil,
            details={
                "viewed_on": viewed_on.isoformat() if viewed_on else None,
                "view": bool(parents_view),
                "objection": bool(objection),
                "left_out": left_out,
                "version": current.version,
            },
        )
    return current


def export(*, actor, pupil, lang: str, kind: str, request=None) -> dict:
    """The report as it leaves the school (`kind`: "json" or "pdf"), recorded: audit
    `transfer.export` with its id, the included items' kinds and the parts left out."""
    _require(actor, pupil)
    content = report.build(pupil, lang=lang, today=timezone.localdate())
    record(
        action="transfer.export",
        actor=actor,
        request=request,
        pupil=pupil,
        change=False,
        details={
            "format": kind,
            "transfer_id": content["transfer_id"],
            "included": [item["kind"] for item in content["included"]],
            "left_out": content["left_out"],
            "parents_viewed_on": content["parents"]["viewed_on"],
        },
    )
    return content


# --- the receiving school -------------------------------------------------------------------


@dataclass
class Received:
    plan: ReceivedPlan | None
    pupil: Pupil | None
    pupil_created: bool
    matched_by: str  # "source_key" or ""
    dry_run: bool
    warnings: list[str]

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "pupil": {
                "public_id": self.pupil.public_id if self.pupil and not self.dry_run else None,
                "created": self.pupil_created,
                "matched_by": self.matched_by or None,
            },
            "received_plan": str(self.plan.uid) if self.plan and not self.dry_run else None,
            "status": ReceivedStatus.PENDING.value,
            "warnings": self.warnings,
        }


class _DryRun(Exception):
    pass


def _match(school: School, pupil: dict, warnings: list[str]) -> Pupil | None:
    key = pupil.get("source_key")
    if not key:
        return None
    found = Pupil.objects.filter(school=school, source_key=key).first()
    if found is None:
        return None
    same = (
        found.first_name.casefold() == pupil["first_name"].casefold()
        and found.last_name.casefold() == pupil["last_name"].casefold()
        and found.date_of_birth.isoformat() == pupil["date_of_birth"]
    )
    if not same:
        warnings.append(
            "a pupil with this source key has another name or date of birth: "
            "a new pupil was made instead"
        )
        return None
    return found


def receive(*, actor, school: School, content: dict, dry_run: bool = False) -> Received:
    """Import a validated report (`schema.parse`) at `school`: find the pupil by the source
    key (name and date of birth must agree) or create them, and keep the report as a pending
    `ReceivedPlan` for the care coordinator. A report already received here is refused
    (TransferProblem). All or nothing; a dry run writes nothing and answers the same. Audit
    `transfer.receive` (and `transfer.pupil_create` for a new pupil)."""
    if actor is not None and not may_at_school(actor, Perm.TRANSFER, school.pk):
        raise PermissionDenied
    if ReceivedPlan.objects.filter(school=school, transfer_id=content["transfer_id"]).exists():
        raise TransferProblem("transfer_id: this report was already received at this school")
    warnings: list[str] = []
    result = None
    try:
        with transaction.atomic():
            data = content["pupil"]
            pupil = _match(school, data, warnings)
            created = pupil is None
            if created:
                pupil = Pupil(
                    school=school,
                    first_name=data["first_name"].strip(),
                    last_name=data["last_name"].strip(),
                    date_of_birth=datetime.date.fromisoformat(data["date_of_birth"]),
                )
                pupil.save()
                record(
                    action="transfer.pupil_create",
                    actor=actor,
                    pupil=pupil,
                    details={"transfer_id": content["transfer_id"]},
                )
            sending = content["sending_school"]
            plan = ReceivedPlan(
                school=school,
                pupil=pupil,
                transfer_id=content["transfer_id"],
                sending_school=sending["name"],
                sending_country=sending["country"],
                exported_on=datetime.date.fromisoformat(content["exported_on"]),
                format_version=content["version"],
                content_json=json.dumps(content, ensure_ascii=False),
            )
            plan.save()
            record(
                action="transfer.receive",
                actor=actor,
                pupil=pupil,
                details={
                    "transfer_id": content["transfer_id"],
                    "received_plan": str(plan.uid),
                    "from": sending["code"] or sending["name"],
                    "pupil_created": created,
                },
            )
            result = Received(
                plan=plan,
                pupil=pupil,
                pupil_created=created,
                matched_by="" if created else "source_key",
                dry_run=dry_run,
                warnings=warnings,
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def _decide(*, actor, plan: ReceivedPlan, status: str, action: str) -> ReceivedPlan:
    _require(actor, plan.pupil)
    with transaction.atomic():
        current = ReceivedPlan.objects.select_for_update().get(pk=plan.pk)
        if current.status != ReceivedStatus.PENDING:
            raise ValidationError(_("This plan was already accepted or declined."))
        current.status = status
        current.decided_by = actor
        current.decided_at = timezone.now()
        current.save()
        record(
            action=action,
            actor=actor,
            pupil=current.pupil,
            details={"received_plan": str(current.uid), "transfer_id": str(current.transfer_id)},
        )
    return current


def accept(*, actor, plan: ReceivedPlan) -> ReceivedPlan:
    """Accept a received plan: it shows with the pupil's plans as history. Audit
    `transfer.received.accept`."""
    return _decide(
        actor=actor, plan=plan, status=ReceivedStatus.ACCEPTED, action="transfer.received.accept"
    )


def decline(*, actor, plan: ReceivedPlan) -> ReceivedPlan:
    """Decline a received plan: it stays on record (audited) but shows nowhere. Audit
    `transfer.received.decline`."""
    return _decide(
        actor=actor, plan=plan, status=ReceivedStatus.DECLINED, action="transfer.received.decline"
    )
