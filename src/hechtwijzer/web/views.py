"""Pages of the web app: home (log-in page for anonymous visitors), a teacher's group and the
pupil page: each puts together what several apps hold."""

import datetime

from django.db.models import Prefetch
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe

from hechtwijzer.access import (
    POLICY,
    Perm,
    Scope,
    former_window_end,
    former_window_open,
    groups_for,
    memberships,
    pupils_for,
)
from hechtwijzer.accounts.views import login_view as two_step_login_view
from hechtwijzer.administration import notices
from hechtwijzer.administration.models import ProposalState, RoleProposal
from hechtwijzer.audit.kept import kept
from hechtwijzer.audit.models import record
from hechtwijzer.door import Policy, policy, pupil_view, reread
from hechtwijzer.handover import queries as handover_queries
from hechtwijzer.observations.overview import DEFAULT_WEEKS, signal_overview
from hechtwijzer.plans.actions import overdue_cards
from hechtwijzer.schools.models import Group, Role, current_school_year, school_year_label
from hechtwijzer.worklists import work_lists

from .pupil_page import pupil_context

# Password, then a code where two-step log-in applies (hechtwijzer.accounts); PUBLIC policy.
login_view = two_step_login_view


@policy(Policy.PUBLIC)  # the log-in page for anonymous visitors; pupils only through pupils_for
def home(request):
    """The log-in page for anonymous visitors; otherwise, per school, the user's work lists
    (what needs them, hechtwijzer.worklists) and under them their groups and pupils."""
    if not request.user.is_authenticated:
        return login_view(request)
    if request.method not in ("GET", "HEAD"):
        # A log-in form re-posted by someone already logged in (a second tab, the back
        # button): they are in, so show them their start page.
        return redirect("home")

    year = current_school_year()
    today = timezone.localdate()
    sections = []
    # Who else was given the care-coordinator role, for the coordinators (until marked seen).
    role_notices = notices.unseen(request.user)
    for membership in memberships(request.user):
        # Teachers and care coordinators see the care record; school administrators see the
        # administrative record, which they manage in the admin.
        perm = (
            Perm.VIEW_PUPIL
            if membership.role in POLICY[Perm.VIEW_PUPIL]
            else (Perm.ADMINISTER_PUPIL)
        )
        pupils = pupils_for(request.user, perm).filter(school_id=membership.school_id)
        ordered = pupils.order_by("sort_name", "first_name")
        groups = list(
            groups_for(request.user, perm)
            .filter(school_id=membership.school_id, school_year=year)
            .order_by("name")
            .prefetch_related(Prefetch("pupils", queryset=ordered, to_attr="listed_pupils"))
        )
        whole_school = Scope.SCHOOL in POLICY[perm][membership.role]
        # What needs the user at this school (hechtwijzer.worklists; the sources are in
        # web/worklist_sources.py). The engine's "map the signals" and "keep an eye on" lists are
        # on the school overview only (cached there per version of the school's records): see
        # worklist_sources' docstring for why.
        lists = work_lists(request.user, membership, today)
        # A teacher reading on after the new school year started (access.Scope.FORMER_GROUPS):
        # last year's pupils, read only, while the school's weeks run (no query otherwise).
        former, former_until = [], None
        if Scope.FORMER_GROUPS in POLICY[perm].get(membership.role, ()) and former_window_open(
            membership.school
        ):
            last_year = [g.pk for g in membership.groups.all() if g.school_year == year - 1]
            former = list(ordered.filter(previous_group_id__in=last_year, group__school_year=year))
            former_until = former_window_end(membership.school) - datetime.timedelta(days=1)
        # Next year's teacher before that year starts (access.Scope.NEXT_GROUPS): the warm
        # handovers of the pupils placed in their group, to read before the summer (one query,
        # and none for a teacher without a group of next year).
        upcoming = []
        next_groups = [g.pk for g in membership.groups.all() if g.school_year == year + 1]
        if next_groups and Scope.NEXT_GROUPS in POLICY[Perm.READ_HANDOVER].get(membership.role, ()):
            upcoming = handover_queries.for_next_year(
                request.user,
                pupils_for(request.user, Perm.READ_HANDOVER).filter(
                    school_id=membership.school_id, group_id__in=next_groups
                ),
                year,
            )
        sections.append(
            {
                "membership": membership,
                "groups": groups,
                "former": former,
                "former_until": former_until,
                "upcoming": upcoming,
                # Pupils not (yet) placed in a group of this school year.
                "unplaced": list(ordered.exclude(group__school_year=year)) if whole_school else [],
                "links_to_pupil_page": perm is Perm.VIEW_PUPIL,
                "is_admin": membership.role == Role.SCHOOL_ADMIN,
                "school_overview": membership.role in POLICY[Perm.SCHOOL_OVERVIEW],
                "work_lists": lists,
                # Receiving a transfer report from a pupil's previous school (transfer).
                "transfer_import": membership.role in POLICY[Perm.TRANSFER],
                "role_notices": [n for n in role_notices if n.school_id == membership.school_id],
                # Roles an import proposed, for the administrator to decide.
                "role_proposals": (
                    RoleProposal.objects.filter(
                        school_id=membership.school_id, state=ProposalState.OPEN
                    ).count()
                    if membership.role == Role.SCHOOL_ADMIN
                    else 0
                ),
            }
        )
        record(
            action="pupil.list",
            request=request,
            school_id=membership.school_id,
            object_type="school",
            object_id=membership.school_id,
            # Which work lists were shown, and how long (what the page read of the records).
            details={"work_lists": {wl.source.code: wl.total for wl in lists}} if lists else None,
        )
    context = {"sections": sections, "school_year": school_year_label(year)}
    return render(request, "web/home.html", context)


