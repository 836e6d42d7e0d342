"""The care coordinator's safeguarding list for a school: who needs a decision today, whose
signals to map, and what to keep an eye on (issue 12; docs/safeguarding.md).

- Awaiting a decision: a pupil with a "consult today" trigger that no decision has followed. A
  trigger is an observation (not withdrawn, any informant, any date) holding a direct safety
  signal or `fears_caregiver` (the catalog rule `consult_now_signals`), or a recorded risk factor
  marked `safeguarding`. A decision is a step recorded with a decision text, or a closed
  concern, in the pupil's safeguarding record. The comparison is by the moment things were
  recorded, so a disclosure logged after the last decision puts the pupil back at the top,
  however long ago the previous one was: nothing drops off by age.
- Map the signals, keep an eye on: the engine's profile (`map_signals` level, `watch` list) of
  the pupils who have any signal in the window that these rules can use.

Every list costs a fixed number of queries, whatever the number of pupils or observations
(tested); the engine runs only for the pupils that can be on the lists.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet

from hechtwijzer import engine
from hechtwijzer.catalog import RiskFactor, Signal, get_catalog
from hechtwijzer.observations.models import ObservationSignal
from hechtwijzer.observations.profiles import engine_observations, profile_from, window_start
from hechtwijzer.schools.models import Pupil

from .factors import weighed
from .models import FactorKind, PupilFactor, SafeguardingConcern, SafeguardingStatus


@dataclass
class AwaitingDecision:
    """A pupil at the top of the list until a decision is recorded."""

    pupil: Pupil
    since: datetime.datetime  # the first trigger recorded after the last decision
    signals: list[Signal] = field(default_factory=list)  # catalog order
    observed: list[datetime.date] = field(default_factory=list)  # days of those observations
    risk_factors: list[RiskFactor] = field(default_factory=list)
    passed_on_by: str = ""  # who passed it on (the latest open concern since), if anyone


@dataclass
class Flagged:
    """A pupil on the "map the signals" or "keep an eye on" list, with the engine's reasons."""

    pupil: Pupil
    profile: engine.Profile
    signals: list[Signal] = field(default_factory=list)


def awaiting_decision(pupils: QuerySet[Pupil]) -> list[AwaitingDecision]:
    """Pupils (of `pupils`) with a consult-today trigger no decision has followed, the longest
    waiting first. Two queries when nothing was ever triggered (the usual case), six at most."""
    catalog = get_catalog()
    consult = engine.consult_now_signals(catalog)
    factor_codes = [f.code for f in catalog.risk_factors if f.safeguarding]
    triggers: defaultdict[int, list[tuple[datetime.datetime, str, str, datetime.date | None]]]
    triggers = defaultdict(list)
    for pupil_id, code, created_at, observed_on in ObservationSignal.objects.filter(
        pupil__in=pupils, code__in=consult, withdrawn=False
    ).values_list("pupil_id", "code", "observation__created_at", "observed_on"):
        triggers[pupil_id].append((created_at, "signal", code, observed_on))
    for pupil_id, code, created_at in (
        PupilFactor.objects.filter(pupil__in=pupils, kind=FactorKind.RISK, code__in=factor_codes)
        .order_by()
        .values_list("pupil_id", "code", "created_at")
    ):
        triggers[pupil_id].append((created_at, "factor", code, None))
    if not triggers:
        return []

    decided: dict[int, datetime.datetime] = {}
    for row in (
        SafeguardingConcern.objects.filter(pupil_id__in=list(triggers), steps__has_decision=True)
        .values("pupil_id")
        .annotate(at=Max("steps__created_at"))
    ):
        decided[row["pupil_id"]] = row["at"]
    for row in (
        SafeguardingConcern.objects.filter(pupil_id__in=list(triggers), closed_at__isnull=False)
        .values("pupil_id")
        .annotate(at=Max("closed_at"))
    ):
        decided[row["pupil_id"]] = max(row["at"], decided.get(row["pupil_id"], row["at"]))

    open_ids = {
        pupil_id: [t for t in found if pupil_id not in decided or t[0] > decided[pupil_id]]
        for pupil_id, found in triggers.items()
    }
    open_ids = {pupil_id: found for pupil_id, found in open_ids.items() if found}
    if not open_ids:
        return []
    by_id = {p.pk: p for p in Pupil.objects.filter(pk__in=open_ids).select_related("group")}
    passed_on: dict[int, str] = {}
    for concern in (
        SafeguardingConcern.objects.filter(
            pupil_id__in=list(open_ids), status=SafeguardingStatus.OPEN
        )
        .select_related("raised_by")
        .order_by("created_at")
    ):
        if concern.pupil_id not in decided or concern.created_at > decided[concern.pupil_id]:
            user = concern.raised_by
            passed_on[concern.pupil_id] = user.get_full_name() or user.get_username()
    signal_order = {s.code: i for i, s in enumerate(catalog.signals)}
    found = []
    for pupil_id, pending in open_ids.items():
        codes = {code for _at, kind, code, _day in pending if kind == "signal"}
        factors = {code for _at, kind, code, _day in pending if kind == "factor"}
        found.append(
            AwaitingDecision(
                pupil=by_id[pupil_id],
                since=min(at for at, *_rest in pending),
                signals=[
                    catalog.get("signals", c) for c in sorted(codes, key=signal_order.__getitem__)
                ],
                observed=sorted({day for _at, kind, _c, day in pending if day is not None}),
                risk_factors=[f for f in catalog.risk_factors if f.code in factors],
                passed_on_by=passed_on.get(pupil_id, ""),
            )
        )
    found.sort(key=lambda entry: (entry.since, entry.pupil.sort_name, entry.pupil.pk))
    return found


