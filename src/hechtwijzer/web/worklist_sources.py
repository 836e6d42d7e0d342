"""The built-in work lists of the home page (the registry: hechtwijzer/worklists.py).

The teacher's lists are about their own work: the focus cards they keep (author or co-teacher)
of pupils they still teach, their own observations and the care-team decisions they own. The
care coordinator's lists are the school's: who waits for a decision about their safety, whom
the care team is to discuss, which evaluations are overdue and which decisions are open.

What "observations to look at again" means for a teacher (README, "Work lists"):
- an own observation holding a direct safety signal (the catalog's `consult_now_signals`: a
  disclosure, an injury, fear of going home, ...) within the profile's window that was not
  passed on to the care coordinator: the pupil page offers the same button;
- an own observation logged today: it can be corrected or withdrawn now (and for two school
  weeks), and today is when the day is still fresh. It leaves the list tomorrow.

Why the care coordinator's home page no longer shows the engine's "map the signals" and "keep an
eye on" lists: they profile every pupil with signals (the page's most expensive part), they are
not a task for today, and the school overview (one click away, linked under the safety list)
shows them, rendered once per version of the school's records (web/school_overview.py). The
home page keeps the cheap list that is a task for today: pupils awaiting a decision about their
safety (care.worklist.awaiting_decision, two queries in the usual case).

Each source costs a fixed number of queries (web/tests/test_home_worklists.py).
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from hechtwijzer import engine
from hechtwijzer.access import Perm, pupils_for
from hechtwijzer.care.models import SafeguardingConcern
from hechtwijzer.care.worklist import awaiting_decision
from hechtwijzer.catalog import get_catalog
from hechtwijzer.meetings.models import AgendaItem
from hechtwijzer.meetings.queries import open_decisions
from hechtwijzer.observations.models import Observation, ObservationSignal
from hechtwijzer.observations.profiles import window_start
from hechtwijzer.plans.models import CardEntry, Decision, Evaluation, FocusCard, OwnMeasure
from hechtwijzer.schools.models import PupilStatus, Role
from hechtwijzer.worklists import Item, register

# An evaluation is on the teacher's list from this many days before its date (the same window
# as the reminder mail, reminders.kinds.DUE_WITHIN_DAYS).
DUE_WITHIN_DAYS = 7

TEACHER = (Role.TEACHER,)
COORDINATOR = (Role.CARE_COORDINATOR,)


def _day(day: datetime.date) -> str:
    return date_format(day, "j F")


def _group(pupil) -> str:
    return pupil.group.name if pupil.group_id else ""


def _school_pupils(user, membership, perm: Perm):
    """The pupils at school (not left) the user may reach with `perm` at this school."""
    return pupils_for(user, perm).filter(school_id=membership.school_id, status=PupilStatus.ACTIVE)


def _own_cards(user, membership):
    """Open focus cards the user keeps (author or co-teacher) of pupils they may still keep."""
    return (
        FocusCard.objects.filter(
            Q(author=user) | Q(co_teachers=user),
            closed_at__isnull=True,
            pupil__in=_school_pupils(user, membership, Perm.KEEP_FOCUS_CARD),
        )
        .distinct()
        .select_related("pupil", "pupil__group")
    )


def _evaluation_detail(due: datetime.date, today: datetime.date) -> str:
    if due < today:
        return _("evaluation overdue since %(date)s") % {"date": _day(due)}
    if due == today:
        return _("evaluate today")
    return _("evaluate by %(date)s") % {"date": _day(due)}


# --- the teacher -------------------------------------------------------------------------------


@register(
    "evaluations_due",
    heading=gettext_lazy("Evaluations due"),
    empty=gettext_lazy("No focus card of yours is to be evaluated this week."),
    help=gettext_lazy("Your focus cards to evaluate within a week, and those that are overdue."),
    roles=TEACHER,
    order=10,
)
def evaluations_due(user, membership, today):
    """One query."""
    until = today + datetime.timedelta(days=DUE_WITHIN_DAYS)
    for card in (
        _own_cards(user, membership)
        .filter(evaluation_due__lte=until)
        .order_by("evaluation_due", "pupil__sort_name", "pk")
    ):
        yield Item(
            link=reverse("plans:evaluate", args=[card.pupil.public_id]),
            title=card.pupil.full_name,
            group=_group(card.pupil),
            detail=_evaluation_detail(card.evaluation_due, today),
            day=card.evaluation_due,
            overdue=card.evaluation_due < today,
        )


@register(
    "cards_without_plan",
    heading=gettext_lazy("Focus cards without a plan"),
    empty=gettext_lazy("Every focus card of yours has a measure ticked."),
    help=gettext_lazy(
        "Nothing is ticked under “what I already do” or “what I will try” "
        "and no own measure was added."
    ),
    roles=TEACHER,
    order=20,
)
def cards_without_plan(user, membership, today):
    """One query."""
    ticked = CardEntry.objects.filter(card=OuterRef("pk")).filter(Q(doing=True) | Q(trying=True))
    own = OwnMeasure.objects.filter(card=OuterRef("pk"))
    cards = (
        _own_cards(user, membership)
        .filter(~Exists(ticked), ~Exists(own))
        .order_by("pupil__sort_name", "pupil__first_name", "pk")
    )
    for card in cards:
        yield Item(
            link=reverse("plans:card", args=[card.pupil.public_id]),
            title=card.pupil.full_name,
            group=_group(card.pupil),
            detail=_("version %(number)s, started %(date)s")
            % {"number": card.number, "date": _day(card.period_start)},
        )


@register(
    "observations_to_check",
    heading=gettext_lazy("Observations to look at again"),
    empty=gettext_lazy("None of your observations needs another look."),
    help=gettext_lazy(
        "Your observations with a direct concern about safety that you have not passed on to "
        "the care coordinator, and what you logged today, which you can still correct."
    ),
    roles=TEACHER,
    order=30,
)
def observations_to_check(user, membership, today):
    """Two queries: the safety concerns not passed on, today's observations."""
    catalog = get_catalog()
    # The concerns: own observations, of pupils the teacher may still pass a concern on for.
    passed = SafeguardingConcern.observations.through.objects.filter(
        observation_id=OuterRef("observation_id")
    )
    rows = (
        ObservationSignal.objects.filter(
            pupil__in=_school_pupils(user, membership, Perm.RAISE_CONCERN),
            observation__author=user,
            withdrawn=False,
            observed_on__gte=window_start(today),
            code__in=engine.consult_now_signals(catalog),
        )
        .filter(~Exists(passed))
        .select_related("pupil", "pupil__group", "observation")
        .order_by("-observed_on", "observation_id")
    )
    concerns: dict[int, tuple] = {}
    for row in rows:
        entry = concerns.setdefault(row.observation_id, (row, []))
        entry[1].append(catalog.get("signals", row.code).label.get(get_language()))
    for row, labels in concerns.values():
        yield Item(
            link=reverse("care:concern", args=[row.pupil.public_id, row.observation.uid]),
            title=row.pupil.full_name,
            group=_group(row.pupil),
            detail=_("not passed on yet: %(signals)s") % {"signals": ", ".join(labels)},
            day=row.observed_on,
            overdue=True,
        )
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    for observation in (
        Observation.objects.filter(
            pupil__in=_school_pupils(user, membership, Perm.VIEW_PUPIL),
            author=user,
            withdrawn_at__isnull=True,
            created_at__gte=start,
            created_at__lt=start + datetime.timedelta(days=1),
        )
        .exclude(pk__in=list(concerns))
        .select_related("pupil", "pupil__group")
        .order_by("created_at", "pk")
    ):
        yield Item(
            link=reverse(
                "observations:correct", args=[observation.pupil.public_id, observation.uid]
            ),
            title=observation.pupil.full_name,
            group=_group(observation.pupil),
            detail=_("logged today at %(time)s: check or correct it")
            % {"time": date_format(timezone.localtime(observation.created_at), "H:i")},
            day=observation.observed_on,
        )