@require_safe
@pupil_view(Perm.VIEW_PUPIL, action="pupil.view")
def pupil_detail(request, door_pupil):
    """The pupil's record as this user may see it (web/pupil_page.py). Its content is kept per
    version of the school's records (audit.kept): a teacher who comes back to the page between
    two changes gets it without the profile, the charts and the timeline computed again."""

    def content() -> str:
        # Read again after the version (audit.kept): a change between the door's lookup and
        # the version would otherwise be kept under the newer version. One query, when computed.
        pupil = reread(door_pupil)
        teachers = []
        if pupil.group_id:
            teachers = [
                m.user
                for m in pupil.group.memberships.filter(
                    role=Role.TEACHER, user__is_active=True
                ).select_related("user")
            ]
        context = {
            "pupil": pupil,
            "age": pupil.age_on(timezone.localdate()),
            "teachers": teachers,
            **pupil_context(request, pupil),
        }
        return render_to_string("web/_pupil_detail_body.html", context, request)

    body = kept(request, "pupil", door_pupil.school_id, content)
    return render(request, "web/pupil_detail.html", {"pupil": door_pupil, "body": body})


def bad_request(request, exception=None):
    """The 400 page (`handler400`): a request Django refuses as malformed or suspicious (a Host
    header outside ALLOWED_HOSTS, a form body that is not UTF-8, a malformed multipart body).
    Some of these stop the request before the session and the user are attached, where
    Django's own handler would render the layout (which asks for the user) and fail with a
    500; so the page is rendered without the request."""
    return HttpResponseBadRequest(loader.render_to_string("400.html"))


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


@require_safe
@policy(Policy.GROUP, Perm.OBSERVE)
def group_page(request, group_id):
    """A teacher's group: pick a pupil to log for, and the group's signals of recent weeks."""
    group = get_object_or_404(groups_for(request.user, Perm.OBSERVE), pk=group_id)
    pupils = (
        pupils_for(request.user, Perm.OBSERVE)
        .filter(group=group)
        .order_by("sort_name", "first_name")
    )
    record(
        action="pupil.list",
        request=request,
        school_id=group.school_id,
        object_type="group",
        object_id=group.pk,
    )

    def content() -> str:
        # The group read again after the version (audit.kept); one query, when computed.
        current = Group.objects.get(pk=group.pk)
        weeks = DEFAULT_WEEKS
        overview = signal_overview(pupils, as_of=timezone.localdate(), weeks=weeks)
        context = {
            "group": current,
            "overview": overview,
            "weeks": weeks,
            "overdue": list(overdue_cards(pupils, timezone.localdate())),
        }
        return render_to_string("web/_group_body.html", context, request)

    # Kept per version of the school's records (audit.kept): the heat map is the page's cost.
    body = kept(request, "group", group.school_id, content, forms=False)
    return render(request, "web/group.html", {"group": group, "body": body})
