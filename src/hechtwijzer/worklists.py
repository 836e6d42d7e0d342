"""Work lists: what needs the user, at the top of the home page (issue 16).

A work list comes from a *source*: one function that finds, for one user at one school, the
things that wait for them, each an `Item` with a link to where it is done. Sources are a small
registry, like the reminder kinds (reminders/kinds.py), so an app adds its own list without
the home page knowing it:

    # hechtwijzer/referrals/worklist.py, imported from ReferralsConfig.ready()
    from hechtwijzer.worklists import Item, register

    @register(
        "referrals_unanswered",
        heading=gettext_lazy("Referrals without an answer"),
        empty=gettext_lazy("Every referral has been answered."),
        roles=(Role.CARE_COORDINATOR,),
        order=60,
    )
    def referrals_unanswered(user, membership, today):
        for referral in open_referrals(school=membership.school, user=None):
            yield Item(link=reverse(...), title=referral.pupil.full_name, detail=...)

That is all: the home page shows every registered source whose `roles` hold the user's role at
the school, in `order`, with its heading, the number of items and up to `SHOWN` of them (the
rest behind `more`, a link to a longer list, when the source has one), or its `empty` text.

A source's contract (tested for the built-in ones, web/worklist_sources.py):
- it shows only what the user may see at that school (a teacher never sees another group's
  pupils; nothing of the safeguarding record unless the role keeps it);
- it costs a fixed number of queries, whatever the number of pupils, cards or decisions (the
  home page is the page opened most; web/tests/test_home_worklists.py counts them);
- its items link to the page where the thing is done.

This module sits low in the layers (it imports nothing of the apps), so any app can register.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

# How many items a list shows on the home page; the count in its heading is always the total.
SHOWN = 12


@dataclass
class Item:
    """One thing on a work list. `title` is the link's text (usually the pupil's name), `link`
    the page where it is done; `detail` says what is waiting; `day` a date to show (a due
    date, the day of an observation), `overdue` marks it as late. `action` is an optional
    one-button POST (e.g. "done") that returns to the home page (`next=home`)."""

    link: str
    title: str
    detail: str = ""
    group: str = ""
    day: datetime.date | None = None
    overdue: bool = False
    action: str = ""
    action_label: str = ""


Collect = Callable[[Any, Any, datetime.date], Iterable[Item]]


@dataclass(frozen=True)
class Source:
    code: str
    heading: Promise
    empty: Promise
    roles: frozenset[str]
    collect: Collect  # (user, membership, today) -> items
    help: Promise | str = ""
    order: int = 100
    urgent: bool = False  # shown with the danger marker (the safety list)
    more: Callable[[Any], str] | None = None  # membership -> URL of the whole list


SOURCES: dict[str, Source] = {}


def register(
    code: str,
    *,
    heading: Promise,
    empty: Promise,
    roles: Iterable[str],
    help: Promise | str = "",
    order: int = 100,
    urgent: bool = False,
    more: Callable[[Any], str] | None = None,
):
    """Register a source: the decorated function yields the `Item`s of one user at one
    school (`membership`) on `today`."""

    def decorate(collect: Collect) -> Collect:
        if code in SOURCES:
            raise ValueError(f"work list {code!r} is registered twice")
        SOURCES[code] = Source(
            code, heading, empty, frozenset(roles), collect, help, order, urgent, more
        )
        return collect

    return decorate


@dataclass
class WorkList:
    """A source's items for one user at one school, as the home page shows them."""

    source: Source
    items: list[Item]
    more_link: str = ""

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def shown(self) -> list[Item]:
        return self.items[:SHOWN]

    @property
    def hidden(self) -> int:
        return max(0, self.total - SHOWN)


def sources_for(role: str) -> list[Source]:
    """The registered sources for a role, in their order."""
    return sorted(
        (source for source in SOURCES.values() if role in source.roles),
        key=lambda source: (source.order, source.code),
    )


def work_lists(user: Any, membership: Any, today: datetime.date) -> list[WorkList]:
    """Every work list of `user` at `membership`'s school on `today`."""
    found = []
    for source in sources_for(membership.role):
        items = list(source.collect(user, membership, today))
        more = source.more(membership) if source.more and len(items) > SHOWN else ""
        found.append(WorkList(source, items, more))
    return found
