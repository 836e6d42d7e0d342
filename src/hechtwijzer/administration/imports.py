"""Import from a school administration system: sync a parsed file (`hechtwijzer.interop`) into
a school's groups, pupils and staff.

`run_import` is one transaction, all or nothing; a dry run (`dry_run=True`, also the upload
page's preview) makes exactly the same changes and rolls them back, so it reports what the real
run would. Semantics:

- groups by their key within the file's school year (a group typed in by hand with the same
  name in that year is adopted); name and year level updated;
- pupils by their key (a pupil typed in by hand with the same names and date of birth is
  adopted); name, group and date of birth updated; a pupil with a leaving date (uitstroomdatum)
  today or earlier, or missing from a full export, is marked *left* (retention starts,
  `hechtwijzer.privacy`), never deleted; a pupil who left and is listed again comes back;
- staff by their key (or their e-mail address, for staff typed in by hand): new ones become
  teachers of their groups and get an invitation (never a password); a role that grants more
  (IB, SMW: care coordinator; DIR, ADJ: school administrator) becomes a `RoleProposal` for the
  school administrator to confirm (`decide_proposal`), never granted by the file.

Every change goes through the domain functions of `actions` (audited one by one), plus one
`import.apply` entry with the counts. The second run of the same file changes nothing.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hechtwijzer.access import may_administer
from hechtwijzer.audit.models import record
from hechtwijzer.interop import FileProblem, SchoolFile, csvfile, edexml
from hechtwijzer.schools.models import (
    Group,
    Membership,
    Pupil,
    PupilStatus,
    Role,
    School,
    current_school_year,
)

from . import actions, invitations
from .models import ImportMapping, ProposalState, RoleProposal

User = get_user_model()

KINDS = ("edexml", "csv")


@dataclass
class Counts:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    left: list[str] = field(default_factory=list)
    proposed: list[str] = field(default_factory=list)


@dataclass
class Summary:
    """What an import did (or, in a dry run, would do)."""

    school: str
    school_code: str
    dry_run: bool
    groups: Counts = field(default_factory=Counts)
    pupils: Counts = field(default_factory=Counts)
    staff: Counts = field(default_factory=Counts)
    warnings: list[str] = field(default_factory=list)
    # Invitations of new staff (after a real run): Issued, with the link when not mailed.
    invitations: list[Any] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The summary `hechtwijzer import --json` prints (counts, no names)."""
        return {
            "school": self.school,
            "school_code": self.school_code,
            "dry_run": self.dry_run,
            "groups": {
                "created": len(self.groups.created),
                "updated": len(self.groups.updated),
                "unchanged": self.groups.unchanged,
            },
            "pupils": {
                "created": len(self.pupils.created),
                "updated": len(self.pupils.updated),
                "unchanged": self.pupils.unchanged,
                "left": len(self.pupils.left),
            },
            "staff": {
                "created": len(self.staff.created),
                "updated": len(self.staff.updated),
                "unchanged": self.staff.unchanged,
                "proposed_roles": len(self.staff.proposed),
            },
            "warnings": list(self.warnings),
        }


def year_level_label(code: str, country: str) -> str:
    """An EDEXML jaargroep code as the school calls the year: "groep 3" / "1ste leerjaar"."""
    if not code:
        return ""
    if not code.isdigit():
        return _("special code %(code)s") % {"code": code}
    number = int(code)
    if country == "BE":
        if number in (1, 2):
            return _("kindergarten year %(n)s") % {"n": number + 1}
        if 3 <= number <= 8:
            return _("school year %(n)s (leerjaar)") % {"n": number - 2}
        return code
    return _("group %(n)s") % {"n": number}


# --- reading a file ----------------------------------------------------------------------------


