"""What the pupil page shows about observations: timeline, charts, informants, the profile.

Every figure is computed with a fixed number of queries (aggregates in SQL), whatever the number
of observations; the profile is the engine's, run on the window's signal rows.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import get_language

from hechtwijzer import engine
from hechtwijzer.access import Perm, allows, may_see_factor_presence
from hechtwijzer.care.models import FactorKind, PupilFactor, SafeguardingConcern
from hechtwijzer.care.worklist import awaiting_decision
from hechtwijzer.catalog import get_catalog
from hechtwijzer.schools.models import Pupil
from hechtwijzer.weeks import monday_of, recent_mondays

from .actions import may_correct
from .models import (
    SCHOOL_INFORMANTS,
    Company,
    Informant,
    Moment,
    Observation,
    ObservationSignal,
    Setting,
)
from .profiles import WINDOW_WEEKS, build_profile, counted_groups, window_start

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
        ObservationSignal.objects.filter(
            pupil=pupil,
            withdrawn=False,
            observed_on__gte=first,
            observed_on__lte=today,
            informant__in=SCHOOL_INFORMANTS,
        )
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
        Observation.objects.filter(
            pupil=pupil,
            withdrawn_at__isnull=True,
            observed_on__gte=window_start,
            observed_on__lte=today,
            informant__in=SCHOOL_INFORMANTS,
        )
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


def concern_observations(pupil, since: datetime.date) -> list[dict]:
    """The pupil's observations since `since` that hold a direct safety signal (the catalog's
    `consult_now_signals`), newest first, each with whether it was passed on to the care
    coordinator. Two queries."""
    catalog = get_catalog()
    wanted = engine.consult_now_signals(catalog)
    rows = ObservationSignal.objects.filter(
        pupil=pupil, withdrawn=False, observed_on__gte=since, code__in=wanted
    ).values_list("observation_id", "observed_on", "code", "observation__uid")
    found: dict[int, dict] = {}
    for observation_id, day, code, uid in rows:
        entry = found.setdefault(observation_id, {"uid": uid, "day": day, "signals": []})
        entry["signals"].append(catalog.get("signals", code))
    passed = set(
        SafeguardingConcern.observations.through.objects.filter(
            observation_id__in=found
        ).values_list("observation_id", flat=True)
    ) if found else set()
    entries = [
        {**entry, "passed_on": observation_id in passed}
        for observation_id, entry in found.items()
    ]
    return sorted(entries, key=lambda e: e["day"], reverse=True)


def pupil_context(request, pupil) -> dict:
    """Everything the pupil page shows beyond the pupil's own record."""
    user = request.user
    today = timezone.localdate()
    catalog = get_catalog()
    start = window_start(today)

    sees_factors = allows(user, Perm.VIEW_FACTORS, pupil)
    # A teacher may see only *that* factors exist, where the school allows it.
    sees_presence = not sees_factors and may_see_factor_presence(user, pupil)
    factors = list(PupilFactor.objects.filter(pupil=pupil)) if sees_factors else []
    # Factors that are knowledge only (birth, feeding, …) stay visible on the factors page but
    # are no longer weighed.
    weighed = [f for f in factors if _recordable(catalog, f)]
    profile = build_profile(
        pupil,
        today,
        risk_codes=[f.code for f in weighed if f.kind == FactorKind.RISK],
        protective_codes=[f.code for f in weighed if f.kind == FactorKind.PROTECTIVE],
    )

    timeline = Paginator(
        Observation.objects.filter(pupil=pupil)
        .select_related("author")
        .prefetch_related("signal_rows")
        .order_by("-observed_on", "-created_at"),
        TIMELINE_PAGE,
    ).get_page(request.GET.get("page"))
    entries = [
        {
            "observation": o,
            "signals": [catalog.get("signals", row.code) for row in o.signal_rows.all()],
            "may_correct": may_correct(user, o),
            "informant": _LABELS["informant"].get(o.informant, o.informant),
            "situation": [
                _LABELS[field][value]
                for field in ("setting", "company", "moment")
                if (value := getattr(o, field)) in _LABELS[field]
            ],
        }
        for o in timeline
    ]

    bars = weekly_chart(pupil, today)
    informants, informant_rows = informant_table(pupil, start, today)
    indications = [
        {
            "match": m,
            "pattern": catalog.get("patterns", m.code),
            "signals": [
                (catalog.get("signals", s.code), s, s.code in m.specific) for s in m.signals
            ],
            "explained_by": [catalog.get("risk_factors", c) for c in m.explained_by],
        }
        for m in profile.indications
    ]

    def measure_list(found):
        return [
            {
                "measure": catalog.get("measures", r.code),
                "addresses": [catalog.get("signals", c) for c in r.addresses],
            }
            for r in found[:6]
        ]

    safeguarding = None
    if allows(user, Perm.VIEW_SAFEGUARDING, pupil):
        safeguarding = safeguarding_context(pupil, profile)
    concerns = []
    if allows(user, Perm.RAISE_CONCERN, pupil) and safeguarding is None:
        # Staff who do not keep the safeguarding record see what they can pass on.
        concerns = concern_observations(pupil, start)
    from hechtwijzer.plans.actions import current_card

    return {
        "focus_card": current_card(pupil),
        "today": today,
        "profile": profile,
        "indications": indications,
        "signals_seen": [(catalog.get("signals", s.code), s) for s in profile.signals],
        "measures": measure_list(profile.recommended_measures),
        "measure_ideas": measure_list(profile.measure_ideas),
        "recurring_days": engine.rules.recurring_min_days(catalog),
        "emotional_age_item": (
            catalog.get("measures", profile.emotional_age.advice) if profile.emotional_age else None
        ),
        "emotional_age_patterns": (
            [catalog.get("patterns", c) for c in profile.emotional_age.patterns]
            if profile.emotional_age
            else []
        ),
        "safeguarding": safeguarding,
        "concerns": concerns,
        "timeline": timeline,
        "entries": entries,
        "bars": bars,
        "signal_groups": counted_groups(),
        "situations": situation_chart(pupil, start, today),
        "informants": informants,
        "informant_rows": informant_rows,
        "may_observe": allows(user, Perm.OBSERVE, pupil),
        "sees_factors": sees_factors,
        "factor_count": len(factors),
        "sees_factor_presence": sees_presence,
        "has_factors": sees_presence and PupilFactor.objects.filter(pupil=pupil).exists(),
        "may_grant": allows(user, Perm.GRANT_ACCESS, pupil),
        "may_view_audit": allows(user, Perm.VIEW_AUDIT, pupil),
        "window_start": start,
        "window_weeks": WINDOW_WEEKS,
    }


