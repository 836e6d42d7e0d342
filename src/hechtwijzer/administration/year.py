"""The new school year (nieuw schooljaar, schooljaarovergang) for schools without an import file.

The school administrator maps each group of the year that ends to next year's group ("groep 3"
→ "groep 4", "3de leerjaar" → "4de leerjaar"; the last year, groep 8 / 6de leerjaar, leaves),
chooses next year's teachers, sees what would change and applies it. The same plan gives the
preview and the run, so the counts agree. Pupils keep everything: observations, focus cards,
behaviour cards and factors belong to the pupil, never to a group; a moved pupil remembers the
group it came from (`Pupil.previous_group`), whose teachers keep it until the new year starts
and may read on for the weeks the school set (`School.former_teacher_weeks`, hechtwijzer.access).

Importing next year's file does the same through `imports` (groups by key in the file's year).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from hechtwijzer.audit.models import record
from hechtwijzer.schools.models import (
    Group,
    Membership,
    Pupil,
    PupilStatus,
    Role,
    School,
    current_school_year,
)

from . import actions

# "groep 3", "Group 3", "groep 3a"; "3de leerjaar", "1ste leerjaar", "3e leerjaar".
_NL_GROUP = re.compile(r"^(?P<word>groep|group)\s*(?P<n>[1-8])(?P<rest>\w*)$", re.IGNORECASE)
_BE_YEAR = re.compile(
    r"^(?P<n>[1-6])\s*(?:ste|de|e|st|nd|rd|th)?\s+(?P<word>leerjaar|year)(?P<rest>.*)$",
    re.IGNORECASE,
)
_BE_ORDINAL = {1: "1ste", 2: "2de", 3: "3de", 4: "4de", 5: "5de", 6: "6de"}


def next_group_name(name: str) -> str:
    """The default name of next year's group; "" for the last year (the pupils leave), and the
    same name where the name says no year (the administrator decides)."""
    text = name.strip()
    match = _NL_GROUP.match(text)
    if match:
        n = int(match["n"])
        return "" if n == 8 else f"{match['word']} {n + 1}{match['rest']}"
    match = _BE_YEAR.match(text)
    if match:
        n = int(match["n"])
        return "" if n == 6 else f"{_BE_ORDINAL[n + 1]} {match['word']}{match['rest']}"
    return text


def from_year(school: School) -> int:
    """The school year that ends: the latest year up to this one whose groups have pupils (in
    August, after the year turned on 1 August, that is still last year's)."""
    current = current_school_year()
    latest = (
        Group.objects.filter(
            school=school, school_year__lte=current, pupils__status=PupilStatus.ACTIVE
        )
        .order_by("-school_year")
        .values_list("school_year", flat=True)
        .first()
    )
    return latest if latest is not None else current


def groups_ending(school: School, year: int) -> list[Group]:
    """The groups of `year`, each with `pupil_count` (active pupils)."""
    return list(
        Group.objects.filter(school=school, school_year=year)
        .annotate(pupil_count=Count("pupils", filter=Q(pupils__status=PupilStatus.ACTIVE)))
        .order_by("name")
    )


def teachers(school: School) -> list[Membership]:
    return list(
        Membership.objects.filter(school=school, role=Role.TEACHER, user__is_active=True)
        .select_related("user")
        .prefetch_related("groups")
    )


@dataclass
class Step:
    """One group of the year that ends and where its pupils go."""

    group: Group
    target: str  # next year's group name; "" = the pupils leave the school
    teacher_ids: list[int] = field(default_factory=list)  # memberships teaching the target


@dataclass
class Plan:
    school: School
    year: int  # the year that ends
    steps: list[Step]
    groups_created: list[str] = field(default_factory=list)
    groups_existing: list[str] = field(default_factory=list)
    pupils_moved: int = 0
    pupils_leaving: int = 0
    teachers: dict[str, list[str]] = field(default_factory=dict)  # target -> teacher names

    @property
    def next_year(self) -> int:
        return self.year + 1

    def counts(self) -> dict:
        return {
            "groups_created": len(self.groups_created),
            "groups_existing": len(self.groups_existing),
            "pupils_moved": self.pupils_moved,
            "pupils_leaving": self.pupils_leaving,
            "teachers": sum(len(names) for names in self.teachers.values()),
        }


def plan(school: School, year: int, steps: list[Step]) -> Plan:
    """What applying `steps` would do (reads only): the preview, and the run's own plan."""
    result = Plan(school=school, year=year, steps=steps)
    existing = set(
        Group.objects.filter(school=school, school_year=year + 1).values_list("name", flat=True)
    )
    staff = {m.pk: m for m in teachers(school)}
    seen: set[str] = set()
    for step in steps:
        count = getattr(step.group, "pupil_count", None)
        if count is None:
            count = step.group.pupils.filter(status=PupilStatus.ACTIVE).count()
        if not step.target:
            result.pupils_leaving += count
            continue
        result.pupils_moved += count
        if step.target not in seen:
            seen.add(step.target)
            (result.groups_existing if step.target in existing else result.groups_created).append(
                step.target
            )
        names = result.teachers.setdefault(step.target, [])
        for pk in step.teacher_ids:
            member = staff.get(pk)
            if member is not None:
                name = member.user.get_full_name() or member.user.get_username()
                if name not in names:
                    names.append(name)
    return result


def apply(*, actor: Any, school: School, year: int, steps: list[Step]) -> Plan:
    """Start the new school year: create next year's groups (or use those already there), move
    each group's active pupils into them, mark the last year's pupils as left, and make the
    chosen teachers teachers of next year's groups (keeping their current groups, so they keep
    their pupils until the year starts). All through `actions`, in one transaction.

    Side effects: `group.create`, `pupil.change`, `staff.change` audit entries from `actions`
    and one `school_year.start` entry with the counts. Returns the plan it carried out.
    """
    actions._require_admin(actor, school.pk)
    with transaction.atomic():
        carried = plan(school, year, steps)
        targets = {g.name: g for g in Group.objects.filter(school=school, school_year=year + 1)}
        for name in carried.groups_created:
            targets[name] = actions.create_group(
                actor=actor, school=school, name=name, school_year=year + 1
            )
        today = timezone.localdate()
        chosen: dict[int, list[Group]] = defaultdict(list)
        for step in steps:
            pupils = Pupil.objects.filter(group=step.group, status=PupilStatus.ACTIVE)
            for pupil in pupils.select_related("group"):
                if step.target:
                    actions.update_pupil(actor=actor, pupil=pupil, group=targets[step.target])
                else:
                    actions.update_pupil(
                        actor=actor, pupil=pupil, status=PupilStatus.LEFT, left_on=today
                    )
            if step.target:
                for pk in step.teacher_ids:
                    chosen[pk].append(targets[step.target])
        for member in teachers(school):
            if member.pk not in chosen:
                continue
            current = list(member.groups.all())
            wanted = current + [g for g in chosen[member.pk] if g not in current]
            if len(wanted) == len(current):
                continue
            actions.update_staff_member(
                actor=actor,
                membership=member,
                first_name=member.user.first_name,
                last_name=member.user.last_name,
                email=member.user.email,
                role=member.role,
                groups=wanted,
                is_active=member.user.is_active,
            )
        record(
            action="school_year.start",
            actor=actor,
            school_id=school.pk,
            object_type="school",
            object_id=school.pk,
            details={"from": year, "to": year + 1, **carried.counts()},
        )
    return carried