def read_file(
    kind: str,
    data: bytes,
    *,
    school: School | None = None,
    mapping: dict[str, str] | None = None,
    school_year: int | None = None,
) -> SchoolFile:
    """Parse an uploaded or given file; FileProblem (one line) when it cannot be imported.

    A CSV file needs the school (for its country) and a column mapping: the given one, else the
    one the school used last.
    """
    if kind == "edexml":
        return edexml.parse(data)
    if kind != "csv":
        raise FileProblem(f"unknown kind of file {kind!r}")
    if school is None:
        raise FileProblem("a CSV file is imported into a school named with --school")
    if mapping is None:
        mapping = remembered_mapping(school)
    if not mapping:
        raise FileProblem("no column mapping given, and none remembered for this school")
    return csvfile.parse(
        data,
        mapping=mapping,
        country=school.country,
        school_year=school_year or current_school_year(),
    )


def remembered_mapping(school: School) -> dict[str, str]:
    saved = ImportMapping.objects.filter(school=school).first()
    return dict(saved.columns) if saved else {}


def remember_mapping(*, actor: Any, school: School, columns: dict[str, str]) -> None:
    """Keep the CSV column mapping for the school's next import. Audit `import.mapping`."""
    _require_admin(actor, school.pk)
    columns = {k: v for k, v in columns.items() if k in csvfile.FIELDS and v}
    with transaction.atomic():
        saved, _created = ImportMapping.objects.get_or_create(school=school)
        if saved.columns != columns:
            saved.columns = columns
            saved.save()
            record(
                action="import.mapping",
                actor=actor,
                school_id=school.pk,
                object_type="school",
                object_id=school.pk,
                details={"fields": sorted(columns)},
            )


# --- finding the school ------------------------------------------------------------------------


def _require_admin(actor: Any, school_id: int) -> None:
    if actor is not None and not may_administer(actor, school_id):
        raise PermissionDenied


def find_school(code: str) -> School | None:
    """A school by BRIN (+ dependance: "99ZZ" or "99ZZ00") or instellingsnummer."""
    code = code.strip().upper()
    if code.isdigit():
        return School.objects.filter(institution_number=code).first()
    brin, dependance = code[:4], code[4:]
    schools = School.objects.filter(brin=brin)
    if dependance:
        return schools.filter(dependance=dependance).first()
    return schools.order_by("dependance").first()


def school_for_file(school_file: SchoolFile) -> School | None:
    info = school_file.school
    if info.brin:
        schools = School.objects.filter(brin=info.brin)
        exact = schools.filter(dependance=info.dependance).first()
        if exact is not None:
            return exact
        # A school registered without its dependance, and a file of the main location.
        if info.dependance in ("", "00"):
            return schools.filter(dependance="").first()
        return None
    if info.institution_number:
        return School.objects.filter(institution_number=info.institution_number).first()
    return None


def _check_file_fits(school: School, school_file: SchoolFile) -> None:
    info = school_file.school
    if info.country and info.country != school.country:
        raise FileProblem(
            f"the file is for a school in {info.country}, {school.name!r} is in {school.country}"
        )
    if info.brin and school.brin:
        same = info.brin == school.brin and info.dependance in (school.dependance, "00", "")
        if not same or (school.dependance and info.dependance != school.dependance):
            raise FileProblem(
                f"the file is for BRIN {info.code}, not for {school.name!r} ({school.code})"
            )
    numbers = (info.institution_number, school.institution_number)
    if all(numbers) and numbers[0] != numbers[1]:
        raise FileProblem(
            f"the file is for instellingsnummer {info.institution_number}, "
            f"not for {school.name!r} ({school.code})"
        )


def _create_school(school_file: SchoolFile) -> School:
    info = school_file.school
    if not info.country:
        raise FileProblem("--create-school needs a file with a brincode or instellingsnummer")
    school = School(
        name=info.name or f"School {info.code}",
        country=info.country,
        brin=info.brin,
        dependance=info.dependance,
        institution_number=info.institution_number,
    )
    school.full_clean()
    school.save()
    record(
        action="school.create",
        school_id=school.pk,
        object_type="school",
        object_id=school.pk,
        details={"from": "import", "code": school.code},
    )
    return school


# --- the sync ----------------------------------------------------------------------------------


def _refuse(error: ValidationError, what: str, line: int | None) -> FileProblem:
    messages = " ".join(error.messages)[:200]
    return FileProblem(f"{what}: {messages}", line=line)


