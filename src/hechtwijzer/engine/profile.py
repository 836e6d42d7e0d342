"""The signal profile of one pupil: what was observed, what it resembles, what to do about it.

The engine describes observations; it never says a pupil "has" a pattern or a disorder. An
indication means only "these observed signals are ones a source describes under this pattern",
always with that pattern's cautions, to prepare a conversation in the care team.

Rules, in one place so they are easy to find and to discuss (their numbers are the catalog's,
rules.toml; docs/safeguarding.md says the same in words for a care coordinator):

- Window: the `window_weeks` weeks that end on `as_of`, both ends included (8 weeks = 56
  days). Observations outside it count for nothing but are reported as `outside_window`.
- Own observations and reports: observations whose informant is a parent or the pupil
  (`rules.REPORT_INFORMANTS`) are reports. They are shown beside the school's own observations
  and never counted into its picture; only the safeguarding rule for direct safety signals
  reads them. With `informant=...` the profile is that one informant's, and all of its
  observations count.
- Counting: a signal's `count` is the number of own observations in the window that logged it
  (a code listed twice in one observation counts once); `days` is the number of distinct dates.
- Indication (`indication_persistence`): a pattern or type is shown when at least
  `min_signals` distinct signals that a source describes under it were observed, at least
  `min_specific` of them tied by the sources to that pattern alone (`rules.specific_signals`),
  on at least `min_days` distinct days whose first and last lie at least `min_span_days`
  apart. One busy afternoon, one bad week, or general classroom signals alone are no picture.
  `secure` is never an indication: it is the reference point, not a concern.
- Insufficient data: too few days of own observations, or too short a stretch between the
  first and the last, for any indication to be possible. Plenty observed that resembles no
  pattern is not insufficient data; the profile says so instead.
- Strongest first: more distinct matched signals, then more distinct days, then a higher total
  count, then catalog order (which makes the order fully deterministic).
- Safeguarding: see `safeguarding`.
- Measures (`recommendation_recurring`): card measures and tips that answer an observed signal.
  Recommended, once there is enough data, when they answer a signal that counts: seen on at
  least the rule's `min_days` days, and either one of an indication's signals or persistent on
  its own by the indication's measure (on at least `min_days` days whose first and last lie
  at least `min_span_days` apart: seen again in another school week). Otherwise offered as
  ideas: two days of a general classroom signal mark no rows. Best coverage first: more
  distinct signals answered, then their higher total count, then catalog order (the card's own
  order, then the tips). A tip that duplicates a listed card measure is left out. Attitude
  principles are not measures to pick; the ones linked to observed signals are listed
  separately.
- Emotional age: the sources' advice to address the child emotionally at about a third of its
  age is given for children with an attachment disorder, so it is offered only beside an
  indication, never for every pupil.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from ..catalog import Catalog, Caution, Item, Pattern, Source
from . import rules
from .risk import RiskOverview, assess_risk
from .rules import Thresholds
from .safeguarding import Safeguarding, SafeguardingReason, Seen, WatchSignal, assess

# Never an indication of concern: secure attachment is what the other patterns are compared to.
NOT_OF_CONCERN = frozenset({"secure"})
# The catalog item holding the advice to address a pupil emotionally at a third of its age.
EMOTIONAL_AGE_ADVICE = "attitude_emotional_age_third"

__all__ = [
    "EmotionalAge",
    "Observation",
    "PatternMatch",
    "Profile",
    "Recommendation",
    "Safeguarding",
    "SafeguardingReason",
    "SignalCount",
    "Thresholds",
    "WatchSignal",
    "Window",
    "build_profile",
]


@dataclass(frozen=True)
class Observation:
    """One moment of logging: the signals noticed on a date, optionally by whom."""

    date: date
    signals: tuple[str, ...]
    informant: str | None = None


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
    count: int  # own observations in the window that logged the signal
    days: int  # distinct dates among them


@dataclass(frozen=True)
class PatternMatch:
    """The observed signals that a source describes under one pattern or type."""

    code: str
    signals: tuple[SignalCount, ...]  # catalog order
    specific: tuple[str, ...]  # the matched signals the sources tie to this pattern alone
    days: int  # distinct dates on which any of these signals was observed
    first: date
    last: date
    linked: int  # how many catalog signals a source describes under this pattern
    sources: tuple[Source, ...]  # the pattern's own, then those of the matched links
    cautions: tuple[Caution, ...]
    explained_by: tuple[str, ...]  # recorded risk factors that may explain this picture
    meets_thresholds: bool

    @property
    def matched(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.signals)

    @property
    def count(self) -> int:
        return sum(s.count for s in self.signals)

    @property
    def span_days(self) -> int:
        return (self.last - self.first).days


@dataclass(frozen=True)
class Recommendation:
    """A catalog measure and the observed signals (catalog order) it answers."""

    code: str
    addresses: tuple[str, ...]


@dataclass(frozen=True)
class EmotionalAge:
    """The sources' advice to address the pupil emotionally at about a third of its age,
    given for a child with an attachment disorder: offered only beside an indication."""

    years: int
    advice: str  # the catalog measure holding the advice
    sources: tuple[Source, ...]
    patterns: tuple[str, ...]  # the indications it is offered beside


@dataclass(frozen=True)
class Profile:
    as_of: date
    window: Window
    thresholds: Thresholds
    informant: str | None
    observations: int  # own observations in the window
    reports: int  # reports of parents or the pupil in the window (not in the picture)
    outside_window: int
    days: int  # distinct days with own observations in the window
    first: date | None
    last: date | None
    signals: tuple[SignalCount, ...]  # own, in the window, catalog order
    matches: tuple[PatternMatch, ...]  # every pattern with a matched signal, catalog order
    indications: tuple[PatternMatch, ...]  # the matches that meet the thresholds, strongest first
    safeguarding: Safeguarding
    recommended_measures: tuple[Recommendation, ...]
    measure_ideas: tuple[Recommendation, ...]
    attitudes: tuple[Recommendation, ...]
    age: int | None
    emotional_age: EmotionalAge | None
    risk: RiskOverview

    @property
    def span_days(self) -> int:
        """Days between the first and the last own observation in the window (0 for one day)."""
        return (self.last - self.first).days if self.first and self.last else 0

    @property
    def insufficient_data(self) -> bool:
        """Too little observed for any indication to be possible, whatever was logged."""
        limits = self.thresholds
        return self.days < limits.min_days or self.span_days < limits.min_span_days


def build_profile(
    observations: Iterable[Observation],
    *,
    catalog: Catalog,
    as_of: date,
    window_weeks: int = 8,
    thresholds: Thresholds | None = None,
    birth_date: date | None = None,
    risk_factors: Iterable[str] = (),
    protective_factors: Iterable[str] = (),
    informant: str | None = None,
    measures: bool = True,
) -> Profile:
    """The profile on `as_of`. With `informant`, only that informant's observations count
    (one profile per informant). `thresholds` defaults to the catalog's. `measures=False`
    leaves the measures out (empty), for lists that show only the indications and the
    safeguarding level. Unknown codes and impossible dates raise ValueError."""
    if window_weeks < 1:
        raise ValueError("window_weeks must be at least 1")
    if birth_date is not None and as_of < birth_date:
        raise ValueError(f"as_of {as_of} is before birth_date {birth_date}")
    if thresholds is None:
        thresholds = Thresholds.from_catalog(catalog)
    try:
        start = as_of - timedelta(weeks=window_weeks) + timedelta(days=1)
    except OverflowError:  # a window reaching back before the year 1: it starts there
        start = date.min
    window = Window(start, as_of, window_weeks)
    known = catalog.by_code["signals"]
    own: defaultdict[str, list[date]] = defaultdict(list)  # signal -> one date per observation
    anyone: defaultdict[str, list[tuple[date, str | None]]] = defaultdict(list)
    inside = reports = outside = 0
    for observation in observations:
        for code in observation.signals:
            if code not in known:
                raise ValueError(f"unknown signal {code!r}")
        if informant is not None and observation.informant != informant:
            continue
        if observation.date not in window:
            outside += 1
            continue
        codes = set(observation.signals)
        for code in codes:
            anyone[code].append((observation.date, observation.informant))
        if informant is None and observation.informant in rules.REPORT_INFORMANTS:
            reports += 1
            continue
        inside += 1
        for code in codes:
            own[code].append(observation.date)

    signal_order = _index(catalog.signals)
    signals = tuple(
        SignalCount(code, len(own[code]), len(set(own[code])))
        for code in sorted(own, key=signal_order.__getitem__)
    )
    risk = assess_risk(risk_factors, protective_factors, catalog=catalog)
    explained = _explained(risk.risk_factors, catalog)
    specific = rules.specific_signals(catalog)
    matches = tuple(
        match
        for pattern in catalog.patterns
        if pattern.code not in NOT_OF_CONCERN
        and (match := _match(pattern, signals, own, catalog, thresholds, specific, explained))
    )
    # sorted() is stable and `matches` is in catalog order, which settles the last ties.
    indications = tuple(
        sorted(
            (m for m in matches if m.meets_thresholds),
            key=lambda m: (-len(m.signals), -m.days, -m.count),
        )
    )
    all_days = sorted({day for dates in own.values() for day in dates})
    first, last = (all_days[0], all_days[-1]) if all_days else (None, None)
    enough = len(all_days) >= thresholds.min_days and (
        bool(all_days) and (all_days[-1] - all_days[0]).days >= thresholds.min_span_days
    )
    indicated = {code for m in indications for code in m.matched}
    recommended, ideas = (
        _measures(signals, own, catalog, enough, thresholds, indicated) if measures else ((), ())
    )
    seen = Seen(
        own=own,
        anyone=anyone,
        indications={m.code: (m.matched, m.first, m.last) for m in indications},
        safeguarding_factors=risk.safeguarding,
        explained={m.code: m.explained_by for m in matches},
    )
    age = _age(birth_date, as_of) if birth_date is not None else None
    return Profile(
        as_of=as_of,
        window=window,
        thresholds=thresholds,
        informant=informant,
        observations=inside,
        reports=reports,
        outside_window=outside,
        days=len(all_days),
        first=first,
        last=last,
        signals=signals,
        matches=matches,
        indications=indications,
        safeguarding=assess(seen, catalog),
        recommended_measures=recommended,
        measure_ideas=ideas,
        attitudes=_rank(signals, catalog, ("attitude",)) if measures else (),
        age=age,
        emotional_age=(
            _emotional_age(age, catalog, indications) if age is not None and indications else None
        ),
        risk=risk,
    )


def _index(items: tuple[Item, ...]) -> dict[str, int]:
    """code -> position in the catalog (display order)."""
    return {item.code: i for i, item in enumerate(items)}


def _explained(recorded: tuple[str, ...], catalog: Catalog) -> dict[str, tuple[str, ...]]:
    """pattern -> the recorded risk factors (catalog order) that may explain its picture."""
    explains = rules.explanations(catalog)
    found: defaultdict[str, list[str]] = defaultdict(list)
    for factor in recorded:
        for pattern in explains.get(factor, ()):
            found[pattern].append(factor)
    return {pattern: tuple(factors) for pattern, factors in found.items()}


def _match(
    pattern: Pattern,
    signals: tuple[SignalCount, ...],
    dates: dict[str, list[date]],
    catalog: Catalog,
    thresholds: Thresholds,
    specific: dict[str, frozenset[str]],
    explained: dict[str, tuple[str, ...]],
) -> PatternMatch | None:
    links = rules.pattern_links(catalog)[pattern.code]
    matched = tuple(s for s in signals if s.code in links)
    if not matched:
        return None
    days = sorted({day for s in matched for day in dates[s.code]})
    tied = tuple(s.code for s in matched if s.code in specific.get(pattern.code, ()))
    sources = dict.fromkeys((*pattern.sources, *(links[s.code].source for s in matched)))
    meets = (
        len(matched) >= thresholds.min_signals
        and len(tied) >= thresholds.min_specific
        and len(days) >= thresholds.min_days
        and (days[-1] - days[0]).days >= thresholds.min_span_days
    )
    return PatternMatch(
        code=pattern.code,
        signals=matched,
        specific=tied,
        days=len(days),
        first=days[0],
        last=days[-1],
        linked=len(links),
        sources=tuple(sources),
        cautions=pattern.cautions,
        explained_by=explained.get(pattern.code, ()),
        meets_thresholds=meets,
    )


def _measures(
    signals: tuple[SignalCount, ...],
    dates: dict[str, list[date]],
    catalog: Catalog,
    enough: bool,
    thresholds: Thresholds,
    indicated: set[str],
) -> tuple[tuple[Recommendation, ...], tuple[Recommendation, ...]]:
    """(recommended, ideas): recommended only with enough data, for signals that count."""
    recurring = (
        tuple(
            s
            for s in signals
            if counts_for_recommendation(s, dates[s.code], catalog, thresholds, indicated)
        )
        if enough
        else ()
    )
    recommended = _rank(recurring, catalog, ("card", "tip"))
    taken = {r.code for r in recommended}
    ideas = _rank(signals, catalog, ("card", "tip"), exclude=taken)
    return recommended, ideas


def counts_for_recommendation(
    signal: SignalCount,
    dates: list[date],
    catalog: Catalog,
    thresholds: Thresholds,
    indicated: set[str] | frozenset[str],
) -> bool:
    """Whether the measures answering this signal are recommended (given enough data): seen
    on the recommendation rule's number of days, and part of an indication or persistent by
    the indication's own measure (days, and the stretch between the first and the last).
    Both numbers are the catalog's; no new one is made up here."""
    if signal.days < rules.recurring_min_days(catalog):
        return False
    if signal.code in indicated:
        return True
    return (
        signal.days >= thresholds.min_days
        and (max(dates) - min(dates)).days >= thresholds.min_span_days
    )


