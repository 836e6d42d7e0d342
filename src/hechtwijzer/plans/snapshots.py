"""Snapshots for an honest evaluation: the profile a focus-card version was based on.

When a version starts (`actions.start_card`, and the next version that `actions.evaluate`
opens) and when it is evaluated, the domain function stores what the engine made of the
pupil's observations that day, inside the same transaction: `FocusCard.profile_at_start` and
`Evaluation.profile_at_evaluation`. Later observations, corrections or a changed catalog then
cannot rewrite what a plan was meant to address. The evaluation compares the two.

A snapshot is minimal and holds no free text: catalog codes, counts, days and dates only.

    {
      "format": 1,
      "as_of": "2026-09-07",                 # the profile's day; the window ends on it
      "window_weeks": 8,
      "catalog": "2026.1+b0c46fcf9b12",      # Catalog.version_tag: version and content hash
      "observations": 12, "days": 7,         # the school's own observations in the window
      "insufficient_data": false,
      "signals": [{"code": "restless_chaotic", "count": 5, "days": 3}],
      "indications": [{"code": "disinhibited", "signals": ["restless_chaotic", ...]}],
      "safeguarding": {"level": "map_signals", "reasons": ["map_disorganised"]},
      "measures": {"sticordi_07": ["restless_chaotic"]},
      "recommended": ["sticordi_07"]
    }

`signals` are those of the counted signal groups: a direct safety concern is never one more
number here (`observations.profiles.counted_groups`); it shows only as the safeguarding level
and the codes of its rules. `measures` maps every card measure and tip that answers at least
one of the snapshot's signals to the signals it answers, by the catalog's `addresses` links of
that day: what a measure was meant to address stays as it was, even when the catalog changes.
The profile is the focus card's own (observations only, no risk factors: those are the care
coordinator's), so taking a snapshot reads nothing the person acting may not see.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from hechtwijzer.catalog import Catalog, Item, get_catalog
from hechtwijzer.observations.profiles import build_profile, counted_groups

FORMAT = 1


def take(pupil, as_of: datetime.date) -> dict[str, Any]:
    """The snapshot of the pupil's profile on `as_of` (one query). A period typed to start
    before the pupil was born is taken on the birth date (the engine refuses earlier days)."""
    if pupil.date_of_birth and as_of < pupil.date_of_birth:
        as_of = pupil.date_of_birth
    return from_profile(build_profile(pupil, as_of), get_catalog())


def from_profile(profile, catalog: Catalog) -> dict[str, Any]:
    counted = set(counted_groups())
    known = catalog.by_code["signals"]
    signals = [s for s in profile.signals if s.code in known and known[s.code].group in counted]
    codes = {s.code for s in signals}
    measures = {
        r.code: [c for c in r.addresses if c in codes]
        for r in (*profile.recommended_measures, *profile.measure_ideas)
    }
    return {
        "format": FORMAT,
        "as_of": profile.as_of.isoformat(),
        "window_weeks": profile.window.weeks,
        "catalog": catalog.version_tag,
        "observations": profile.observations,
        "days": profile.days,
        "insufficient_data": profile.insufficient_data,
        "signals": [{"code": s.code, "count": s.count, "days": s.days} for s in signals],
        "indications": [
            {"code": m.code, "signals": [c for c in m.matched if c in codes]}
            for m in profile.indications
        ],
        "safeguarding": {
            "level": profile.safeguarding.level,
            "reasons": [r.code for r in profile.safeguarding.reasons],
        },
        "measures": {code: addressed for code, addressed in measures.items() if addressed},
        "recommended": [r.code for r in profile.recommended_measures],
    }


# --- comparing the start with the evaluation ---------------------------------------------------


@dataclass(frozen=True)
class SignalChange:
    """One signal a measure was meant to address: seen how often, on how many days, in the
    window before the start and in the window before the evaluation."""

    code: str
    signal: Item | None  # the catalog item, None for a code the catalog no longer has
    start_count: int
    start_days: int
    end_count: int | None  # None: no snapshot at the evaluation
    end_days: int | None

    @property
    def trend(self) -> str:
        """One of "fewer", "more", "same", or "" when there is nothing to compare with."""
        if self.end_count is None:
            return ""
        if self.end_count < self.start_count:
            return "fewer"
        return "more" if self.end_count > self.start_count else "same"


@dataclass(frozen=True)
class MeasureIntent:
    """What a measure that was tried was meant to address, by the snapshot at the start."""

    code: str  # the catalog measure; "" for an own measure
    recommended: bool  # recommended at the start (rather than only an idea, or neither)
    signals: tuple[SignalChange, ...]  # empty: it answered none of the signals seen then


@dataclass(frozen=True)
class Comparison:
    start: dict[str, Any] | None
    end: dict[str, Any] | None
    measures: tuple[MeasureIntent, ...]
    start_indications: tuple[Item, ...]
    end_indications: tuple[Item, ...]

    @property
    def catalog_changed(self) -> bool:
        return bool(self.start and self.end and self.start["catalog"] != self.end["catalog"])


def _counts(snapshot: dict[str, Any] | None) -> dict[str, tuple[int, int]] | None:
    if snapshot is None:
        return None
    return {s["code"]: (s["count"], s["days"]) for s in snapshot.get("signals", [])}


def _patterns(snapshot: dict[str, Any] | None, catalog: Catalog) -> tuple[Item, ...]:
    known = catalog.by_code["patterns"]
    codes = [i["code"] for i in (snapshot or {}).get("indications", [])]
    return tuple(known[c] for c in codes if c in known)


def compare(
    start: dict[str, Any] | None, end: dict[str, Any] | None, measure_codes: list[str]
) -> Comparison:
    """Per measure tried (catalog codes; "" for an own measure), the signals of the start
    snapshot it was meant to address and how often each was seen at the evaluation. Either
    snapshot may be missing (a card started before snapshots were kept): then there is
    nothing to say per measure. No database access."""
    catalog = get_catalog()
    known = catalog.by_code["signals"]
    before, after = _counts(start), _counts(end)
    intents = []
    if before is not None:
        meant = start.get("measures", {})
        recommended = set(start.get("recommended", []))
        for code in measure_codes:
            changes = tuple(
                SignalChange(
                    code=signal,
                    signal=known.get(signal),
                    start_count=before.get(signal, (0, 0))[0],
                    start_days=before.get(signal, (0, 0))[1],
                    end_count=None if after is None else after.get(signal, (0, 0))[0],
                    end_days=None if after is None else after.get(signal, (0, 0))[1],
                )
                for signal in (meant.get(code, []) if code else [])
            )
            intents.append(MeasureIntent(code, code in recommended, changes))
    return Comparison(
        start=start,
        end=end,
        measures=tuple(intents),
        start_indications=_patterns(start, catalog),
        end_indications=_patterns(end, catalog),
    )
