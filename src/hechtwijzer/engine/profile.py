"""The signal profile of one pupil: what was observed, what it matches, what to do about it.

The engine describes observations; it never says a pupil "has" a pattern or a disorder. An
indication means only "these observed signals are ones a source describes under this pattern",
always with that pattern's cautions, to prepare a conversation in the care team.

Rules, in one place so they are easy to find and to discuss:

- Window: the `window_weeks` weeks that end on `as_of`, both ends included (8 weeks = 56
  days). Observations outside it count for nothing but are reported as `outside_window`.
- Counting: a signal's `count` is the number of observations in the window that logged it (a
  code listed twice in one observation counts once); `days` is the number of distinct dates.
- Indication: a pattern or type is shown when at least `Thresholds.min_signals` distinct
  signals that a source describes under it were observed, on at least `Thresholds.min_days`
  distinct days between them. One busy afternoon, or one signal seen often, is not a picture.
  `secure` is never an indication: it is the reference point, not a concern.
- Strongest first: more distinct matched signals, then more distinct days, then a higher total
  count, then catalog order (which makes the order fully deterministic).
- Safeguarding: see `_safeguarding`.
- Measures: card measures and tips that answer at least one observed signal, best coverage
  first: more distinct observed signals answered, then their higher total count, then catalog
  order (the card's own order, then the tips). A tip that duplicates a recommended card measure
  is left out. Attitude principles are not measures to pick; the ones linked to observed
  signals are listed separately.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from ..catalog import Catalog, Caution, Item, Pattern, Source
from .risk import RiskOverview, assess_risk

# Never an indication of concern: secure attachment is what the other patterns are compared to.
NOT_OF_CONCERN = frozenset({"secure"})
# The catalog item holding the advice to address a pupil emotionally at a third of its age.
EMOTIONAL_AGE_ADVICE = "attitude_emotional_age_third"
# A pattern with a caution of this code switches on the safeguarding route.
SAFEGUARDING_CAUTION = "safeguarding"
# Codes of safeguarding reasons (SafeguardingReason.code): the engine's own small vocabulary.
PATTERN_SIGNALS = "pattern_signals"
PATTERN_INDICATION = "pattern_indication"
RISK_FACTORS = "risk_factors"


@dataclass(frozen=True)
class Observation:
    """One moment of logging: the signals noticed on a date, optionally by whom."""

    date: date
    signals: tuple[str, ...]
    informant: str | None = None


@dataclass(frozen=True)
class Thresholds:
    """How much must be observed before an indication is shown (see the module docstring)."""

    min_signals: int = 3
    min_days: int = 2

    def __post_init__(self) -> None:
        for name in ("min_signals", "min_days"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")


@dataclass(frozen=True)
class Window:
    start: date
    end: date
    weeks: int

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


@dataclass(frozen=True)
class SignalCount:
    code: str
    count: int  # observations in the window that logged the signal
    days: int  # distinct dates among them


@dataclass(frozen=True)
class PatternMatch:
    """The observed signals that a source describes under one pattern or type."""

    code: str
    signals: tuple[SignalCount, ...]  # catalog order
    days: int  # distinct dates on which any of these signals was observed
    linked: int  # how many catalog signals a source describes under this pattern
    sources: tuple[Source, ...]  # the pattern's own, then those of the matched links
    cautions: tuple[Caution, ...]
    meets_thresholds: bool

    @property
    def matched(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.signals)

    @property
    def count(self) -> int:
        return sum(s.count for s in self.signals)


@dataclass(frozen=True)
class SafeguardingReason:
    """Why the safeguarding route is on: a reason code and the codes that caused it."""

    code: str  # PATTERN_SIGNALS, PATTERN_INDICATION or RISK_FACTORS
    pattern: str | None = None
    signals: tuple[str, ...] = ()
    risk_factors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Safeguarding:
    reasons: tuple[SafeguardingReason, ...] = ()

    @property
    def show(self) -> bool:
        return bool(self.reasons)


@dataclass(frozen=True)
class Recommendation:
    """A catalog measure and the observed signals (catalog order) it answers."""

    code: str
    addresses: tuple[str, ...]


@dataclass(frozen=True)
class EmotionalAge:
    """The sources' advice to address the pupil emotionally at about a third of its age."""

    years: int
    advice: str  # the catalog measure holding the advice
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Profile:
    as_of: date
    window: Window
    thresholds: Thresholds
    informant: str | None
    observations: int  # observations in the window
    outside_window: int
    signals: tuple[SignalCount, ...]  # observed in the window, catalog order
    matches: tuple[PatternMatch, ...]  # every pattern with a matched signal, catalog order
    indications: tuple[PatternMatch, ...]  # the matches that meet the thresholds, strongest first
    safeguarding: Safeguarding
    recommended_measures: tuple[Recommendation, ...]
    attitudes: tuple[Recommendation, ...]
    age: int | None
    emotional_age: EmotionalAge | None
    risk: RiskOverview

    @property
    def insufficient_data(self) -> bool:
        return not self.indications


