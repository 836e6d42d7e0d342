"""Reading a pupil's risk and protective factors the way the engine weighs them.

The catalog keeps some factors as knowledge only (conception, birth, feeding, …): recorded
before they were taken off the list, they stay visible and removable on the factors page but
are no longer weighed. This is the one place that decides which recorded factors count, for
the pupil page, the factors page and the care coordinator's lists alike.
"""

from __future__ import annotations

from collections.abc import Iterable

from hechtwijzer.catalog import get_catalog

from .models import FactorKind

CATALOG_KIND = {FactorKind.RISK: "risk_factors", FactorKind.PROTECTIVE: "protective_factors"}


def catalog_item(kind: str, code: str):
    """The catalog's factor for a recorded (kind, code), or None if the catalog dropped it."""
    return get_catalog().by_code[CATALOG_KIND[kind]].get(code)


def weighed(factors: Iterable[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """(risk codes, protective codes) of the recorded (kind, code) pairs the engine weighs."""
    risks, protections = [], []
    for kind, code in factors:
        item = catalog_item(kind, code)
        if item is None or not item.recordable:
            continue
        (risks if kind == FactorKind.RISK else protections).append(code)
    return risks, protections
