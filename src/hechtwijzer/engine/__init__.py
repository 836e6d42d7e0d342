"""The rules engine: signal profile, safeguarding route, measure recommendations, risk overview.

Plain Python on purpose: no Django and no database (a test checks this), so the rules can be
tested and driven from the command line in isolation. Inputs and outputs are frozen dataclasses
holding codes of the catalog; `output.profile_to_json` turns a profile into the JSON of
`hechtwijzer profile`. The rules themselves are documented in `profile` and `risk`.
"""

from .inputs import InputError, ProfileInput, parse_data, parse_json
from .output import profile_to_json, risk_to_json
from .profile import (
    EmotionalAge,
    Observation,
    PatternMatch,
    Profile,
    Recommendation,
    Safeguarding,
    SafeguardingReason,
    SignalCount,
    Thresholds,
    Window,
    build_profile,
    safeguarding_signals,
)
from .risk import RiskOverview, RuleStatement, assess_risk

__all__ = [
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
    "Window",
    "assess_risk",
    "build_profile",
    "parse_data",
    "parse_json",
    "profile_to_json",
    "risk_to_json",
    "safeguarding_signals",
]