def _sync_groups(actor, school, school_file, year, summary) -> dict[str, Group]:
    existing = list(Group.objects.filter(school=school, school_year=year))
    by_key = {g.source_key: g for g in existing if g.source_key}
    by_name = {g.name: g for g in existing if not g.source_key}
    result: dict[str, Group] = {}
    for row in school_file.groups:
        group = by_key.get(row.key) or by_name.pop(row.name, None)
        try:
            if group is None:
                group = actions.create_group(
                    actor=actor,
                    school=school,
                    name=row.name,
                    school_year=year,
                    source_key=row.key,
                    year_level=row.year_level,
                )
                summary.groups.created.append(row.name)
            elif (group.name, group.source_key, group.year_level) != (
                row.name,
                row.key,
                row.year_level,
            ):
                group = actions.update_group(
                    actor=actor,
                    group=group,
                    name=row.name,
                    school_year=year,
                    source_key=row.key,
                    year_level=row.year_level,
                )
                summary.groups.updated.append(row.name)
            else:
                summary.groups.unchanged += 1
        except ValidationError as error:
            raise _refuse(error, f"group {row.key!r}", row.line) from None
        result[row.key] = group
    return result


def _pupil_match_key(first: str, last: str, born: datetime.date) -> tuple:
    return (first.casefold().strip(), last.casefold().strip(), born)


def _sync_pupils(actor, school, school_file, groups, today, summary) -> None:
    pupils = list(Pupil.objects.filter(school=school))
    by_key = {p.source_key: p for p in pupils if p.source_key}
    by_person = {
        _pupil_match_key(p.first_name, p.last_name, p.date_of_birth): p
        for p in pupils
        if not p.source_key
    }
    seen: set[int] = set()
    already_left = 0
    for row in school_file.pupils:
        group = groups.get(row.group_key) if row.group_key else None
        leaving = row.left_on is not None and row.left_on <= today
        pupil = by_key.get(row.key) or by_person.pop(
            _pupil_match_key(row.first_name, row.last_name, row.date_of_birth), None
        )
        name = f"{row.first_name} {row.last_name}"
        try:
            if pupil is None:
                if leaving:
                    already_left += 1  # left before it was ever imported: nothing to keep
                    continue
                pupil = actions.create_pupil(
                    actor=actor,
                    school=school,
                    first_name=row.first_name,
                    last_name=row.last_name,
                    date_of_birth=row.date_of_birth,
                    group=group,
                    source_key=row.key,
                )
                summary.pupils.created.append(name)
                seen.add(pupil.pk)
                continue
            seen.add(pupil.pk)
            wanted = {
                "first_name": row.first_name,
                "last_name": row.last_name,
                "date_of_birth": row.date_of_birth,
                "source_key": row.key,
            }
            if not leaving:
                wanted["group"] = group
            if leaving and pupil.status == PupilStatus.ACTIVE:
                wanted.update(status=PupilStatus.LEFT, left_on=row.left_on)
            elif not leaving and pupil.status == PupilStatus.LEFT:
                wanted.update(status=PupilStatus.ACTIVE, left_on=None)  # listed again
            changes = {k: v for k, v in wanted.items() if getattr(pupil, k) != v}
            if not changes:
                summary.pupils.unchanged += 1
                continue
            actions.update_pupil(actor=actor, pupil=pupil, **changes)
            if changes.get("status") == PupilStatus.LEFT:
                summary.pupils.left.append(name)
            else:
                summary.pupils.updated.append(name)
        except ValidationError as error:
            raise _refuse(error, f"pupil {row.key!r}", row.line) from None
    if already_left:
        summary.warnings.append(
            f"{already_left} pupil(s) in the file had already left and were not added"
        )
    if school_file.full:
        # A full export lists every pupil at the school: whoever is missing has left.
        for pupil in pupils:
            if pupil.pk in seen or pupil.status != PupilStatus.ACTIVE:
                continue
            actions.update_pupil(actor=actor, pupil=pupil, status=PupilStatus.LEFT, left_on=today)
            summary.pupils.left.append(pupil.full_name)


