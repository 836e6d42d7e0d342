"""Domain functions that change schools, groups, pupils and staff.

Each one takes the acting user as `actor` (None for an operator's command-line run), checks the
access policy, validates, changes the data and writes the audit entry in one transaction. Views,
the admin and commands call these; they do not save the models themselves.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hechtwijzer.access import Perm, allows, may_administer
from hechtwijzer.audit.models import record
from hechtwijzer.schools.models import Group, Membership, Pupil, PupilAccessGrant, Role, School

from . import notices

User = get_user_model()


def _require_admin(actor: Any, school_id: int) -> None:
    # actor None is an operator on the command line, who has the database anyway.
    if actor is not None and not may_administer(actor, school_id):
        raise PermissionDenied


# --- schools ----------------------------------------------------------------------------------

SCHOOL_SETTINGS = (
    "require_two_factor",
    "teachers_see_factor_presence",
    "holiday_region",
    "former_teacher_weeks",
    "password_login",
)
# The operator's: the school's name, country and its codes in the administration systems.
SCHOOL_IDENTITY = ("name", "country", "brin", "dependance", "institution_number")


def update_school(*, actor: Any, school: School, **changes: Any) -> School:
    """Change a school's privacy switches (its administrator) or also its name and country (the
    operator, a superuser). Audit entry `school.change` naming the changed fields."""
    operator = actor is None or actor.is_superuser
    allowed = SCHOOL_SETTINGS + (SCHOOL_IDENTITY if operator else ())
    if not operator:
        _require_admin(actor, school.pk)
    refused = set(changes) - set(allowed)
    if refused:
        raise PermissionDenied
    with transaction.atomic():
        changed = [name for name, value in changes.items() if getattr(school, name) != value]
        for name, value in changes.items():
            setattr(school, name, value)
        school.full_clean()
        school.save()
        record(
            action="school.change",
            actor=actor,
            school_id=school.pk,
            object_type="school",
            object_id=school.pk,
            details={"fields": changed},
        )
    return school


# --- groups ------------------------------------------------------------------------------------


def create_group(
    *,
    actor: Any,
    school: School,
    name: str,
    school_year: int,
    source_key: str = "",
    year_level: str = "",
) -> Group:
    """Create a group (class) for a school year (`source_key` and `year_level` from an
    import). Side effects: audit entry `group.create`."""
    _require_admin(actor, school.pk)
    with transaction.atomic():
        group = Group(
            school=school,
            name=name,
            school_year=school_year,
            source_key=source_key,
            year_level=year_level,
        )
        group.full_clean()
        group.save()
        record(
            action="group.create",
            actor=actor,
            school_id=school.pk,
            object_type="group",
            object_id=group.pk,
        )
    return group


def update_group(
    *,
    actor: Any,
    group: Group,
    name: str,
    school_year: int,
    source_key: str | None = None,
    year_level: str | None = None,
) -> Group:
    """Rename a group or move it to another school year; an import also sets its key and year
    level (None: unchanged). Audit entry `group.change`."""
    _require_admin(actor, group.school_id)
    with transaction.atomic():
        new = {"name": name, "school_year": school_year}
        if source_key is not None:
            new["source_key"] = source_key
        if year_level is not None:
            new["year_level"] = year_level
        changed = [f for f, v in new.items() if getattr(group, f) != v]
        for f, v in new.items():
            setattr(group, f, v)
        group.full_clean()
        group.save()
        record(
            action="group.change",
            actor=actor,
            school_id=group.school_id,
            object_type="group",
            object_id=group.pk,
            details={"fields": changed},
        )
    return group


def delete_group(*, actor: Any, group: Group) -> None:
    """Delete a group that has no pupils (a mistake, typically). Audit entry `group.delete`."""
    _require_admin(actor, group.school_id)
    with transaction.atomic():
        if group.pupils.exists():
            raise ValidationError(_("A group that still has pupils cannot be deleted."))
        record(
            action="group.delete",
            actor=actor,
            school_id=group.school_id,
            object_type="group",
            object_id=group.pk,
            details={"name": group.name, "school_year": group.school_year},
        )
        group.delete()


# --- pupils ------------------------------------------------------------------------------------

PUPIL_FIELDS = ("first_name", "last_name", "date_of_birth", "group", "status", "left_on")
# An import also records the administration system's key (never a national number).
IMPORT_PUPIL_FIELDS = (*PUPIL_FIELDS, "source_key")


def create_pupil(
    *,
    actor: Any,
    school: School,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    group: Group | None = None,
    source_key: str = "",
) -> Pupil:
    """Register a pupil at a school (`source_key`: the administration system's key, from an
    import). Audit entry `pupil.create`."""
    _require_admin(actor, school.pk)
    with transaction.atomic():
        pupil = Pupil(
            school=school,
            group=group,
            first_name=first_name,
            last_name=last_name,
            date_of_birth=date_of_birth,
            source_key=source_key,
        )
        pupil.full_clean()
        pupil.save()
        record(action="pupil.create", actor=actor, pupil=pupil)
    return pupil


def update_pupil(*, actor: Any, pupil: Pupil, **changes: Any) -> Pupil:
    """Change a pupil's administrative data. Audit entry `pupil.change` naming the fields.

    The audit entry names the changed fields, not their values: the values are personal data
    and already in the pupil record. A move to a group of a later school year (the new school
    year, next year's import) remembers the group the pupil came from (`previous_group`): its
    teachers keep the pupil until that year starts (hechtwijzer.access).
    """
    _require_admin(actor, pupil.school_id)
    unknown = set(changes) - set(IMPORT_PUPIL_FIELDS)
    if unknown:
        raise TypeError(f"update_pupil() got unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        changed = [name for name, value in changes.items() if getattr(pupil, name) != value]
        new_group = changes.get("group")
        if (
            "group" in changed
            and new_group is not None
            and pupil.group_id is not None
            and new_group.school_year > pupil.group.school_year
        ):
            pupil.previous_group = pupil.group
            changed.append("previous_group")
        for name, value in changes.items():
            setattr(pupil, name, value)
        pupil.full_clean()
        pupil.save()
        record(action="pupil.change", actor=actor, pupil=pupil, details={"fields": changed})
    return pupil


# --- staff -------------------------------------------------------------------------------------


def _check_teacher_groups(school: School, role: str, groups: Iterable[Group]) -> list[Group]:
    groups = list(groups)
    if any(group.school_id != school.pk for group in groups):
        raise ValidationError({"groups": _("A group of another school cannot be assigned.")})
    if groups and role != Role.TEACHER:
        raise ValidationError({"groups": _("Only teachers are assigned to groups.")})
    return groups


def create_staff_member(
    *,
    actor: Any,
    school: School,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    groups: Iterable[Group] = (),
    password: str | None = None,
    source_key: str = "",
) -> Membership:
    """Create a staff account with its role at the school.

    The account has no usable password: its owner chooses one through an invitation
    (`invitations.invite_new_staff_member`, which calls this). Only an operator (actor None:
    the test personas, the demo, a command) may set a password here; a school administrator
    never knows one (PermissionDenied). Side effects: audit entry `staff.create`; for a care
    coordinator, the role notice to the school's other care coordinators.
    """
    _require_admin(actor, school.pk)
    if password is not None and actor is not None:
        raise PermissionDenied
    groups = _check_teacher_groups(school, role, groups)
    with transaction.atomic():
        user = User(username=username, first_name=first_name, last_name=last_name, email=email)
        if password is None:
            user.set_unusable_password()
        else:
            validate_password(password, user)
            user.set_password(password)
        user.full_clean()
        user.save()
        membership = Membership(user=user, school=school, role=role, source_key=source_key)
        membership.full_clean()
        membership.save()
        membership.groups.set(groups)
        record(
            action="staff.create",
            actor=actor,
            school_id=school.pk,
            object_type="membership",
            object_id=membership.pk,
            details={"username": username, "role": role, "groups": [g.pk for g in groups]},
        )
        if role == Role.CARE_COORDINATOR:
            notices.role_granted(actor=actor, membership=membership)
    return membership


def update_staff_member(
    *,
    actor: Any,
    membership: Membership,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    groups: Iterable[Group],
    is_active: bool,
    source_key: str | None = None,
) -> Membership:
    """Change a staff member's name, role, groups or whether the account may log in (and, from
    an import, the administration system's key; None: unchanged).

    A school always keeps at least one active school administrator, so that nobody locks the
    school out of its own administration. Audit entry `staff.change`; when the account becomes
    an active care coordinator, the role notice (`notices.role_granted`).
    """
    _require_admin(actor, membership.school_id)
    groups = _check_teacher_groups(membership.school, role, groups)
    user = membership.user
    with transaction.atomic():
        stops_being_admin = membership.role == Role.SCHOOL_ADMIN and (
            role != Role.SCHOOL_ADMIN or not is_active
        )
        if stops_being_admin and not (
            Membership.objects.filter(
                school_id=membership.school_id, role=Role.SCHOOL_ADMIN, user__is_active=True
            )
            .exclude(pk=membership.pk)
            .exists()
        ):
            raise ValidationError(_("The school needs at least one active school administrator."))
        before = {
            "role": membership.role,
            "is_active": user.is_active,
            "groups": sorted(g.pk for g in membership.groups.all()),
        }
        user.first_name, user.last_name, user.email = first_name, last_name, email
        user.is_active = is_active
        user.full_clean()
        user.save()
        membership.role = role
        if source_key is not None:
            membership.source_key = source_key
        membership.full_clean()
        membership.save()
        membership.groups.set(groups)
        after = {"role": role, "is_active": is_active, "groups": sorted(g.pk for g in groups)}
        record(
            action="staff.change",
            actor=actor,
            school_id=membership.school_id,
            object_type="membership",
            object_id=membership.pk,
            details={
                k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]
            },
        )
        # Becoming an active care coordinator (a new role, or a coordinator's account switched
        # back on) opens every pupil's care record: the school's coordinators hear of it.
        was_coordinator = before["role"] == Role.CARE_COORDINATOR and before["is_active"]
        if role == Role.CARE_COORDINATOR and is_active and not was_coordinator:
            notices.role_granted(actor=actor, membership=membership)
    return membership


# --- access for other staff --------------------------------------------------------------------


def grant_pupil_access(*, actor: Any, pupil: Pupil, user: Any, capacity: str) -> PupilAccessGrant:
    """Give a staff member of the pupil's school access to this one pupil, so they can log what
    they see (the gym teacher, a remedial teacher). Care coordinator only.

    Side effects: the grant, audit entry `access.grant`.
    """
    if not allows(actor, Perm.GRANT_ACCESS, pupil):
        raise PermissionDenied
    capacity = (capacity or "").strip()
    errors = {}
    membership = Membership.objects.filter(user=user, school_id=pupil.school_id).first()
    if membership is None or not user.is_active:
        errors["user"] = [_("Choose an active staff member of this school.")]
    elif membership.role != Role.TEACHER:
        errors["user"] = [_("Care coordinators and administrators need no separate access.")]
    elif PupilAccessGrant.objects.filter(pupil=pupil, user=user).exists():
        errors["user"] = [_("This staff member already has access.")]
    if not capacity:
        errors["capacity"] = [_("Say in what capacity they work with the pupil.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        grant = PupilAccessGrant.objects.create(
            pupil=pupil, user=user, capacity=capacity[:100], granted_by=actor
        )
        record(
            action="access.grant",
            actor=actor,
            pupil=pupil,
            object_type="grant",
            object_id=grant.pk,
            details={"username": user.get_username()},
        )
    return grant


def revoke_pupil_access(*, actor: Any, grant: PupilAccessGrant) -> None:
    """End a staff member's access to one pupil. Side effects: audit entry `access.revoke`."""
    if not allows(actor, Perm.GRANT_ACCESS, grant.pupil):
        raise PermissionDenied
    with transaction.atomic():
        record(
            action="access.revoke",
            actor=actor,
            pupil=grant.pupil,
            object_type="grant",
            object_id=grant.pk,
            details={"username": grant.user.get_username()},
        )
        grant.delete()