def _rank(
    signals: tuple[SignalCount, ...],
    catalog: Catalog,
    types: tuple[str, ...],
    exclude: set[str] | frozenset[str] = frozenset(),
) -> tuple[Recommendation, ...]:
    counts = {s.code: s.count for s in signals}
    measures = {
        m.code: m
        for code in counts
        for m in catalog.measures_for_signal(code)
        if m.type in types and m.code not in exclude
    }
    listed = set(measures) | set(exclude)
    found = [
        Recommendation(m.code, tuple(code for code in counts if code in m.signal_codes))
        for m in measures.values()
        # A tip that duplicates a listed card measure would only say the same again.
        if m.matches is None or m.matches.code not in listed
    ]
    order = _index(catalog.measures)
    found.sort(
        key=lambda r: (-len(r.addresses), -sum(counts[c] for c in r.addresses), order[r.code])
    )
    return tuple(found)


def _age(birth_date: date, on: date) -> int:
    """Whole years; a 29 February birthday turns over on 1 March in other years."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def _emotional_age(
    age: int, catalog: Catalog, indications: tuple[PatternMatch, ...]
) -> EmotionalAge | None:
    advice = catalog.by_code["measures"].get(EMOTIONAL_AGE_ADVICE)
    if advice is None:  # a catalog without the advice (e.g. a test fixture): nothing to say
        return None
    # age / 3 rounded to the nearest whole year (never exactly half): 9 -> 3, 11 -> 4.
    return EmotionalAge(
        years=(age + 1) // 3,
        advice=advice.code,
        sources=advice.sources,
        patterns=tuple(m.code for m in indications),
    )