def _decision_item(decision, today, link: str, action: str) -> Item:
    pupil = decision.item.pupil
    what = decision.what if len(decision.what) <= 90 else decision.what[:89] + "\u2026"
    if decision.due_on < today:
        when = _("overdue since %(date)s") % {"date": _day(decision.due_on)}
    else:
        when = _("by %(date)s") % {"date": _day(decision.due_on)}
    return Item(
        link=link,
        title=pupil.full_name,
        detail=f"{what} ({when})",
        day=decision.due_on,
        overdue=decision.due_on < today,
        action=action,
        action_label=_("Done"),
    )


@register(
    "my_decisions",
    heading=gettext_lazy("Care-team decisions for you"),
    empty=gettext_lazy("No decision of the care team is waiting for you."),
    help=gettext_lazy("What the care team agreed that you would do, soonest due first."),
    roles=TEACHER,
    order=40,
)
def my_decisions(user, membership, today):
    """One query. Only decisions about pupils the teacher may still see (the decision's page
    and its "done" button ask the same)."""
    for decision in open_decisions(user=user, school=membership.school_id).filter(
        item__pupil__in=pupils_for(user, Perm.VIEW_PUPIL)
    ):
        yield _decision_item(
            decision,
            today,
            reverse("pupil", args=[decision.item.pupil.public_id]),
            reverse("meetings:decision_done", args=[decision.uid]),
        )


# --- the care coordinator ----------------------------------------------------------------------


