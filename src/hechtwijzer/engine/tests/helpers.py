"""Shared test helpers: observations by school-week day, and a tiny hand-made catalog.

The tiny catalog is built in Python and never loaded from the data files, so the tests that
pin exact orderings fail only when the engine changes, not when the real catalog grows.
"""

from __future__ import annotations

from datetime import date, timedelta

from hechtwijzer.catalog import Catalog, Caution, Link, Measure, Pattern, Signal, Source, Text

from ..profile import Observation

# A Monday; case tests count school days from here.
START = date(2026, 9, 7)


def day(n: int) -> date:
    return START + timedelta(days=n)


def obs(n: int, *signals: str, informant: str | None = None) -> Observation:
    """An observation `n` days after START."""
    return Observation(day(n), signals, informant)


SRC = Source(seed="000_test.txt", section="1. Kop")


def _text(en: str) -> Text:
    return Text(nl=en, en=en)


def _signal(code: str, group: str, *patterns: str) -> Signal:
    return Signal(
        code=code,
        label=_text(code),
        description=_text(code),
        sources=(SRC,),
        group=group,
        patterns=tuple(Link(p, Source(seed="000_test.txt", section=p), "test") for p in patterns),
    )


def _pattern(code: str, *cautions: str) -> Pattern:
    return Pattern(
        code=code,
        label=_text(code),
        description=_text(code),
        sources=(SRC,),
        type="pattern",
        cautions=tuple(Caution(c, _text(c), SRC) for c in cautions),
    )


def _measure(code: str, type_: str, *signals: str, matches: str | None = None) -> Measure:
    return Measure(
        code=code,
        label=_text(code),
        description=_text(code),
        sources=(SRC,),
        type=type_,
        addresses=tuple(Link(s, SRC, "test") for s in signals),
        matches=Link(matches, SRC, "test") if matches else None,
    )


def tiny_catalog() -> Catalog:
    """Signals a-f; `worry` (with a rule_out caution; `b` is tied to it alone), `danger`
    (`d` is tied to it alone) and `secure`; four card measures, two tips (one duplicating
    card_2) and one attitude. No rules: the engine's default thresholds apply and no
    safeguarding rule does."""
    return Catalog(
        version="test",
        seeds=(),
        vocabularies={},
        signals=(
            _signal("a", "behaviour", "worry"),
            _signal("b", "pattern", "worry"),
            _signal("c", "behaviour", "worry", "secure"),
            _signal("d", "pattern", "danger"),
            _signal("e", "pattern", "danger", "worry"),
            _signal("f", "behaviour", "danger"),
        ),
        patterns=(
            _pattern("secure"),
            _pattern("worry", "rule_out_something", "not_a_disorder"),
            _pattern("danger", "safeguarding"),
        ),
        measures=(
            _measure("card_1", "card", "c"),
            _measure("card_2", "card", "a", "b"),
            _measure("card_3", "card", "b", "c"),
            _measure("card_4", "card", "a"),
            _measure("tip_1", "tip", "a", "b", "c", matches="card_2"),
            _measure("tip_2", "tip", "a", "e"),
            _measure("attitude_calm", "attitude", "a"),
        ),
    )