def _recordable(catalog, factor) -> bool:
    kind = "risk_factors" if factor.kind == FactorKind.RISK else "protective_factors"
    item = catalog.by_code[kind].get(factor.code)
    return item is not None and item.recordable


def safeguarding_context(pupil, profile) -> dict:
    """The safeguarding section of the pupil page (care coordinator): the level and its
    reasons in catalog terms, the "keep an eye on" list, and whether a consult-today trigger
    is still waiting for a decision in the safeguarding record."""
    catalog = get_catalog()
    waiting = awaiting_decision(Pupil.objects.filter(pk=pupil.pk))
    return {
        "level": profile.safeguarding.level,
        "reasons": [
            {
                "reason": reason,
                "rule": catalog.get("rules", reason.code),
                "signals": [catalog.get("signals", c) for c in reason.signals],
                "patterns": [catalog.get("patterns", c) for c in reason.patterns],
                "risk_factors": [catalog.get("risk_factors", c) for c in reason.risk_factors],
                "informants": [_LABELS["informant"].get(i, i) for i in reason.informants],
            }
            for reason in profile.safeguarding.reasons
        ],
        "watch": [
            {"signal": catalog.get("signals", w.code), "watch": w}
            for w in profile.safeguarding.watch
        ],
        "awaiting": waiting[0] if waiting else None,
        "country": pupil.school.country,
    }
