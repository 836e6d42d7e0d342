"""The profile as plain JSON-ready data: the output of `hechtwijzer profile`.

The DESIGN.md keys (`signals`, `indications`, `safeguarding` with `show`, `level` and
`reasons`, `insufficient_data`, `recommended_measures`, `measure_ideas`, `emotional_age`) keep
their shape; the other keys are extras for the web app and for people reading the command's
output. Codes, not prose: the web app renders catalog texts in
the reader's language. The same profile always gives the same dict.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..catalog import Caution, Source, Text
from .profile import EmotionalAge, PatternMatch, Profile, Recommendation, SignalCount
from .risk import RiskOverview
from .safeguarding import SafeguardingReason


def profile_to_json(profile: Profile) -> dict[str, Any]:
    return {
        "as_of": profile.as_of.isoformat(),
        "window": {
            "start": profile.window.start.isoformat(),
            "end": profile.window.end.isoformat(),
            "weeks": profile.window.weeks,
        },
        "thresholds": dataclasses.asdict(profile.thresholds),
        "informant": profile.informant,
        "observations": {
            "in_window": profile.observations,
            "reports_in_window": profile.reports,
            "outside_window": profile.outside_window,
            "days": profile.days,
            "span_days": profile.span_days,
        },
        "signals": [_signal(s) for s in profile.signals],
        "indications": [_indication(m) for m in profile.indications],
        "insufficient_data": profile.insufficient_data,
        # Every pattern with at least one matched signal, shown or not, in catalog order.
        "pattern_matches": [
            {
                "code": m.code,
                "matched": list(m.matched),
                "specific": list(m.specific),
                "days": m.days,
                "span_days": m.span_days,
                "linked": m.linked,
                "meets_thresholds": m.meets_thresholds,
            }
            for m in profile.matches
        ],
        "safeguarding": {
            "show": profile.safeguarding.show,
            "level": profile.safeguarding.level,
            "reasons": [_reason(r) for r in profile.safeguarding.reasons],
            "watch": [
                {"code": w.code, "count": w.count, "days": w.days, "last": w.last.isoformat()}
                for w in profile.safeguarding.watch
            ],
        },
        "recommended_measures": [_recommendation(r) for r in profile.recommended_measures],
        "measure_ideas": [_recommendation(r) for r in profile.measure_ideas],
        "attitudes": [_recommendation(r) for r in profile.attitudes],
        "age": profile.age,
        "emotional_age": _emotional_age(profile.emotional_age) if profile.emotional_age else None,
        "risk": risk_to_json(profile.risk),
    }


def risk_to_json(overview: RiskOverview) -> dict[str, Any]:
    return {
        "risk_factors": list(overview.risk_factors),
        "protective_factors": list(overview.protective_factors),
        "statements": [
            {
                "rule": s.rule,
                "effect": s.effect,
                "risk_factors": list(s.risk_factors),
                "protective_factors": list(s.protective_factors),
                "conditional": s.conditional,
            }
            for s in overview.statements
        ],
        "safeguarding": list(overview.safeguarding),
        "summary": overview.summary,
    }


def _signal(signal: SignalCount) -> dict[str, Any]:
    return {"code": signal.code, "count": signal.count, "days": signal.days}


def _reason(reason: SafeguardingReason) -> dict[str, Any]:
    return {
        "code": reason.code,
        "level": reason.level,
        "signals": list(reason.signals),
        "patterns": list(reason.patterns),
        "risk_factors": list(reason.risk_factors),
        "informants": list(reason.informants),
        "days": reason.days,
        "first": reason.first.isoformat() if reason.first else None,
        "last": reason.last.isoformat() if reason.last else None,
    }


def _indication(match: PatternMatch) -> dict[str, Any]:
    return {
        "code": match.code,
        "matched": list(match.matched),
        "specific": list(match.specific),
        "signals": [_signal(s) for s in match.signals],
        "days": match.days,
        "first": match.first.isoformat(),
        "last": match.last.isoformat(),
        "span_days": match.span_days,
        "count": match.count,
        "linked": match.linked,
        "sources": [_source(s) for s in match.sources],
        "cautions": [_caution(c) for c in match.cautions],
        "explained_by": list(match.explained_by),
    }


def _caution(caution: Caution) -> dict[str, Any]:
    return {"code": caution.code, "text": _text(caution.text), "source": _source(caution.source)}


def _emotional_age(advice: EmotionalAge) -> dict[str, Any]:
    return {
        "years": advice.years,
        "advice": advice.advice,
        "beside": list(advice.patterns),
        "sources": [_source(s) for s in advice.sources],
    }


def _recommendation(recommendation: Recommendation) -> dict[str, Any]:
    return {"code": recommendation.code, "addresses": list(recommendation.addresses)}


def _source(source: Source) -> dict[str, str]:
    # As in the catalog export: a seed (with section) or a reference, only what it has.
    return {k: v for k, v in dataclasses.asdict(source).items() if v is not None}


def _text(text: Text) -> dict[str, str]:
    return {"nl": text.nl, "en": text.en}