def build_profile(
    observations: Iterable[Observation],
    *,
    catalog: Catalog,
    as_of: date,
    window_weeks: int = 8,
    thresholds: Thresholds = Thresholds(),
    birth_date: date | None = None,
    risk_factors: Iterable[str] = (),
    protective_factors: Iterable[str] = (),
    informant: str | None = None,
) -> Profile:
    """The profile on `as_of`. With `informant`, only that informant's observations count
    (one profile per informant). Unknown codes and impossible dates raise ValueError."""
    if window_weeks < 1:
        raise ValueError("window_weeks must be at least 1")
    if birth_date is not None and as_of < birth_date:
        raise ValueError(f"as_of {as_of} is before birth_date {birth_date}")
    try:
        start = as_of - timedelta(weeks=window_weeks) + timedelta(days=1)
    except OverflowError:  # a window reaching back before the year 1: it starts there
        start = date.min
    window = Window(start, as_of, window_weeks)
    known = catalog.by_code["signals"]
    dates: defaultdict[str, list[date]] = defaultdict(list)  # signal -> one date per observation
    inside = outside = 0
    for observation in observations:
        for code in observation.signals:
            if code not in known:
                raise ValueError(f"unknown signal {code!r}")
        if informant is not None and observation.informant != informant:
            continue
        if observation.date not in window:
            outside += 1
            continue
        inside += 1
        for code in set(observation.signals):
            dates[code].append(observation.date)

    signal_order = _index(catalog.signals)
    signals = tuple(
        SignalCount(code, len(dates[code]), len(set(dates[code])))
        for code in sorted(dates, key=signal_order.__getitem__)
    )
    matches = tuple(
        match
        for pattern in catalog.patterns
        if pattern.code not in NOT_OF_CONCERN
        and (match := _match(pattern, signals, dates, catalog, thresholds))
    )
    # sorted() is stable and `matches` is in catalog order, which settles the last ties.
    indications = tuple(
        sorted(
            (m for m in matches if m.meets_thresholds),
            key=lambda m: (-len(m.signals), -m.days, -m.count),
        )
    )
    risk = assess_risk(risk_factors, protective_factors, catalog=catalog)
    age = _age(birth_date, as_of) if birth_date is not None else None
    return Profile(
        as_of=as_of,
        window=window,
        thresholds=thresholds,
        informant=informant,
        observations=inside,
        outside_window=outside,
        signals=signals,
        matches=matches,
        indications=indications,
        safeguarding=_safeguarding(signals, indications, risk, catalog),
        recommended_measures=_recommend(signals, catalog, ("card", "tip")),
        attitudes=_recommend(signals, catalog, ("attitude",)),
        age=age,
        emotional_age=_emotional_age(age, catalog) if age is not None else None,
        risk=risk,
    )


def _index(items: tuple[Item, ...]) -> dict[str, int]:
    """code -> position in the catalog (display order)."""
    return {item.code: i for i, item in enumerate(items)}


def _match(
    pattern: Pattern,
    signals: tuple[SignalCount, ...],
    dates: dict[str, list[date]],
    catalog: Catalog,
    thresholds: Thresholds,
) -> PatternMatch | None:
    linked = catalog.signals_for_pattern(pattern.code)
    links = {s.code: link for s in linked for link in s.patterns if link.code == pattern.code}
    matched = tuple(s for s in signals if s.code in links)
    if not matched:
        return None
    days = len({day for s in matched for day in dates[s.code]})
    sources = dict.fromkeys((*pattern.sources, *(links[s.code].source for s in matched)))
    return PatternMatch(
        code=pattern.code,
        signals=matched,
        days=days,
        linked=len(linked),
        sources=tuple(sources),
        cautions=pattern.cautions,
        meets_thresholds=len(matched) >= thresholds.min_signals and days >= thresholds.min_days,
    )


