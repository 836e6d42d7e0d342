"""The rules engine: signal profile, safeguarding levels, measure recommendations, risk overview,
evaluation figures.

Plain Python on purpose: no Django and no database (a test checks this), so the rules can be
tested and driven from the command line in isolation. Inputs and outputs are frozen dataclasses
holding codes of the catalog; `output.profile_to_json` turns a profile into the JSON of
`hechtwijzer profile`. The rules themselves are documented in `profile`, `safeguarding` and
`risk`; their numbers live in the catalog (`rules`).
"""

from .evaluation import (
    FIGURES_VERSION,
    MIN_OBSERVED_DAYS,
    before_period,
    comparison_periods,
    signal_figures,
)
from .inputs import InputError, ProfileInput, parse_data, parse_json
from .output import profile_to_json, risk_to_json
from .profile import (
    EmotionalAge,
    Observation,
    PatternMatch,
    Profile,
    Recommendation,
    SignalCount,
    Window,
    build_profile,
)
from .risk import RiskOverview, RuleStatement, assess_risk
from .rules import (
    CONSULT_NOW,
    LEVELS,
    MAP_SIGNALS,
    REPORT_INFORMANTS,
    Thresholds,
    consult_now_signals,
    map_signal_candidates,
    missing_rules,
    watch_signals,
)
from .safeguarding import Safeguarding, SafeguardingReason, WatchSignal

__all__ = [
    "CONSULT_NOW",
    "FIGURES_VERSION",
    "LEVELS",
    "MAP_SIGNALS",
    "MIN_OBSERVED_DAYS",
    "REPORT_INFORMANTS",
    "EmotionalAge",
    "InputError",
    "Observation",
    "PatternMatch",
    "Profile",
    "ProfileInput",
    "Recommendation",
    "RiskOverview",
    "RuleStatement",
    "Safeguarding",
    "SafeguardingReason",
    "SignalCount",
    "Thresholds",
    "WatchSignal",
    "Window",
    "assess_risk",
    "before_period",
    "build_profile",
    "comparison_periods",
    "consult_now_signals",
    "map_signal_candidates",
    "missing_rules",
    "parse_data",
    "parse_json",
    "profile_to_json",
    "risk_to_json",
    "signal_figures",
    "watch_signals",
]
