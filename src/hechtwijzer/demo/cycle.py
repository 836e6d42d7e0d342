"""A demo pupil for one full care cycle (issue 16): a focus card due for evaluation today, with
enough observed school days before and during it for the evaluation to show rates.

The pictured pupils' cards (demo.plans) read "too few observed days to compare": their scenes
are spread over ten weeks, so the period before a card holds one or two observed days. This
pupil, in the school's second group and with no picture, has a card that started four weeks ago
and is to be evaluated today, with five observed school days in the period before it (busier)
and five during it (calmer), all everyday signals that add up to no indication and no
safeguarding level (its everyday observations are these: demo.observations logs no random
ones for it). The notes are neutral for both countries. The days come from the evaluation
engine itself, so the school's holidays are skipped as the evaluation will skip them. Nothing else happens to this pupil in the demo:
the end-to-end test of the care cycle (e2e/test_care_cycle.py) starts from here. Through the
domain functions, as the group's teacher; every text is fictional.
"""

# Scripted texts: one line each.
# ruff: noqa: E501

from __future__ import annotations

import datetime

from django.utils import timezone

from hechtwijzer import engine, holidays
from hechtwijzer.engine.evaluation import school_days
from hechtwijzer.observations import actions as observations
from hechtwijzer.observations.models import Company, Observation, Setting
from hechtwijzer.plans import actions as plans
from hechtwijzer.schools.models import Group, Pupil, School
from hechtwijzer.weeks import latest_school_day

from .plans import _teacher

# Which pupil: in the school's second group (youngest first), the second in name order (it has
# no picture). The e2e test takes server.pupils("Groep 5")[1]: the demo tests check they agree.
GROUP_INDEX = 1
PUPIL_INDEX = 1
WEEKS = 4
OBSERVED_DAYS = 5

S, F = Setting.STRUCTURED, Setting.FREE
P, A = Company.PEERS, Company.ADULT

# (signals, note, setting, company): before the card busier, during it calmer.
# fmt: off
BEFORE = (
    ("restless_chaotic concentration", "Liep tijdens het zelfstandig werken steeds rond; kwam niet aan de taak toe.", S, P),
    ("restless_chaotic variable_motivation", "Erg onrustig na de gymles; gooide de spullen door elkaar en wilde niet meer beginnen.", S, P),
    ("concentration variable_motivation", "Droomde weg bij de instructie en had daarna geen zin om te beginnen.", S, A),
    ("restless_chaotic concentration", "Wiebelde de hele les en was na een paar minuten afgeleid.", S, ""),
    ("variable_motivation planning_time", "Wilde niet aan de weektaak beginnen: 'straks'; wist niet wat eerst moest.", S, ""),
)
DURING = (
    ("concentration", "Met het kaartje op tafel een kwartier geconcentreerd gewerkt; daarna afgeleid.", S, ""),
    ("variable_motivation", "Had geen zin in schrijven; begon na aanmoediging wel.", S, A),
    ("concentration", "Was bij het lezen snel afgeleid door het geluid op de gang.", S, ""),
    ("restless_chaotic", "Onrustig bij de overgang naar buiten spelen.", F, P),
    ("concentration", "Moest de opdracht opnieuw horen, werkte daarna door.", S, A),
)
# fmt: on
MEASURES = ("sticordi_01", "sticordi_02")
OWN_MEASURE = (
    "Een kaartje op tafel met de stappen van de taak; ik wijs het aan in plaats van te roepen."
)


def cycle_pupil(school: School) -> Pupil | None:
    """The school's care-cycle pupil (see GROUP_INDEX and PUPIL_INDEX)."""
    groups = list(Group.objects.filter(school=school).order_by("pk"))
    if len(groups) <= GROUP_INDEX:
        return None
    pupils = list(groups[GROUP_INDEX].pupils.all())  # in the model's (Dutch) name order
    return pupils[PUPIL_INDEX] if len(pupils) > PUPIL_INDEX else None


def _spread(days: list[datetime.date], count: int) -> list[datetime.date]:
    """`count` of `days`, spread evenly (all of them when there are fewer)."""
    if len(days) <= count:
        return days
    step = len(days) / count
    return [days[int(i * step)] for i in range(count)]


def add_cycle_card(
    school: School, chosen: dict[str, Pupil], *, today: datetime.date
) -> Pupil | None:
    """Observations before and during a card due today (see the module docstring)."""
    # A pupil with a picture has a story of its own: then the school has no care-cycle pupil
    # (the demo tests check that both demo schools have one).
    pupil = cycle_pupil(school)
    if pupil is None or pupil.pk in {p.pk for p in chosen.values()}:
        return None
    teacher = _teacher(pupil)
    due = latest_school_day(today)
    start = due - datetime.timedelta(weeks=WEEKS)
    calendar = holidays.for_school(school.country, school.holiday_region)
    closed = {d for _code, first, last in calendar for d in _days(first, last)}
    before_first, before_last = engine.comparison_periods(start, due, calendar)
    before = school_days(before_first, before_last, closed)
    # During: up to yesterday, so that what the teacher logs today comes on top.
    during = school_days(start, due - datetime.timedelta(days=1), closed)
    for days, scenes in ((before, BEFORE), (during, DURING)):
        for day, (signals, note, setting, company) in zip(
            _spread(days, OBSERVED_DAYS), scenes, strict=False
        ):
            observation = observations.log_observation(
                actor=teacher,
                pupil=pupil,
                signals=signals.split(),
                observed_on=day,
                setting=setting,
                company=company,
                note=note,
            )
            # Logged that afternoon, as in demo.observations (only today's can be corrected).
            logged = timezone.make_aware(datetime.datetime.combine(day, datetime.time(15, 30)))
            Observation.objects.filter(pk=observation.pk).update(created_at=logged)
    plans.start_card(actor=teacher, pupil=pupil, period_start=start, evaluation_due=due)
    for position, code in enumerate(MEASURES):
        plans.set_column(
            actor=teacher,
            pupil=pupil,
            measure_code=code,
            column="doing" if position == 0 else "trying",
            value=True,
            seen=False,
        )
    plans.add_own_measure(actor=teacher, pupil=pupil, text=OWN_MEASURE)
    return pupil


def _days(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)