def safeguarding_signals(catalog: Catalog) -> dict[str, tuple[str, ...]]:
    """pattern code -> the signals that on their own switch on the safeguarding route."""
    patterns = [
        p.code for p in catalog.patterns if any(c.code == SAFEGUARDING_CAUTION for c in p.cautions)
    ]
    return {
        code: tuple(
            s.code
            for s in catalog.signals_for_pattern(code)
            if s.group == "pattern" and set(s.pattern_codes) <= set(patterns)
        )
        for code in patterns
    }


def _safeguarding(
    signals: tuple[SignalCount, ...],
    indications: tuple[PatternMatch, ...],
    risk: RiskOverview,
    catalog: Catalog,
) -> Safeguarding:
    """When the care coordinator is shown the safeguarding route, and why.

    The sources link the disorganised pattern to maltreatment, neglect and domestic violence
    (about 80 % of children growing up with them show it), which the catalog marks with a
    `safeguarding` caution on that pattern. Three reasons switch the route on:

    - PATTERN_SIGNALS: a specific feature of such a pattern was observed, even once. Specific
      means a signal of group `pattern` (the sources' description of the pattern itself) that
      the sources describe under safeguarding patterns only, such as `freezes` or
      `fears_caregiver`. Broad classroom signals that are also linked to other patterns (e.g.
      `restless_chaotic`, `contradictory_behaviour`) do not count on their own. No threshold:
      a child that seems afraid of its own parent is reason to consult now, not after two weeks
      of logging, and consulting costs little while waiting can cost a great deal.
    - PATTERN_INDICATION: an indication of such a pattern is shown (so the `safeguarding`
      caution is never shown without the route, whatever signals made up the indication).
    - RISK_FACTORS: a risk factor marked `safeguarding` was recorded (domestic violence,
      neglect, abuse), whatever was observed.
    """
    observed = {s.code for s in signals}
    shown = {m.code: m for m in indications}
    reasons = []
    for pattern, specific in safeguarding_signals(catalog).items():
        if seen := tuple(code for code in specific if code in observed):
            reasons.append(SafeguardingReason(PATTERN_SIGNALS, pattern=pattern, signals=seen))
        if pattern in shown:
            reasons.append(
                SafeguardingReason(
                    PATTERN_INDICATION, pattern=pattern, signals=shown[pattern].matched
                )
            )
    if risk.safeguarding:
        reasons.append(SafeguardingReason(RISK_FACTORS, risk_factors=risk.safeguarding))
    return Safeguarding(tuple(reasons))


def _recommend(
    signals: tuple[SignalCount, ...], catalog: Catalog, types: tuple[str, ...]
) -> tuple[Recommendation, ...]:
    counts = {s.code: s.count for s in signals}
    measures = {
        m.code: m for code in counts for m in catalog.measures_for_signal(code) if m.type in types
    }
    found = [
        Recommendation(m.code, tuple(code for code in counts if code in m.signal_codes))
        for m in measures.values()
        # A tip that duplicates a recommended card measure would only say the same again.
        if m.matches is None or m.matches.code not in measures
    ]
    order = _index(catalog.measures)
    found.sort(
        key=lambda r: (-len(r.addresses), -sum(counts[c] for c in r.addresses), order[r.code])
    )
    return tuple(found)


def _age(birth_date: date, on: date) -> int:
    """Whole years; a 29 February birthday turns over on 1 March in other years."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def _emotional_age(age: int, catalog: Catalog) -> EmotionalAge | None:
    advice = catalog.by_code["measures"].get(EMOTIONAL_AGE_ADVICE)
    if advice is None:  # a catalog without the advice (e.g. a test fixture): nothing to say
        return None
    # age / 3 rounded to the nearest whole year (never exactly half): 9 -> 3, 11 -> 4.
    return EmotionalAge(years=(age + 1) // 3, advice=advice.code, sources=advice.sources)
