"""The engine's rules as the catalog states them: their codes, numbers and the signals and
patterns each looks at (catalog `rules.toml`, effects `indication`, `recommendation`,
`consult_now` and `map_signals`; docs/safeguarding.md explains them in words).

The logic of each rule is code (here and in `profile` / `safeguarding`); its numbers, its
signals and its patterns are data, so the care experts who check the rules read and change
them in one place, next to their reasons and sources. A catalog without one of these rules
(a small test catalog) simply does not apply it; the product's own catalog must hold them all,
which `missing_rules` lets a test and the app's start-up check verify.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields

from ..catalog import Catalog, Link, Rule

# Rule codes (rules.toml). Permanent, like every catalog code.
INDICATION = "indication_persistence"
RECOMMENDATION = "recommendation_recurring"
CONSULT_NOW_SIGNALS = "consult_now_signals"
CONSULT_NOW_RISK_FACTORS = "consult_now_risk_factors"
MAP_DISORGANISED = "map_disorganised_signals"
MAP_FROZEN_WATCHFULNESS = "map_frozen_watchfulness"
MAP_TYPE_PICTURE = "map_type_picture"
MAP_MIXED_PATTERNS = "map_mixed_patterns"
SAFEGUARDING_RULES = (
    CONSULT_NOW_SIGNALS,
    CONSULT_NOW_RISK_FACTORS,
    MAP_DISORGANISED,
    MAP_FROZEN_WATCHFULNESS,
    MAP_TYPE_PICTURE,
    MAP_MIXED_PATTERNS,
)
ENGINE_RULES = (INDICATION, RECOMMENDATION, *SAFEGUARDING_RULES)

# The safeguarding levels, most urgent first (a rule's `effect`).
CONSULT_NOW = "consult_now"
MAP_SIGNALS = "map_signals"
LEVELS = (CONSULT_NOW, MAP_SIGNALS)

# Informants whose observations are reports: what a parent or the pupil told the school. They
# are shown beside the school's own observations and never counted into its picture, but a
# direct safety signal counts from anyone (rules.toml, `consult_now_signals`).
REPORT_INFORMANTS = frozenset({"parent", "pupil"})

# Groups whose signals can be specific to one pattern or type: the sources' descriptions of
# the patterns and the types' feature lists. The school lists (behaviour, learning) give their
# signals for attachment problems in general, so they never carry a picture on their own.
SPECIFIC_GROUPS = frozenset({"pattern", "inhibited", "disinhibited"})


@dataclass(frozen=True)
class Thresholds:
    """How much must be observed before an indication is shown (rules.toml,
    `indication_persistence`): distinct matching signals, of which `min_specific` specific to
    the pattern, on `min_days` distinct days whose first and last lie `min_span_days` apart."""

    min_signals: int = 3
    min_specific: int = 1
    min_days: int = 3
    min_span_days: int = 10

    def __post_init__(self) -> None:
        for name in ("min_signals", "min_days"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        for name in ("min_specific", "min_span_days"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be at least 0")
        if self.min_specific > self.min_signals:
            raise ValueError("min_specific cannot exceed min_signals")

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> Thresholds:
        rule = catalog.rule(INDICATION)
        defaults = cls()
        if rule is None:
            return defaults
        return cls(
            **{f.name: rule.threshold(f.name, getattr(defaults, f.name)) for f in fields(cls)}
        )


def recurring_min_days(catalog: Catalog) -> int:
    """On how many days a signal must be seen before its measures are recommended."""
    rule = catalog.rule(RECOMMENDATION)
    return rule.threshold("min_days", 2) if rule is not None else 2


def missing_rules(catalog: Catalog) -> tuple[str, ...]:
    """The engine rules this catalog lacks (the product's catalog must lack none)."""
    return tuple(code for code in ENGINE_RULES if catalog.rule(code) is None)


def rule(catalog: Catalog, code: str) -> Rule | None:
    return catalog.rule(code)


@functools.lru_cache(maxsize=16)
def consult_now_signals(catalog: Catalog) -> frozenset[str]:
    """Signals that on their own, once, from any informant, mean: consult today."""
    found = catalog.rule(CONSULT_NOW_SIGNALS)
    return frozenset(found.signal_codes) if found is not None else frozenset()


@functools.lru_cache(maxsize=16)
def watch_signals(catalog: Catalog) -> tuple[str, ...]:
    """Signals that can add up to `map_signals` but never set a level on their own: seen
    below the thresholds, they go on the care coordinator's "keep an eye on" list. In catalog
    order."""
    wanted: set[str] = set()
    for code in (MAP_DISORGANISED, MAP_FROZEN_WATCHFULNESS):
        if (found := catalog.rule(code)) is not None:
            wanted.update(found.signal_codes)
    wanted -= consult_now_signals(catalog)
    return tuple(s.code for s in catalog.signals if s.code in wanted)


@functools.lru_cache(maxsize=16)
def specific_signals(catalog: Catalog) -> dict[str, frozenset[str]]:
    """pattern code -> the signals the sources tie to that pattern or type alone: a feature
    from the patterns' or types' own descriptions (SPECIFIC_GROUPS) linked to no other."""
    found: dict[str, set[str]] = {p.code: set() for p in catalog.patterns}
    for signal in catalog.signals:
        codes = signal.pattern_codes
        if signal.group in SPECIFIC_GROUPS and len(codes) == 1 and codes[0] in found:
            found[codes[0]].add(signal.code)
    return {code: frozenset(signals) for code, signals in found.items()}


@functools.lru_cache(maxsize=16)
def explanations(catalog: Catalog) -> dict[str, frozenset[str]]:
    """risk factor code -> the patterns or types whose picture it may explain (`explains`)."""
    return {
        factor.code: frozenset(link.code for link in factor.explains)
        for factor in catalog.risk_factors
        if factor.explains
    }


@functools.lru_cache(maxsize=16)
def map_signal_candidates(catalog: Catalog) -> frozenset[str]:
    """Every signal that can take part in a `map_signals` rule: a pupil with none of these in
    the window cannot be at that level (the care coordinator's lists use this to pick the few
    pupils worth a profile)."""
    found: set[str] = set()
    for code in (MAP_DISORGANISED, MAP_FROZEN_WATCHFULNESS, MAP_TYPE_PICTURE, MAP_MIXED_PATTERNS):
        if (rule := catalog.rule(code)) is None:
            continue
        found.update(rule.signal_codes)
        for pattern in rule.pattern_codes:
            found.update(s.code for s in catalog.signals_for_pattern(pattern))
    return frozenset(found)


@functools.lru_cache(maxsize=16)
def pattern_links(catalog: Catalog) -> dict[str, dict[str, Link]]:
    """pattern code -> {signal code: the link a source makes}: asked for every pattern of every
    profile, so worked out once per catalog."""
    found: dict[str, dict[str, Link]] = {p.code: {} for p in catalog.patterns}
    for signal in catalog.signals:
        for link in signal.patterns:
            if link.code in found:
                found[link.code].setdefault(signal.code, link)
    return found
