"""The access policy: who may see and change which pupils and school objects.

This is the one place that decides, and it only decides: it reads memberships and grants, never
writes, and imports nothing above the school models. Every view, export and command that
touches pupil data asks it, through `pupils_for()` (the pupils a user may reach), `allows()`
(the check on one pupil) or `staff_for()` (the reverse: the staff who may reach one pupil).
Views ask through `hechtwijzer.door`, which adds the 404 and the audit entry.

The rules are one table, `POLICY`: for each permission, the scope each role has. Both the list
query and the object check are derived from that table, so they cannot drift apart. A user's
scope is the union over their memberships, and every scope stays inside one school: nothing
crosses a school boundary. Django's superuser flag grants no access to pupils.

School years: a teacher's groups count from their school year on (`current_school_year()`, which
turns on 1 August). A pupil moved to next year's group (the new school year step, or next
year's import) stays with the teachers of the group they came from (`Pupil.previous_group`)
until that year starts; then the new group's teachers have the pupil, and the previous ones may
read on, never change, for the weeks the school chose after its first school day
(`Scope.FORMER_GROUPS`, for reading permissions only). Before that year starts, next year's
teacher reads the pupil's warm handover and nothing else (`Scope.NEXT_GROUPS`,
`Perm.READ_HANDOVER`): the handover is written before the summer to be read then.
"""

from __future__ import annotations