_USERNAME_OK = re.compile(r"^[\w.@+-]{3,150}\Z")


def _free_username(row) -> str:
    candidates = [row.username, row.email.split("@")[0] if row.email else ""]
    base = ".".join(
        part
        for part in re.sub(r"[^\w.-]+", ".", f"{row.first_name}.{row.last_name}").split(".")
        if part
    ).lower()
    candidates.append(base or "staff")
    for candidate in candidates:
        usable = candidate and _USERNAME_OK.match(candidate)
        if usable and not User.objects.filter(username__iexact=candidate).exists():
            return candidate
    stem = (candidates[-1] or "staff")[:140]
    number = 2
    while User.objects.filter(username__iexact=f"{stem}{number}").exists():
        number += 1
    return f"{stem}{number}"


def propose_role(
    *, actor: Any, membership: Membership, role: str, source_codes: str
) -> RoleProposal | None:
    """Propose a role for the school administrator to decide; None when the staff member has
    it already or it was proposed before (open, confirmed or declined: not asked again).
    Side effects: the proposal, audit `role.propose`."""
    _require_admin(actor, membership.school_id)
    if membership.role == role or role not in (Role.CARE_COORDINATOR, Role.SCHOOL_ADMIN):
        return None
    with transaction.atomic():
        if RoleProposal.objects.filter(membership=membership, role=role).exists():
            return None
        proposal = RoleProposal.objects.create(
            school_id=membership.school_id,
            membership=membership,
            role=role,
            source_codes=source_codes[:100],
        )
        record(
            action="role.propose",
            actor=actor,
            school_id=membership.school_id,
            object_type="role_proposal",
            object_id=proposal.pk,
            details={"username": membership.user.get_username(), "role": role},
        )
    return proposal


def _propose(actor, membership, row, summary) -> None:
    for role in row.proposed_roles:
        codes = ", ".join(row.role_codes)
        if propose_role(actor=actor, membership=membership, role=role, source_codes=codes):
            summary.staff.proposed.append(f"{membership.user.get_full_name()}: {role}")


def _sync_staff(actor, school, school_file, groups, year, summary) -> list:
    memberships = list(
        Membership.objects.filter(school=school).select_related("user").prefetch_related("groups")
    )
    by_key = {m.source_key: m for m in memberships if m.source_key}
    by_email = {
        m.user.email.casefold(): m for m in memberships if not m.source_key and m.user.email
    }
    issued = []
    for row in school_file.staff:
        file_groups = [groups[k] for k in row.group_keys]
        membership = by_key.get(row.key)
        if membership is None and row.email:
            membership = by_email.pop(row.email.casefold(), None)
        name = f"{row.first_name} {row.last_name}"
        try:
            if membership is None:
                membership = actions.create_staff_member(
                    actor=actor,
                    school=school,
                    username=_free_username(row),
                    first_name=row.first_name,
                    last_name=row.last_name,
                    email=row.email,
                    role=Role.TEACHER,
                    groups=file_groups,
                    source_key=row.key,
                )
                if school.password_login:
                    issued.append(invitations.invite_imported(actor=actor, membership=membership))
                # else no link to choose a password the log-in would refuse: the school's log-in
                # service (single sign-on) finds the account by its address, username or key.
                summary.staff.created.append(name)
            else:
                user = membership.user
                current = list(membership.groups.all())
                if membership.role == Role.TEACHER:
                    # The file speaks for its own school year; other years' groups stay.
                    new_groups = [g for g in current if g.school_year != year] + file_groups
                else:
                    new_groups = current  # care coordinators and administrators have none
                before = (user.first_name, user.last_name, user.email, membership.source_key)
                after = (row.first_name, row.last_name, row.email or user.email, row.key)
                same_groups = {g.pk for g in current} == {g.pk for g in new_groups}
                if before == after and same_groups:
                    summary.staff.unchanged += 1
                else:
                    actions.update_staff_member(
                        actor=actor,
                        membership=membership,
                        first_name=after[0],
                        last_name=after[1],
                        email=after[2],
                        role=membership.role,
                        groups=new_groups,
                        is_active=user.is_active,
                        source_key=row.key,
                    )
                    summary.staff.updated.append(name)
        except ValidationError as error:
            raise _refuse(error, f"staff member {row.key!r}", row.line) from None
        _propose(actor, membership, row, summary)
    return issued