def signal_lists(
    pupils: QuerySet[Pupil], today: datetime.date
) -> tuple[list[Flagged], list[Flagged]]:
    """(map the signals, keep an eye on) for `pupils` on `today`, from the engine's profiles
    with the recorded factors. One query when no pupil has a signal in the window that a
    `map_signals` rule can use, three otherwise; the engine runs only for those pupils."""
    catalog = get_catalog()
    start = window_start(today)
    candidates = _candidates(pupils, start, today)
    observations = engine_observations(candidates, start, today)
    if not observations:
        return [], []
    recorded: defaultdict[int, list[tuple[str, str]]] = defaultdict(list)
    for pupil_id, kind, code in PupilFactor.objects.filter(
        pupil_id__in=list(observations)
    ).values_list("pupil_id", "kind", "code"):
        recorded[pupil_id].append((kind, code))
    to_map, to_watch = [], []
    for pupil in Pupil.objects.filter(pk__in=list(observations)).select_related("group"):
        risks, protections = weighed(recorded[pupil.pk])
        profile = profile_from(
            observations[pupil.pk],
            pupil,
            today,
            risk_codes=risks,
            protective_codes=protections,
            measures=False,
        )
        safeguarding = profile.safeguarding
        if safeguarding.level == engine.MAP_SIGNALS:
            codes = dict.fromkeys(c for r in safeguarding.reasons for c in r.signals)
            to_map.append(Flagged(pupil, profile, [catalog.get("signals", c) for c in codes]))
        elif safeguarding.level is None and safeguarding.watch:
            codes = dict.fromkeys(w.code for w in safeguarding.watch)
            to_watch.append(Flagged(pupil, profile, [catalog.get("signals", c) for c in codes]))
    order = lambda entry: (entry.pupil.sort_name, entry.pupil.first_name, entry.pupil.pk)  # noqa: E731
    return sorted(to_map, key=order), sorted(to_watch, key=order)


def _candidates(pupils: QuerySet[Pupil], start: datetime.date, end: datetime.date) -> QuerySet:
    """The pupils (a subquery of ids) that can be on either list: only they get a profile.

    A necessary condition per list, counted in SQL over the window's own observations: a
    signal to watch (every `map_disorganised_signals` and `map_frozen_watchfulness` signal is
    one); enough different signals of one type for `map_type_picture`; or enough of both
    patterns of `map_mixed_patterns` for both to be indicated. Any pupil who meets a rule meets
    this, so leaving the others out changes nothing (tested against profiling everyone)."""
    catalog = get_catalog()
    links = engine.rules.pattern_links(catalog)
    counts: dict[str, Count] = {
        "watch": Count("code", distinct=True, filter=Q(code__in=engine.watch_signals(catalog)))
    }
    condition = Q(watch__gte=1)
    type_rule = catalog.rule(engine.rules.MAP_TYPE_PICTURE)
    if type_rule is not None:
        for n, pattern in enumerate(type_rule.pattern_codes):
            counts[f"type{n}"] = Count(
                "code", distinct=True, filter=Q(code__in=list(links[pattern]))
            )
            condition |= Q(**{f"type{n}__gte": type_rule.threshold("min_signals", 4)})
    mixed_rule = catalog.rule(engine.rules.MAP_MIXED_PATTERNS)
    if mixed_rule is not None:
        needed = engine.Thresholds.from_catalog(catalog).min_signals
        both = Q()
        for n, pattern in enumerate(mixed_rule.pattern_codes):
            counts[f"mixed{n}"] = Count(
                "code", distinct=True, filter=Q(code__in=list(links[pattern]))
            )
            both &= Q(**{f"mixed{n}__gte": needed})
        condition |= both
    return (
        ObservationSignal.objects.counted(start, end)
        .filter(pupil__in=pupils)
        .values("pupil_id")
        .annotate(**counts)
        .filter(condition)
        .values("pupil_id")
    )


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
    passed = (
        set(
            SafeguardingConcern.observations.through.objects.filter(
                observation_id__in=found
            ).values_list("observation_id", flat=True)
        )
        if found
        else set()
    )
    entries = [
        {**entry, "passed_on": observation_id in passed} for observation_id, entry in found.items()
    ]
    return sorted(entries, key=lambda e: e["day"], reverse=True)