import datetime
import enum
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from hechtwijzer.holidays import first_school_day
from hechtwijzer.schools.models import (
    Group,
    Membership,
    Pupil,
    PupilAccessGrant,
    PupilStatus,
    Role,
    School,
    school_year_of,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser


class Scope(enum.Enum):
    OWN_GROUPS = "own_groups"  # active pupils of the groups the member teaches
    GRANTED = "granted"  # active pupils the care coordinator gave this member access to
    SCHOOL = "school"  # every pupil of the member's school, including those who left
    # Read only: active pupils who moved from the member's group of last school year into this
    # year's group, for the weeks the school set after its first school day (default none).
    FORMER_GROUPS = "former_groups"
    # Read only: active pupils moved into the member's group of next school year, before that
    # year starts. Only the warm handover lists it (Perm.READ_HANDOVER).
    NEXT_GROUPS = "next_groups"


class Perm(enum.StrEnum):
    # The pupil's care record: pupil page, timeline, profile, focus card.
    VIEW_PUPIL = "pupil.view"
    OBSERVE = "pupil.observe"  # log an observation
    # Correct or withdraw anyone's observation of the pupil, at any time (a signal logged for
    # the wrong child two weeks ago); authors correct their own for two school weeks.
    CORRECT_ANY_OBSERVATION = "pupil.correct_any_observation"
    RECORD_REPORTS = "pupil.record_reports"  # record what parents or the pupil report
    VIEW_FACTORS = "pupil.view_factors"  # risk and protective factors
    CHANGE_FACTORS = "pupil.change_factors"
    GRANT_ACCESS = "pupil.grant_access"  # give other staff access to one pupil
    VIEW_SAFEGUARDING = "pupil.view_safeguarding"  # the safeguarding route and its reasons
    # Pass a direct safety concern (a disclosure, an injury, …) on to the care coordinator:
    # whoever may log observations for the pupil; the record itself stays the coordinator's.
    RAISE_CONCERN = "pupil.raise_concern"
    SCHOOL_OVERVIEW = "school.overview"  # all pupils x signals of the school
    KEEP_FOCUS_CARD = "pupil.keep_focus_card"  # tick, save and evaluate the focus card
    # Start, change and stop the behaviour card and change the day programme: the class's
    # agreements with the pupil (scoring the card stays with whoever may observe).
    KEEP_CLASS_TOOLS = "pupil.keep_class_tools"
    # Administrative data: name, date of birth, group, status.
    ADMINISTER_PUPIL = "pupil.administer"
    ADMINISTER_SCHOOL = "school.administer"  # groups and staff accounts
    # Privacy (hechtwijzer.privacy): the right of access and erasure, handled by the school.
    # The access export (JSON and printable page). Without a care coordinator's approval it
    # holds the pupil record only (privacy/export.py); the approval decides the rest.
    EXPORT_PUPIL = "pupil.export"
    APPROVE_EXPORT = "pupil.approve_export"  # decide what one access export includes
    ERASE_PUPIL = "pupil.erase"  # delete everything about a pupil now
    VIEW_AUDIT = "pupil.view_audit"  # who looked at or changed this pupil's record, and when
    # The care-team meeting (leerlingbespreking / MDO, hechtwijzer.meetings): plan meetings, put
    # the pupil on an agenda, write the minutes and decisions about the pupil.
    CARE_TEAM = "pupil.care_team"
    # Working with the parents (hechtwijzer.parents): record and read parent conversations,
    # record the parents' view and consent on a focus-card version, print the plan for parents.
    WORK_WITH_PARENTS = "pupil.parents"
    # Give someone without an account a time-limited read link to one document about the pupil
    # (hechtwijzer.readlinks), and see and revoke the pupil's links. Each kind of document
    # names the permission its content needs on top (the parents' printout: WORK_WITH_PARENTS).
    SHARE_DOCUMENTS = "pupil.share_documents"
    # Referrals to care partners (hechtwijzer.referrals): read the pupil's referrals, draft
    # one (partner, professional, question, chosen observations) and record the parents'
    # consent. The pupil's teachers and the care coordinator.
    DRAFT_REFERRAL = "pupil.draft_referral"
    # Send a referral (the read link for the named professional), revoke its link, record the
    # answer, close it; include the safeguarding record or send without the parents' consent
    # where the Meldcode or the Flemish route allows it, each with a written reason.
    REFER = "pupil.refer"
    # Transfer to another school (hechtwijzer.transfer): prepare the report for the receiving
    # school (choose what travels, record the parents' viewing), export it, and at the
    # receiving school import such a report and accept or decline the received plan.
    TRANSFER = "pupil.transfer"
    # The warm handover (hechtwijzer.handover): read it and mark it read. Everyone who sees the
    # pupil, and next year's teacher from the day the pupil is placed in their group (the new
    # school year step or next year's import), before that year starts; writing it is
    # KEEP_FOCUS_CARD. Marking it read records the reader's own reading, like the audit entry
    # of the visit, and changes nothing of the pupil's record.
    READ_HANDOVER = "pupil.read_handover"


_TEACHING = (Scope.OWN_GROUPS, Scope.GRANTED)
_SCHOOL = (Scope.SCHOOL,)
# The scopes that only ever read: a permission that changes anything never lists them (a test
# holds the table to it: only the reading permissions do).
READ_ONLY_SCOPES = frozenset({Scope.FORMER_GROUPS, Scope.NEXT_GROUPS})
READING_PERMISSIONS = frozenset({Perm.VIEW_PUPIL, Perm.READ_HANDOVER})

POLICY: dict[Perm, dict[Role, tuple[Scope, ...]]] = {
    # The previous teacher reads on for the weeks the school chose (FORMER_GROUPS).
    Perm.VIEW_PUPIL: {
        Role.TEACHER: (*_TEACHING, Scope.FORMER_GROUPS),
        Role.CARE_COORDINATOR: _SCHOOL,
    },
    Perm.OBSERVE: {Role.TEACHER: _TEACHING, Role.CARE_COORDINATOR: _SCHOOL},
    Perm.RECORD_REPORTS: {Role.CARE_COORDINATOR: _SCHOOL},
    Perm.CORRECT_ANY_OBSERVATION: {Role.CARE_COORDINATOR: _SCHOOL},
    Perm.VIEW_FACTORS: {Role.CARE_COORDINATOR: _SCHOOL},
    Perm.CHANGE_FACTORS: {Role.CARE_COORDINATOR: _SCHOOL},
    Perm.GRANT_ACCESS: {Role.CARE_COORDINATOR: _SCHOOL},
    Perm.VIEW_SAFEGUARDING: {Role.CARE_COORDINATOR: _SCHOOL},
    Perm.RAISE_CONCERN: {Role.TEACHER: _TEACHING, Role.CARE_COORDINATOR: _SCHOOL},
    Perm.SCHOOL_OVERVIEW: {Role.CARE_COORDINATOR: _SCHOOL},
    # The group's teachers and the care coordinator keep the card; staff given access to one
    # pupil (the gym teacher) log observations but do not change the class plan.
    Perm.KEEP_FOCUS_CARD: {Role.TEACHER: (Scope.OWN_GROUPS,), Role.CARE_COORDINATOR: _SCHOOL},
    # Likewise the behaviour card's goals and the day programme: the gym teacher scores what
    # they see but does not rewrite, stop or replace what the class agreed with the pupil.
    Perm.KEEP_CLASS_TOOLS: {Role.TEACHER: (Scope.OWN_GROUPS,), Role.CARE_COORDINATOR: _SCHOOL},
    Perm.ADMINISTER_PUPIL: {Role.SCHOOL_ADMIN: _SCHOOL},
    Perm.ADMINISTER_SCHOOL: {Role.SCHOOL_ADMIN: _SCHOOL},
    Perm.EXPORT_PUPIL: {Role.SCHOOL_ADMIN: _SCHOOL, Role.CARE_COORDINATOR: _SCHOOL},
    Perm.APPROVE_EXPORT: {Role.CARE_COORDINATOR: _SCHOOL},
    Perm.ERASE_PUPIL: {Role.SCHOOL_ADMIN: _SCHOOL},
    Perm.VIEW_AUDIT: {Role.CARE_COORDINATOR: _SCHOOL, Role.SCHOOL_ADMIN: _SCHOOL},
    # Attendees read a meeting's agenda for the pupils they may see (Perm.VIEW_PUPIL).
    Perm.CARE_TEAM: {Role.CARE_COORDINATOR: _SCHOOL},
    # The pupil's teachers and the care coordinator talk with the parents; staff given access
    # to one pupil (the gym teacher) do not read what the parents said.
    Perm.WORK_WITH_PARENTS: {Role.TEACHER: (Scope.OWN_GROUPS,), Role.CARE_COORDINATOR: _SCHOOL},
    Perm.SHARE_DOCUMENTS: {Role.TEACHER: (Scope.OWN_GROUPS,), Role.CARE_COORDINATOR: _SCHOOL},
    # The pupil's teachers draft a referral; what leaves the school is the care coordinator's
    # decision (the gym teacher given access to one pupil does neither).
    Perm.DRAFT_REFERRAL: {Role.TEACHER: (Scope.OWN_GROUPS,), Role.CARE_COORDINATOR: _SCHOOL},
    Perm.REFER: {Role.CARE_COORDINATOR: _SCHOOL},
    Perm.TRANSFER: {Role.CARE_COORDINATOR: _SCHOOL},
    # Next year's teacher reads it before the summer (NEXT_GROUPS); the previous teacher, who
    # wrote it, while reading on (FORMER_GROUPS).
    Perm.READ_HANDOVER: {
        Role.TEACHER: (*_TEACHING, Scope.FORMER_GROUPS, Scope.NEXT_GROUPS),
        Role.CARE_COORDINATOR: _SCHOOL,
    },
}


def memberships(user: AnyUser) -> list[Membership]:
    """The user's memberships with their groups, loaded once per user object (per request)."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_hechtwijzer_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user)
            .select_related("school")
            .prefetch_related("groups")
            .order_by("school__name")
        )
        user._hechtwijzer_memberships = cached
    return cached


def granted_pupil_ids(user: AnyUser) -> set[int]:
    """Ids of pupils the user was given access to, loaded once per user object."""
    if not user.is_authenticated or not user.is_active:
        return set()
    cached = getattr(user, "_hechtwijzer_grants", None)
    if cached is None:
        cached = set(PupilAccessGrant.objects.filter(user=user).values_list("pupil_id", flat=True))
        user._hechtwijzer_grants = cached
    return cached


def preload(users) -> None:
    """Load the memberships (with groups) and grants of many users at once, three queries, so
    that `allows()` and `pupils_for()` ask nothing more for any of them: for a command that
    checks many users (the daily reminders). Fills the same per-object caches as a request."""
    users = [user for user in users if user.is_authenticated and user.is_active]
    ids = {user.pk for user in users}
    found: dict[int, list[Membership]] = {pk: [] for pk in ids}
    for membership in (
        Membership.objects.filter(user_id__in=ids)
        .select_related("school")
        .prefetch_related("groups")
        .order_by("school__name")
    ):
        found[membership.user_id].append(membership)
    grants: dict[int, set[int]] = {pk: set() for pk in ids}
    for user_id, pupil_id in PupilAccessGrant.objects.filter(user_id__in=ids).values_list(
        "user_id", "pupil_id"
    ):
        grants[user_id].add(pupil_id)
    for user in users:
        user._hechtwijzer_memberships = found[user.pk]
        user._hechtwijzer_grants = grants[user.pk]


def membership_at(user: AnyUser, school_id: int) -> Membership | None:
    for membership in memberships(user):
        if membership.school_id == school_id:
            return membership
    return None


def role_at(user: AnyUser, school_id: int | None) -> str:
    membership = membership_at(user, school_id) if school_id else None
    return membership.role if membership else ""


def _today() -> datetime.date:
    return timezone.localdate()


def former_window_end(school: School, today: datetime.date | None = None) -> datetime.date:
    """The first day the previous teachers of this school year's pupils no longer read them:
    the school's read-on weeks after its first school day."""
    today = today or _today()
    start = first_school_day(school.country, school.holiday_region, school_year_of(today))
    return start + datetime.timedelta(weeks=school.former_teacher_weeks)


def former_window_open(school: School, today: datetime.date | None = None) -> bool:
    """Whether the previous teachers of this school's pupils may still read their records: from
    the start of the school year until the weeks the school set after its first school day."""
    if not school.former_teacher_weeks:
        return False
    today = today or _today()
    return today < former_window_end(school, today)


def _group_years(membership: Membership) -> dict[int, int]:
    """The member's groups (prefetched): id -> school year."""
    return {group.pk: group.school_year for group in membership.groups.all()}


def _pupil_group_year(pupil: Pupil, known: dict[int, int]) -> int | None:
    if pupil.group_id is None:
        return None
    if pupil.group_id in known:
        return known[pupil.group_id]
    return pupil.group.school_year  # loaded with the pupil by the door; else one query


def _scopes(user: AnyUser, perm: Perm) -> list[tuple[Membership, Scope]]:
    table = POLICY[perm]
    return [(m, scope) for m in memberships(user) for scope in table.get(m.role, ())]


# --- pupils ------------------------------------------------------------------------------------


def pupils_for(user: AnyUser, perm: Perm = Perm.VIEW_PUPIL) -> QuerySet[Pupil]:
    """Every pupil the user may reach with `perm`, as a query (empty when none)."""
    condition = Q()
    today = _today()
    year = school_year_of(today)
    for membership, scope in _scopes(user, perm):
        if scope is Scope.SCHOOL:
            condition |= Q(school_id=membership.school_id)
        elif scope is Scope.OWN_GROUPS:
            years = _group_years(membership)
            now_ids = [pk for pk, group_year in years.items() if group_year <= year]
            condition |= Q(school_id=membership.school_id, status=PupilStatus.ACTIVE) & (
                Q(group_id__in=now_ids)
                # Moved to next year's group, which has not started yet.
                | Q(group__school_year__gt=year, previous_group_id__in=now_ids)
            )
        elif scope is Scope.FORMER_GROUPS:
            if not former_window_open(membership.school, today):
                continue
            years = _group_years(membership)
            last_ids = [pk for pk, group_year in years.items() if group_year == year - 1]
            condition |= Q(
                school_id=membership.school_id,
                status=PupilStatus.ACTIVE,
                group__school_year=year,
                previous_group_id__in=last_ids,
            )
        elif scope is Scope.NEXT_GROUPS:
            years = _group_years(membership)
            next_ids = [pk for pk, group_year in years.items() if group_year == year + 1]
            if next_ids:
                condition |= Q(
                    school_id=membership.school_id,
                    status=PupilStatus.ACTIVE,
                    group_id__in=next_ids,
                )
        else:
            # A subquery, not a list fetched first: one query fewer on every page a teacher
            # opens, and an empty grant table simply matches nothing.
            condition |= Q(
                school_id=membership.school_id,
                pk__in=PupilAccessGrant.objects.filter(user=user).values("pupil_id"),
                status=PupilStatus.ACTIVE,
            )
    if not condition:
        return Pupil.objects.none()
    return Pupil.objects.filter(condition)


def allows(user: AnyUser, perm: Perm, pupil: Pupil) -> bool:
    """Whether `user` may reach this one pupil with `perm`: the object form of `pupils_for`."""
    today = None
    for membership, scope in _scopes(user, perm):
        if membership.school_id != pupil.school_id:
            continue
        if scope is Scope.SCHOOL:
            return True
        if pupil.status != PupilStatus.ACTIVE:
            continue
        if scope is Scope.GRANTED:
            if pupil.pk in granted_pupil_ids(user):
                return True
            continue
        years = _group_years(membership)
        if pupil.group_id not in years and pupil.previous_group_id not in years:
            continue  # neither this group nor the last: no query for the pupil's group
        today = today or _today()
        year = school_year_of(today)
        group_year = _pupil_group_year(pupil, years)
        previous_year = years.get(pupil.previous_group_id)
        if scope is Scope.OWN_GROUPS:
            if pupil.group_id in years and years[pupil.group_id] <= year:
                return True
            if (
                group_year is not None
                and group_year > year
                and previous_year is not None
                and previous_year <= year
            ):
                return True
        elif scope is Scope.NEXT_GROUPS:
            # Placed in the member's group of next school year, which has not started yet.
            if years.get(pupil.group_id) == year + 1:
                return True
        elif scope is Scope.FORMER_GROUPS and (
            group_year == year
            and previous_year == year - 1
            and former_window_open(membership.school, today)
        ):
            return True
    return False


def staff_for(pupil: Pupil, perm: Perm = Perm.VIEW_PUPIL) -> QuerySet:
    """The active staff who may reach `pupil` with `perm`, as one query: the reverse of
    `allows()`, derived from the same table (a test holds the two against each other)."""
    roles: dict[Scope, list[str]] = {scope: [] for scope in Scope}
    for role, scopes in POLICY[perm].items():
        for scope in scopes:
            roles[scope].append(role)
    condition = Q(role__in=roles[Scope.SCHOOL])
    if pupil.status == PupilStatus.ACTIVE:
        if pupil.group_id is not None:
            year = school_year_of(_today())
            group_year = pupil.group.school_year
            if group_year <= year:
                condition |= Q(role__in=roles[Scope.OWN_GROUPS], groups=pupil.group_id)
            elif pupil.previous_group_id is not None:
                condition |= Q(
                    role__in=roles[Scope.OWN_GROUPS],
                    groups=pupil.previous_group_id,
                    groups__school_year__lte=year,
                )
            if group_year == year + 1:
                condition |= Q(role__in=roles[Scope.NEXT_GROUPS], groups=pupil.group_id)
            if (
                group_year == year
                and pupil.previous_group_id is not None
                and former_window_open(pupil.school)
            ):
                condition |= Q(
                    role__in=roles[Scope.FORMER_GROUPS],
                    groups=pupil.previous_group_id,
                    groups__school_year=year - 1,
                )
        granted = PupilAccessGrant.objects.filter(pupil=pupil).values("user_id")
        condition |= Q(role__in=roles[Scope.GRANTED], user_id__in=granted)
    members = Membership.objects.filter(condition, school_id=pupil.school_id)
    return get_user_model().objects.filter(is_active=True, pk__in=members.values("user_id"))


def may_see_factor_presence(user: AnyUser, pupil: Pupil) -> bool:
    """Whether the user may see *that* factors are recorded (not which): the care coordinator
    always, a teacher of the pupil only where the school allows it."""
    if allows(user, Perm.VIEW_FACTORS, pupil):
        return True
    return pupil.school.teachers_see_factor_presence and allows(user, Perm.VIEW_PUPIL, pupil)


# --- groups and schools ------------------------------------------------------------------------


def groups_for(user: AnyUser, perm: Perm = Perm.VIEW_PUPIL) -> QuerySet[Group]:
    """The groups whose pupils the user may reach with `perm`."""
    condition = Q()
    for membership, scope in _scopes(user, perm):
        if scope is Scope.SCHOOL:
            condition |= Q(school_id=membership.school_id)
        elif scope is Scope.OWN_GROUPS:
            year = school_year_of(_today())
            condition |= Q(
                school_id=membership.school_id,  # a group of another school is never reached
                # Next year's groups count from the day that year starts.
                pk__in=[
                    pk for pk, group_year in _group_years(membership).items() if group_year <= year
                ],
            )
        elif scope is Scope.NEXT_GROUPS:
            year = school_year_of(_today())
            condition |= Q(
                school_id=membership.school_id,
                pk__in=[
                    pk
                    for pk, group_year in _group_years(membership).items()
                    if group_year == year + 1
                ],
            )
    if not condition:
        return Group.objects.none()
    return Group.objects.filter(condition)


def administered_schools(user: AnyUser) -> QuerySet[School]:
    """Schools whose groups, staff and pupil records the user administers."""
    ids = [m.school_id for m, _scope in _scopes(user, Perm.ADMINISTER_SCHOOL)]
    return School.objects.filter(pk__in=ids)


def may_at_school(user: AnyUser, perm: Perm, school_id: int | None) -> bool:
    """Whether the user's role at this school has `perm` there with the school's scope."""
    return any(
        m.school_id == school_id and scope is Scope.SCHOOL for m, scope in _scopes(user, perm)
    )


def may_administer(user: AnyUser, school_id: int | None) -> bool:
    return any(m.school_id == school_id for m, _scope in _scopes(user, Perm.ADMINISTER_SCHOOL))