def run_import(
    *,
    actor: Any,
    school_file: SchoolFile,
    school: School | None = None,
    create_school: bool = False,
    dry_run: bool = False,
    today: datetime.date | None = None,
    base_url: str | None = None,
) -> Summary:
    """Sync `school_file` into `school` (or the school its codes name; `create_school`: make
    it when there is none, operator only). One transaction; FileProblem (nothing changed) when
    the file does not fit the school or its data is refused.

    Side effects (none in a dry run): the groups, pupils and staff changes through `actions`
    with their audit entries, role proposals (`role.propose`), invitations for new staff
    (mailed after the commit), and `import.apply` with the counts.
    """
    today = today or timezone.localdate()
    if school_file.full and not school_file.pupils:
        # Every pupil of the school would be marked as left: a truncated or wrong export.
        raise FileProblem("the file lists no pupils; nothing is imported from an empty export")
    if school is None:
        school = school_for_file(school_file)
        if school is None and not create_school:
            raise FileProblem(
                f"no school with code {school_file.school.code!r}: name it with --school CODE, "
                "or create it with --create-school"
            )
    if create_school and actor is not None:
        raise PermissionDenied  # schools are created by the operator
    if school is not None:
        _require_admin(actor, school.pk)
        _check_file_fits(school, school_file)
    year = school_file.school.school_year or current_school_year()
    pending: list = []
    summary = None
    with transaction.atomic():
        if school is None:
            school = _create_school(school_file)
        summary = Summary(school=school.name, school_code=school.code, dry_run=dry_run)
        summary.warnings.extend(school_file.warnings)
        groups = _sync_groups(actor, school, school_file, year, summary)
        _sync_pupils(actor, school, school_file, groups, today, summary)
        if school_file.has_staff:
            pending = _sync_staff(actor, school, school_file, groups, year, summary)
        record(
            action="import.apply",
            actor=actor,
            school_id=school.pk,
            object_type="school",
            object_id=school.pk,
            details={"kind": school_file.kind, **summary.as_dict()},
        )
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run:
        summary.invitations = [invitations.deliver(inv, token, base_url) for inv, token in pending]
    return summary


# --- role proposals ----------------------------------------------------------------------------


def open_proposals(school: School):
    return (
        RoleProposal.objects.filter(school=school, state=ProposalState.OPEN)
        .select_related("membership__user")
        .order_by("proposed_at", "pk")
    )


def decide_proposal(*, actor: Any, proposal: RoleProposal, confirm: bool) -> RoleProposal:
    """The school administrator confirms (the staff member gets the role; a care coordinator
    or administrator teaches no group, so their groups are let go) or declines a proposal.

    Side effects: on confirmation `actions.update_staff_member` (audit `staff.change`, and the
    role notice for a new care coordinator); audit `role.confirm` or `role.decline`.
    """
    _require_admin(actor, proposal.school_id)
    if proposal.state != ProposalState.OPEN:
        raise ValidationError(_("This proposal has already been decided."))
    with transaction.atomic():
        membership = proposal.membership
        if confirm:
            user = membership.user
            actions.update_staff_member(
                actor=actor,
                membership=membership,
                first_name=user.first_name,
                last_name=user.last_name,
                email=user.email,
                role=proposal.role,
                groups=[],
                is_active=user.is_active,
            )
        proposal.state = ProposalState.CONFIRMED if confirm else ProposalState.DECLINED
        proposal.decided_at = timezone.now()
        proposal.decided_by = actor
        proposal.save()
        record(
            action="role.confirm" if confirm else "role.decline",
            actor=actor,
            school_id=proposal.school_id,
            object_type="role_proposal",
            object_id=proposal.pk,
            details={"username": membership.user.get_username(), "role": proposal.role},
        )
    return proposal
