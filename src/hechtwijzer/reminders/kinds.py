"""The kinds of reminder, as a small registry: a kind is one function that finds what to remind
whom of, registered with the words the settings page and the mail need.

    @register(
        "decision_due",
        label=_("Decision due"),
        help=_("A decision of the care-team meeting that you are to carry out is due."),
        roles=(Role.TEACHER, Role.CARE_COORDINATOR),
        subject=_("Hechtwijzer: decisions due"),
        intro=_("These decisions of the care-team meeting are due:"),
    )
    def decision_due(today):
        for decision in ...:
            yield Entry(user=..., school=..., key=f"{decision.uid}:{decision.due}",
                        pupils=[decision.pupil], line=partial(...), link=reverse(...))

That is all a new kind needs: `sending.plan` asks every registered kind, leaves out the users
who switched the kind off (`ReminderOptOut`), who have no address or are inactive, and what was
sent before (`SentReminder`: one row per user, kind and `Entry.key`), bundles one user's entries
of one kind and school into one mail and writes it in the school's words.

What leaves the school in a mail (README, "Reminders"): a teacher's reminders name a pupil by
first name and the initial of the last name ("Sanne V."; `REMINDER_PUPIL_NAMES=none`: no name),
with the date and a link that works only after logging in; never a signal, a note, a reason or
anything of the safeguarding record. The care coordinator's digest holds counts and links only.
Each kind's `collect` costs a fixed number of queries, whatever the number of cards or pupils.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from hechtwijzer import access
from hechtwijzer.access import Perm
from hechtwijzer.care.models import SafeguardingConcern, SafeguardingStatus
from hechtwijzer.care.worklist import awaiting_decision
from hechtwijzer.meetings.queries import open_decisions
from hechtwijzer.plans.models import FocusCard
from hechtwijzer.schools.models import Membership, Pupil, PupilStatus, Role, School

# An evaluation is "due" from this many days before its date.
DUE_WITHIN_DAYS = 7
# A care-team decision is "due" from this many days before its date.
DECISION_DUE_WITHIN_DAYS = 2


@dataclass
class Entry:
    """One thing to remind one user of. `key` identifies it for that user and kind: the same
    key is never sent twice. `line` writes its line of the mail when the mail is written (in
    the school's words); `link` is a path of the site."""

    user: Any
    school: School
    key: str
    line: Callable[[], str]
    link: str
    pupils: list[Pupil] = field(default_factory=list)


@dataclass(frozen=True)
class Kind:
    code: str
    label: Promise  # the settings page
    help: Promise
    roles: frozenset[str]  # the roles the settings page offers it to
    subject: Promise  # the mail
    intro: Promise
    collect: Callable[[datetime.date], Iterable[Entry]]


KINDS: dict[str, Kind] = {}


def register(
    code: str,
    *,
    label: Promise,
    help: Promise,
    roles: Iterable[str],
    subject: Promise,
    intro: Promise,
):
    """Register a kind: the decorated function yields the `Entry`s for a day."""

    def decorate(collect: Callable[[datetime.date], Iterable[Entry]]):
        if code in KINDS:
            raise ValueError(f"reminder kind {code!r} is registered twice")
        if len(code) > 40:
            raise ValueError(f"reminder kind {code!r}: at most 40 characters")
        KINDS[code] = Kind(code, label, help, frozenset(roles), subject, intro, collect)
        return collect

    return decorate


def kinds_for(user: Any) -> list[Kind]:
    """The kinds a user can receive, by their roles, in the registry's order."""
    roles = {membership.role for membership in access.memberships(user)}
    return [kind for kind in KINDS.values() if kind.roles & roles]


def pupil_name(pupil: Pupil) -> str:
    """How a mail names a pupil: "Sanne V." (the initial of the last name without "de", "van"),
    or "" when the school's privacy officer chose no names (`REMINDER_PUPIL_NAMES=none`)."""
    if settings.REMINDER_PUPIL_NAMES == "none":
        return ""
    initial = (pupil.sort_name or pupil.last_name)[:1].upper()
    return f"{pupil.first_name} {initial}." if initial else pupil.first_name


def _day(day: datetime.date) -> str:
    return date_format(day, "l j F Y")


# --- focus-card evaluations --------------------------------------------------------------------


def _card_entries(cards: Iterable[FocusCard]) -> Iterable[tuple[Any, FocusCard]]:
    """(recipient, card) for each card's author and co-teachers who may still see the pupil
    (an author who moved to another group or school is not told about a pupil they left)."""
    cards = list(cards)
    users: dict[int, Any] = {}
    for card in cards:
        users.setdefault(card.author_id, card.author)
        for user in card.co_teachers.all():
            users.setdefault(user.pk, user)
    access.preload(users.values())
    for card in cards:
        recipients = dict.fromkeys([card.author_id, *(u.pk for u in card.co_teachers.all())])
        for user_id in recipients:
            user = users[user_id]
            if access.allows(user, Perm.VIEW_PUPIL, card.pupil):
                yield user, card


def _open_cards(condition: Q):
    """Open focus cards of pupils at school, with what the mail needs: four queries."""
    return (
        FocusCard.objects.filter(
            condition, closed_at__isnull=True, pupil__status=PupilStatus.ACTIVE
        )
        .select_related("pupil__school", "author")
        .prefetch_related("co_teachers")
        .order_by("evaluation_due", "pk")
    )


def _due_line(pupil: Pupil, due: datetime.date) -> str:
    name = pupil_name(pupil)
    if name:
        return _("%(name)s: evaluate the focus card on %(date)s") % {
            "name": name,
            "date": _day(due),
        }
    return _("A focus card: evaluate it on %(date)s") % {"date": _day(due)}


def _overdue_line(pupil: Pupil, due: datetime.date) -> str:
    name = pupil_name(pupil)
    if name:
        return _("%(name)s: the evaluation was due on %(date)s") % {
            "name": name,
            "date": _day(due),
        }
    return _("A focus card: the evaluation was due on %(date)s") % {"date": _day(due)}


def _card_reminders(cards, line) -> Iterable[Entry]:
    for user, card in _card_entries(cards):
        pupil = card.pupil
        yield Entry(
            user=user,
            school=pupil.school,
            key=f"{card.uid}:{card.evaluation_due.isoformat()}",
            line=partial(line, pupil, card.evaluation_due),
            link=reverse("plans:card", args=[pupil.public_id]),
            pupils=[pupil],
        )


@register(
    "evaluation_due",
    label=gettext_lazy("Evaluation due"),
    help=gettext_lazy(
        "A focus card you keep or co-teach is to be evaluated within a week: one mail per "
        "evaluation date."
    ),
    roles=(Role.TEACHER, Role.CARE_COORDINATOR),
    subject=gettext_lazy("Hechtwijzer: a focus card to evaluate soon"),
    intro=gettext_lazy("These focus cards are to be evaluated within a week:"),
)
def evaluation_due(today: datetime.date) -> Iterable[Entry]:
    until = today + datetime.timedelta(days=DUE_WITHIN_DAYS)
    return _card_reminders(
        _open_cards(Q(evaluation_due__gte=today, evaluation_due__lte=until)), _due_line
    )


@register(
    "evaluation_overdue",
    label=gettext_lazy("Evaluation overdue"),
    help=gettext_lazy(
        "The evaluation date of a focus card you keep or co-teach has passed: one mail per "
        "evaluation date."
    ),
    roles=(Role.TEACHER, Role.CARE_COORDINATOR),
    subject=gettext_lazy("Hechtwijzer: a focus card's evaluation is overdue"),
    intro=gettext_lazy("The evaluation date of these focus cards has passed:"),
)
def evaluation_overdue(today: datetime.date) -> Iterable[Entry]:
    return _card_reminders(_open_cards(Q(evaluation_due__lt=today)), _overdue_line)


# --- care-team decisions --------------------------------------------------------------------


def _decision_line(pupil: Pupil, due: datetime.date, overdue: bool) -> str:
    """A decision's line: the pupil and the date, never what was decided (free text about the
    pupil, which stays in the school)."""
    name = pupil_name(pupil)
    values = {"name": name, "date": _day(due)}
    if overdue:
        if name:
            return _("%(name)s: a care-team decision for you was due on %(date)s") % values
        return _("A care-team decision for you was due on %(date)s") % values
    if name:
        return _("%(name)s: a care-team decision for you is due on %(date)s") % values
    return _("A care-team decision for you is due on %(date)s") % values


@register(
    "decision_due",
    label=gettext_lazy("Care-team decision due"),
    help=gettext_lazy(
        "A decision of the care-team meeting that you are to carry out is due within two days, "
        "or its date has passed: one mail when it comes near, one when it is overdue."
    ),
    roles=(Role.TEACHER, Role.CARE_COORDINATOR),
    subject=gettext_lazy("Hechtwijzer: a care-team decision is due"),
    intro=gettext_lazy("These decisions of the care-team meeting are yours to carry out:"),
)
def decision_due(today: datetime.date) -> Iterable[Entry]:
    """Open decisions due within `DECISION_DUE_WITHIN_DAYS` days or overdue, to their owner
    while the owner may still see the pupil (a decision about a pupil who left, or whom the
    owner no longer teaches, is the care coordinator's to reassign: their work list shows it).
    The key holds the phase ("soon" or "overdue"), so an owner gets at most two mails per due
    date, and a new date is a new reminder. Four queries, whatever the number of decisions."""
    until = today + datetime.timedelta(days=DECISION_DUE_WITHIN_DAYS + 1)
    decisions = list(
        open_decisions(due_before=until)
        .filter(item__pupil__status=PupilStatus.ACTIVE, owner__is_active=True)
        .select_related("item__pupil__school")
    )
    # One object per owner: the access caches that preload fills live on the object.
    owners: dict[int, Any] = {}
    for decision in decisions:
        owners.setdefault(decision.owner_id, decision.owner)
    access.preload(owners.values())
    for decision in decisions:
        pupil = decision.item.pupil
        owner = owners[decision.owner_id]
        if not access.allows(owner, Perm.VIEW_PUPIL, pupil):
            continue
        overdue = decision.due_on < today
        yield Entry(
            user=owner,
            school=pupil.school,
            key=f"{decision.uid}:{decision.due_on.isoformat()}:{'overdue' if overdue else 'soon'}",
            line=partial(_decision_line, pupil, decision.due_on, overdue),
            # The home page's work list shows the decision, with its "done" button.
            link=reverse("home"),
            pupils=[pupil],
        )


# --- the care coordinator's weekly digest ------------------------------------------------------


def iso_week(day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class _SchoolCounts:
    overdue: set[str] = field(default_factory=set)  # public ids
    awaiting: set[str] = field(default_factory=set)
    concerns: set[str] = field(default_factory=set)
    pupils: dict[str, Pupil] = field(default_factory=dict)

    def add(self, which: set[str], pupil: Pupil) -> None:
        which.add(pupil.public_id)
        self.pupils[pupil.public_id] = pupil


def _digest_line(counts: dict[str, int]) -> str:
    parts = []
    if counts["overdue"]:
        parts.append(
            ngettext(
                "%(count)d focus card whose evaluation is overdue",
                "%(count)d focus cards whose evaluation is overdue",
                counts["overdue"],
            )
            % {"count": counts["overdue"]}
        )
    if counts["awaiting"]:
        parts.append(
            ngettext(
                "%(count)d pupil awaiting a decision about their safety",
                "%(count)d pupils awaiting a decision about their safety",
                counts["awaiting"],
            )
            % {"count": counts["awaiting"]}
        )
    if counts["concerns"]:
        parts.append(
            ngettext(
                "%(count)d open safeguarding record",
                "%(count)d open safeguarding records",
                counts["concerns"],
            )
            % {"count": counts["concerns"]}
        )
    return "\n- ".join(parts)


@register(
    "weekly_digest",
    label=gettext_lazy("Weekly overview for the care coordinator"),
    help=gettext_lazy(
        "Once a week (the first run of the week, on Monday): how many evaluations are overdue "
        "at the school, how many pupils await a decision about their safety and how many "
        "safeguarding records are open. Numbers and links only, no names."
    ),
    roles=(Role.CARE_COORDINATOR,),
    subject=gettext_lazy("Hechtwijzer: the week's overview"),
    intro=gettext_lazy("What is waiting at the school this week (details after logging in):"),
)
def weekly_digest(today: datetime.date) -> Iterable[Entry]:
    coordinators = list(
        Membership.objects.filter(role=Role.CARE_COORDINATOR, user__is_active=True)
        .select_related("user", "school")
        .order_by("school__name", "user__username")
    )
    if not coordinators:
        return
    schools = {m.school_id for m in coordinators}
    counts: defaultdict[int, _SchoolCounts] = defaultdict(_SchoolCounts)
    active = Pupil.objects.filter(school_id__in=schools, status=PupilStatus.ACTIVE)
    for card in FocusCard.objects.filter(
        pupil__in=active, closed_at__isnull=True, evaluation_due__lt=today
    ).select_related("pupil"):
        entry = counts[card.pupil.school_id]
        entry.add(entry.overdue, card.pupil)
    for waiting in awaiting_decision(active):
        entry = counts[waiting.pupil.school_id]
        entry.add(entry.awaiting, waiting.pupil)
    for concern in SafeguardingConcern.objects.filter(
        pupil__school_id__in=schools, status=SafeguardingStatus.OPEN
    ).select_related("pupil"):
        entry = counts[concern.pupil.school_id]
        entry.add(entry.concerns, concern.pupil)
    week = iso_week(today)
    for membership in coordinators:
        found = counts.get(membership.school_id)
        if found is None or not found.pupils:
            continue  # nothing waiting: no mail this time
        numbers = {
            "overdue": len(found.overdue),
            "awaiting": len(found.awaiting),
            "concerns": len(found.concerns),
        }
        yield Entry(
            user=membership.user,
            school=membership.school,
            key=f"{membership.school_id}:{week}",
            line=partial(_digest_line, numbers),
            link=reverse("school_overview", args=[membership.school_id]),
            pupils=sorted(found.pupils.values(), key=lambda p: p.public_id),
        )
