"""A pupil's observations in figures: the timeline, signals per week, situations, informants.

Every figure is computed with a fixed number of queries (aggregates in SQL), whatever the number
of observations. The pupil page (web.pupil_page) puts them beside the profile.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count
from django.utils.translation import get_language

from hechtwijzer.catalog import get_catalog
from hechtwijzer.weeks import monday_of, recent_mondays

from .actions import may_correct, may_restore
from .models import (
    Company,
    Informant,
    Moment,
    Observation,
    ObservationSignal,
    Setting,
)
from .profiles import counted_groups

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


def weekly_chart(pupil, today: datetime.date) -> list[WeekBar]:
    """Signals per week for the last CHART_WEEKS weeks, split by signal group (one query)."""
    mondays = recent_mondays(today, CHART_WEEKS)
    first = mondays[0]
    rows = (
        ObservationSignal.objects.counted(first, today)
        .filter(pupil=pupil)
        .values("observed_on", "signal_group")
        .annotate(n=Count("id"))
    )
    counts: dict[datetime.date, Counter] = defaultdict(Counter)
    for row in rows:
        counts[monday_of(row["observed_on"])][row["signal_group"]] += row["n"]
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


def situation_chart(pupil, window_start: datetime.date, today: datetime.date) -> list[dict]:
    """How many observations in the window were made in each situation (one query)."""
    rows = (
        Observation.objects.counted(window_start, today)
        .filter(pupil=pupil)
        .values("setting", "company", "moment")
        .annotate(n=Count("id"))
    )
    totals = {"setting": Counter(), "company": Counter(), "moment": Counter()}
    for row in rows:
        for field in totals:
            if row[field]:
                totals[field][row[field]] += row["n"]
    charts = []
    for field, choices in (("setting", Setting), ("company", Company), ("moment", Moment)):
        items = [(label, totals[field][value]) for value, label in choices.choices]
        charts.append({"field": field, "items": items, "max": max(n for _l, n in items) or 1})
    return charts


def informant_table(pupil, window_start, today):
    """Signals per informant in the window, side by side (never summed into one score)."""
    rows = (
        ObservationSignal.objects.filter(
            pupil=pupil, withdrawn=False, observed_on__gte=window_start, observed_on__lte=today
        )
        .values("code", "informant")
        .annotate(n=Count("id"))
    )
    cells: dict[str, dict[str, int]] = defaultdict(dict)
    present = set()
    for row in rows:
        cells[row["code"]][row["informant"]] = row["n"]
        present.add(row["informant"])
    informants = [(value, label) for value, label in Informant.choices if value in present]
    catalog = get_catalog()
    table = [
        {"signal": s, "counts": [cells[s.code].get(value, 0) for value, _l in informants]}
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
