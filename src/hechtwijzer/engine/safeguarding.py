"""When the safeguarding route is put in front of the care coordinator, at which level, and why.

Two levels, each from the catalog's rules (rules.toml; docs/safeguarding.md says it in words):

- CONSULT_NOW: discuss today with the aandachtsfunctionaris / intern begeleider (NL, Meldcode
  steps 1 and 2) or the zorgcoördinator and the CLB (BE). One observation is enough: a direct
  safety signal or a child that seems afraid of its own parent, from any informant, reports
  of parents and the pupil included (`consult_now_signals`); or a recorded risk factor that
  means violence, neglect or maltreatment in the child's own home now (`consult_now_risk_factors`).
- MAP_SIGNALS: map the signals and consider consulting a colleague (Meldcode step 1). Only
  from what the school itself observed, and only when it recurs: features of disorganised
  attachment (`map_disorganised_signals`), freezing together with hypervigilance
  (`map_frozen_watchfulness`), a persistent type picture with no recorded explanation
  (`map_type_picture`), avoidant and ambivalent at once (`map_mixed_patterns`).

Never from one observation of a non-specific signal: such signals go on the "keep an eye on"
list (`Safeguarding.watch`) until they add up, unless they are already in view as part of a
reason or of an indication. The engine only ever says "consider": whether
there is a suspicion (vermoeden), and what then, is decided by people.

Every rule only counts observations, so adding observations never lowers the level, and the
order of the observations does not matter (tested as properties).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from ..catalog import Catalog
from . import rules
from .rules import CONSULT_NOW, LEVELS, MAP_SIGNALS


@dataclass(frozen=True)
class SafeguardingReason:
    """Why a level is set: the rule (its catalog code) and the codes that met it."""

    code: str  # the rule's code in rules.toml
    level: str  # CONSULT_NOW or MAP_SIGNALS
    signals: tuple[str, ...] = ()  # catalog order
    patterns: tuple[str, ...] = ()
    risk_factors: tuple[str, ...] = ()
    informants: tuple[str, ...] = ()  # who observed the signals (when the input says)
    days: int = 0  # distinct days on which the signals were observed
    first: date | None = None
    last: date | None = None


@dataclass(frozen=True)
class WatchSignal:
    """A signal to keep an eye on: it can add up to a level, but has not (yet)."""

    code: str
    count: int
    days: int
    last: date


@dataclass(frozen=True)
class Safeguarding:
    reasons: tuple[SafeguardingReason, ...] = ()  # most urgent level first, then rule order
    watch: tuple[WatchSignal, ...] = ()

    @property
    def level(self) -> str | None:
        for level in LEVELS:
            if any(reason.level == level for reason in self.reasons):
                return level
        return None

    @property
    def show(self) -> bool:
        return self.level is not None


@dataclass(frozen=True)
class Seen:
    """What the safeguarding rules need of a profile (built by `profile.build_profile`)."""

    own: Mapping[str, Sequence[date]]  # signal -> one date per own observation in the window
    anyone: Mapping[str, Sequence[tuple[date, str | None]]]  # also reports: (date, informant)
    indications: Mapping[str, tuple[tuple[str, ...], date, date]]  # pattern -> matched, first, last
    safeguarding_factors: tuple[str, ...]  # recorded risk factors marked `safeguarding`
    explained: Mapping[str, tuple[str, ...]]  # pattern -> recorded factors that may explain it


def assess(seen: Seen, catalog: Catalog) -> Safeguarding:
    reasons = [
        reason
        for code in rules.SAFEGUARDING_RULES
        if (rule := catalog.rule(code)) is not None
        for reason in _RULES[code](seen, rule)
    ]
    reasons.sort(key=lambda r: LEVELS.index(r.level))  # stable: rule order within a level
    # Watched: what could add up but has not, and is not already in view as part of a reason
    # or of an indication (whose cautions the page shows).
    covered = {code for reason in reasons for code in reason.signals}
    covered.update(code for matched, _first, _last in seen.indications.values() for code in matched)
    watch = tuple(
        WatchSignal(code, len(days), len(set(days)), max(days))
        for code in rules.watch_signals(catalog)
        if code not in covered and (days := seen.own.get(code))
    )
    return Safeguarding(tuple(reasons), watch)


def _span(first: date, last: date) -> int:
    return (last - first).days


def _consult_now_signals(seen: Seen, rule) -> list[SafeguardingReason]:
    codes = tuple(code for code in rule.signal_codes if code in seen.anyone)
    if not codes:
        return []
    moments = sorted({m for code in codes for m in seen.anyone[code]}, key=lambda m: m[0])
    days = sorted({day for day, _informant in moments})
    informants = tuple(dict.fromkeys(who for _day, who in moments if who))
    return [
        SafeguardingReason(
            rule.code,
            CONSULT_NOW,
            signals=codes,
            informants=informants,
            days=len(days),
            first=days[0],
            last=days[-1],
        )
    ]


def _consult_now_risk_factors(seen: Seen, rule) -> list[SafeguardingReason]:
    if not seen.safeguarding_factors:
        return []
    return [SafeguardingReason(rule.code, CONSULT_NOW, risk_factors=seen.safeguarding_factors)]


def _signals_reason(seen: Seen, rule, codes: tuple[str, ...]) -> SafeguardingReason:
    days = sorted({day for code in codes for day in seen.own[code]})
    return SafeguardingReason(
        rule.code,
        MAP_SIGNALS,
        signals=codes,
        patterns=rule.pattern_codes,
        days=len(days),
        first=days[0],
        last=days[-1],
    )


def _map_disorganised(seen: Seen, rule) -> list[SafeguardingReason]:
    codes = tuple(code for code in rule.signal_codes if code in seen.own)
    if not codes or len(codes) < rule.threshold("min_signals", 2):
        return []
    reason = _signals_reason(seen, rule, codes)
    assert reason.first is not None and reason.last is not None
    if reason.days < rule.threshold("min_days", 3):
        return []
    if _span(reason.first, reason.last) < rule.threshold("min_span_days", 10):
        return []
    return [reason]


def _map_frozen_watchfulness(seen: Seen, rule) -> list[SafeguardingReason]:
    codes = rule.signal_codes
    if not codes or any(code not in seen.own for code in codes):
        return []
    reason = _signals_reason(seen, rule, codes)
    return [reason] if reason.days >= rule.threshold("min_days", 2) else []


def _map_type_picture(seen: Seen, rule) -> list[SafeguardingReason]:
    found = []
    for pattern in rule.pattern_codes:
        if pattern not in seen.indications or seen.explained.get(pattern):
            continue
        matched, first, last = seen.indications[pattern]
        if len(matched) < rule.threshold("min_signals", 4):
            continue
        if _span(first, last) < rule.threshold("min_span_days", 28):
            continue
        days = {day for code in matched for day in seen.own[code]}
        found.append(
            SafeguardingReason(
                rule.code,
                MAP_SIGNALS,
                signals=matched,
                patterns=(pattern,),
                days=len(days),
                first=first,
                last=last,
            )
        )
    return found


def _map_mixed_patterns(seen: Seen, rule) -> list[SafeguardingReason]:
    patterns = rule.pattern_codes
    if len(patterns) < 2 or any(p not in seen.indications for p in patterns):
        return []
    first = min(seen.indications[p][1] for p in patterns)
    last = max(seen.indications[p][2] for p in patterns)
    if _span(first, last) < rule.threshold("min_span_days", 21):
        return []
    matched = {code for p in patterns for code in seen.indications[p][0]}
    days = {day for code in matched for day in seen.own[code]}
    return [
        SafeguardingReason(
            rule.code,
            MAP_SIGNALS,
            # In the order of the first pattern's signals, then the second's new ones.
            signals=tuple(dict.fromkeys(c for p in patterns for c in seen.indications[p][0])),
            patterns=patterns,
            days=len(days),
            first=first,
            last=last,
        )
    ]


_RULES = {
    rules.CONSULT_NOW_SIGNALS: _consult_now_signals,
    rules.CONSULT_NOW_RISK_FACTORS: _consult_now_risk_factors,
    rules.MAP_DISORGANISED: _map_disorganised,
    rules.MAP_FROZEN_WATCHFULNESS: _map_frozen_watchfulness,
    rules.MAP_TYPE_PICTURE: _map_type_picture,
    rules.MAP_MIXED_PATTERNS: _map_mixed_patterns,
}
assert set(_RULES) == set(rules.SAFEGUARDING_RULES)
