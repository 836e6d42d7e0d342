"""Risk and protective factors of one pupil, weighed with the sources' rules: words, no score.

A number would suggest a precision the sources do not have. The overview instead says which of
the catalog's weighting rules apply to which recorded factors; the web app renders each
statement from the rule's own texts (label, description, condition) in Dutch or English.

How a rule applies depends on its `effect` (levels are the rule's `risk_level` and
`protective_level`), so a rule added to the catalog needs no code change:

- heaviest, indirect: whenever a risk factor of its risk level is recorded.
- can_offset: whenever a risk factor of its risk level is recorded, with the protective
  factors of its protective level that could offset it. That list may be empty: then the rule
  explains that nothing recorded offsets the risk. The offset holds only under the rule's
  condition (`conditional`), which the care team has to judge; the engine cannot.
- cannot_offset: when a risk factor of its risk level and a protective factor of its protective
  level are both recorded, to warn that this protection does not make up for that risk.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..catalog import WEIGHING_EFFECTS, Catalog, Item, Rule


@dataclass(frozen=True)
class RuleStatement:
    """One rule applied to the recorded factors (codes in catalog order)."""

    rule: str
    effect: str
    risk_factors: tuple[str, ...]
    protective_factors: tuple[str, ...] = ()
    conditional: bool = False  # the rule holds only under its `condition`


@dataclass(frozen=True)
class RiskOverview:
    risk_factors: tuple[str, ...]  # catalog order
    protective_factors: tuple[str, ...]
    statements: tuple[RuleStatement, ...]  # catalog order of the rules
    safeguarding: tuple[str, ...]  # risk factors that point to maltreatment or violence
    summary: str  # a few English sentences for the command line


def assess_risk(
    risk_factors: Iterable[str], protective_factors: Iterable[str], *, catalog: Catalog
) -> RiskOverview:
    """Apply the catalog's weighting rules; ValueError for an unknown factor code."""
    risks = _known(risk_factors, catalog.risk_factors, "risk factor")
    protections = _known(protective_factors, catalog.protective_factors, "protective factor")
    level = {f.code: f.level for f in (*catalog.risk_factors, *catalog.protective_factors)}
    statements = []
    for rule in catalog.rules:
        if rule.effect not in WEIGHING_EFFECTS:  # the engine's own rules (rules.py)
            continue
        at_risk = tuple(c for c in risks if level[c] == rule.risk_level)
        protecting = tuple(c for c in protections if level[c] == rule.protective_level)
        if not at_risk or (rule.effect == "cannot_offset" and not protecting):
            continue
        statements.append(
            RuleStatement(
                rule=rule.code,
                effect=rule.effect,
                risk_factors=at_risk,
                protective_factors=protecting if rule.protective_level else (),
                conditional=rule.condition is not None,
            )
        )
    by_code = catalog.by_code["risk_factors"]
    return RiskOverview(
        risk_factors=risks,
        protective_factors=protections,
        statements=tuple(statements),
        safeguarding=tuple(c for c in risks if by_code[c].safeguarding),
        summary=_summary(risks, protections, statements, catalog),
    )


def _known(codes: Iterable[str], items: tuple[Item, ...], what: str) -> tuple[str, ...]:
    """The codes deduplicated, in catalog order; ValueError naming the first unknown one."""
    wanted = set(codes)
    order = [item.code for item in items]
    if unknown := sorted(wanted - set(order)):
        raise ValueError(f"unknown {what} {unknown[0]!r}")
    return tuple(code for code in order if code in wanted)


def _summary(
    risks: tuple[str, ...],
    protections: tuple[str, ...],
    statements: list[RuleStatement],
    catalog: Catalog,
) -> str:
    if not risks and not protections:
        return "No risk or protective factors recorded."
    lines = []
    for statement in statements:
        rule = catalog.get("rules", statement.rule)
        assert isinstance(rule, Rule)
        line = f"{rule.label.en}: risk {', '.join(statement.risk_factors)}"
        if statement.protective_factors:
            line += f"; protection {', '.join(statement.protective_factors)}"
        elif rule.effect == "can_offset":
            line += f"; no {rule.protective_level}-level protection recorded"
        if statement.conditional and statement.protective_factors and rule.condition:
            line += f" ({rule.condition.en[0].lower()}{rule.condition.en[1:].rstrip('.')})"
        lines.append(line + ".")
    if not statements:
        lines.append("No weighting rule applies to the recorded factors.")
    return " ".join(lines)