@register(
    "awaiting_decision",
    heading=gettext_lazy("Waiting for your decision"),
    empty=gettext_lazy("No concern about safety is waiting for a decision."),
    help=gettext_lazy(
        "A direct concern about safety was logged or recorded. Discuss it today; the pupil "
        "stays here until you record a decision in the safeguarding record."
    ),
    roles=COORDINATOR,
    order=10,
    urgent=True,
    more=lambda membership: reverse("school_overview", args=[membership.school_id]),
)
def safety_awaiting_decision(user, membership, today):
    """Two queries in the usual case, six at most (care.worklist.awaiting_decision)."""
    language = get_language()
    in_scope = pupils_for(user, Perm.VIEW_SAFEGUARDING).filter(school_id=membership.school_id)
    for entry in awaiting_decision(in_scope):
        what = ", ".join(
            [s.label.get(language) for s in entry.signals]
            + [f.label.get(language) for f in entry.risk_factors]
        )
        waiting = _("waiting since %(since)s") % {
            "since": date_format(timezone.localtime(entry.since), "j F")
        }
        if entry.passed_on_by:
            waiting += ", " + _("passed on by %(name)s") % {"name": entry.passed_on_by}
        yield Item(
            link=reverse("care:safeguarding", args=[entry.pupil.public_id]),
            title=entry.pupil.full_name,
            group=_group(entry.pupil),
            detail=f"{what} \u2014 {waiting}",
            overdue=True,
        )


@register(
    "to_discuss",
    heading=gettext_lazy("Pupils to discuss in the care team"),
    empty=gettext_lazy("No evaluation asks for the care team."),
    help=gettext_lazy(
        "The latest evaluation of the focus card says “discuss in the care team” "
        "and the pupil is not on a meeting's agenda since."
    ),
    roles=COORDINATOR,
    order=20,
)
def to_discuss(user, membership, today):
    """One query: each pupil's latest evaluation with the decision "discuss in the care team"
    that no agenda item took up (one made from it, or the pupil on the agenda of a meeting on
    or after the evaluation day)."""
    later = Evaluation.objects.filter(
        card__pupil=OuterRef("card__pupil"), card__number__gt=OuterRef("card__number")
    )
    on_agenda = AgendaItem.objects.filter(
        Q(evaluation=OuterRef("pk"))
        | Q(pupil=OuterRef("card__pupil"), meeting__starts_at__date__gte=OuterRef("evaluated_on"))
    )
    evaluations = (
        Evaluation.objects.filter(
            decision=Decision.CARE_TEAM,
            card__pupil__in=_school_pupils(user, membership, Perm.CARE_TEAM),
        )
        .filter(~Exists(later), ~Exists(on_agenda))
        .select_related("card__pupil", "card__pupil__group")
        .order_by("evaluated_on", "pk")
    )
    for evaluation in evaluations:
        pupil = evaluation.card.pupil
        yield Item(
            link=reverse("meetings:put_on_agenda", args=[pupil.public_id])
            + f"?evaluation={evaluation.uid}",
            title=pupil.full_name,
            group=_group(pupil),
            detail=_("evaluated on %(date)s: discuss in the care team")
            % {"date": _day(evaluation.evaluated_on)},
            day=evaluation.evaluated_on,
        )


@register(
    "evaluations_overdue",
    heading=gettext_lazy("Evaluations overdue at the school"),
    empty=gettext_lazy("No focus card's evaluation is overdue."),
    roles=COORDINATOR,
    order=30,
    more=lambda membership: reverse("school_overview", args=[membership.school_id]),
)
def evaluations_overdue(user, membership, today):
    """One query."""
    cards = (
        FocusCard.objects.filter(
            closed_at__isnull=True,
            evaluation_due__lt=today,
            pupil__in=_school_pupils(user, membership, Perm.KEEP_FOCUS_CARD),
        )
        .select_related("pupil", "pupil__group")
        .order_by("evaluation_due", "pk")
    )
    for card in cards:
        yield Item(
            link=reverse("plans:card", args=[card.pupil.public_id]),
            title=card.pupil.full_name,
            group=_group(card.pupil),
            detail=_evaluation_detail(card.evaluation_due, today),
            day=card.evaluation_due,
            overdue=True,
        )


@register(
    "decisions_waiting",
    heading=gettext_lazy("Care-team decisions waiting"),
    empty=gettext_lazy("Every decision of the care team is done."),
    help=gettext_lazy("Open decisions of the school's meetings, soonest due first."),
    roles=COORDINATOR,
    order=40,
)
def decisions_waiting(user, membership, today):
    """One query."""
    for decision in open_decisions(school=membership.school_id):
        item = _decision_item(
            decision,
            today,
            reverse("meetings:meeting", args=[decision.item.meeting.uid]),
            reverse("meetings:decision_done", args=[decision.uid]),
        )
        owner = decision.owner.get_full_name() or decision.owner.get_username()
        item.detail = f"{owner}: {item.detail}"
        yield item
