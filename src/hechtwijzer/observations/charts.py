"""A pupil's observations in figures: the timeline, signals per week, situations, informants.

Every figure is computed with a fixed number of queries, whatever the number of observations:
the charts, the informant table and the profile share one query over the recent weeks' signal
rows (`recent`), bounded by the weeks it covers. The pupil page (web.pupil_page) puts them
beside the profile.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.utils.translation import get_language

from hechtwijzer import engine
from hechtwijzer.catalog import get_catalog
from hechtwijzer.weeks import monday_of, recent_mondays

from .actions import may_correct, may_restore
from .models import (
    SCHOOL_INFORMANTS,
    Company,
    Informant,
    Moment,
    Observation,
    ObservationSignal,
    Setting,
)
from .profiles import as_engine, counted_groups

CHART_WEEKS = 10
TIMELINE_PAGE = 25


# Choice labels from dicts made once: Django's get_FOO_display() rebuilds the choices mapping on
# every call, four calls for each of the 25 observations of a timeline page (bench/).
_LABELS = {
    field: dict(choices.choices)
    for field, choices in (
        ("informant", Informant),
        ("setting", Setting),
        ("company", Company),
        ("moment", Moment),
    )
}


@dataclass(frozen=True)
class WeekBar:
    start: datetime.date
    counts: list[tuple[str, int]]  # (signal group, count)
    total: int
    # Worked out here rather than in the template, where the two nested loops per week were a
    # sixth of the pupil page's rendering (bench/): (signal group, bar width 0–20) per group,
    # and the counts in words ("behaviour 3, learning 1") in the reader's language.
    segments: tuple[tuple[str, int], ...] = ()
    summary: str = ""


@dataclass(frozen=True)
class Recent:
    """The signal rows of one pupil's recent weeks that count (not withdrawn, every
    informant), each with its observation's situation: what the weekly chart, the situation
    chart, the informant table and the profile are computed from. One query for all four,
    where each used to ask the database on its own (bench/: four queries of the pupil page)."""

    start: datetime.date  # the first day held: the chart's first Monday or the window's start
    today: datetime.date
    # (observation id, day, informant, signal code, signal group, setting, company, moment)
    rows: list[tuple]

    def engine_observations(self, start: datetime.date) -> list[engine.Observation]:
        """The engine's observations from `start` to today, every informant."""
        return as_engine(row[:4] for row in self.rows if row[1] >= start)


def recent(pupil, today: datetime.date, window_start: datetime.date) -> Recent:
    """The pupil's signal rows from the earlier of the chart's first Monday and `window_start`
    up to `today` (one query)."""
    first = min(recent_mondays(today, CHART_WEEKS)[0], window_start)
    rows = list(
        ObservationSignal.objects.filter(
            pupil=pupil, withdrawn=False, observed_on__gte=first, observed_on__lte=today
        ).values_list(
            "observation_id",
            "observed_on",
            "informant",
            "code",
            "signal_group",
            "observation__setting",
            "observation__company",
            "observation__moment",
        )
    )
    return Recent(first, today, rows)


def weekly_chart(recent: Recent) -> list[WeekBar]:
    """Signals per week for the last CHART_WEEKS weeks, split by signal group: the school's
    own observations only, as every count (ObservationQuerySet.counted)."""
    mondays = recent_mondays(recent.today, CHART_WEEKS)
    first = mondays[0]
    school = set(SCHOOL_INFORMANTS)
    counts: dict[datetime.date, Counter] = defaultdict(Counter)
    for _id, day, informant, _code, group, *_situation in recent.rows:
        if day >= first and informant in school:
            counts[monday_of(day)][group] += 1
    vocabulary = counted_groups()
    language = get_language()
    weeks = []
    for start in mondays:
        weeks.append((start, [(g, counts[start][g]) for g in vocabulary if counts[start][g]]))
    bar_max = max((sum(n for _g, n in per_group) for _s, per_group in weeks), default=0)
    bars = [
        WeekBar(
            start,
            per_group,
            sum(n for _g, n in per_group),
            segments=tuple((g, round(n / bar_max * 20)) for g, n in per_group),
            summary=", ".join(f"{vocabulary[g].get(language)} {n}" for g, n in per_group),
        )
        for start, per_group in weeks
    ]
    return bars


def situation_chart(recent: Recent, window_start: datetime.date) -> list[dict]:
    """How many of the school's observations in the window were made in each situation (every
    observation holds at least one signal row, so each is counted once from its rows)."""
    school = set(SCHOOL_INFORMANTS)
    situations = {
        observation_id: situation
        for observation_id, day, informant, _code, _group, *situation in recent.rows
        if day >= window_start and informant in school
    }
    totals = {"setting": Counter(), "company": Counter(), "moment": Counter()}
    for situation in situations.values():
        for field, value in zip(("setting", "company", "moment"), situation, strict=True):
            if value:
                totals[field][value] += 1
    charts = []
    for field, choices in (("setting", Setting), ("company", Company), ("moment", Moment)):
        items = [(label, totals[field][value]) for value, label in choices.choices]
        charts.append({"field": field, "items": items, "max": max(n for _l, n in items) or 1})
    return charts


def informant_table(recent: Recent, window_start: datetime.date):
    """Signals per informant in the window, side by side (never summed into one score)."""
    cells: dict[str, Counter] = defaultdict(Counter)
    present = set()
    for _id, day, informant, code, *_rest in recent.rows:
        if day >= window_start:
            cells[code][informant] += 1
            present.add(informant)
    informants = [(value, label) for value, label in Informant.choices if value in present]
    catalog = get_catalog()
    table = [
        {"signal": s, "counts": [cells[s.code][value] for value, _l in informants]}
        for s in catalog.signals
        if s.code in cells
    ]
    return informants, table


def timeline_page(user, pupil, page_number) -> tuple:
    """One page of the pupil's timeline, newest first, and its entries in words (three
    queries: count, observations with authors, their signals)."""
    catalog = get_catalog()
    timeline = Paginator(
        Observation.objects.filter(pupil=pupil)
        .select_related("author")
        .prefetch_related("signal_rows")
        .order_by("-observed_on", "-created_at"),
        TIMELINE_PAGE,
    ).get_page(page_number)
    entries = [
        {
            "observation": o,
            "signals": [catalog.get("signals", row.code) for row in o.signal_rows.all()],
            "may_correct": may_correct(user, o, pupil),
            "may_restore": may_restore(user, o),
            "informant": informant_label(o.informant),
            "situation": [
                _LABELS[field][value]
                for field in ("setting", "company", "moment")
                if (value := getattr(o, field)) in _LABELS[field]
            ],
        }
        for o in timeline
    ]
    return timeline, entries


def informant_label(value: str) -> str:
    return _LABELS["informant"].get(value, value)
