"""The knowledge catalog: read-only data files in the package, loaded into immutable objects.

Plain Python on purpose (no Django): the engine, the command line and the tests use it
without a database or settings. See docs/catalog-format.md for the data format.
"""

from .loader import DATA_DIR, CatalogError, get_catalog, load_catalog
from .model import (
    ITEM_CLASSES,
    KINDS,
    Catalog,
    Caution,
    Disorder,
    Figure,
    Item,
    Link,
    Measure,
    Pattern,
    Prevalence,
    ProtectiveFactor,
    Referral,
    RiskFactor,
    Rule,
    Section,
    Seed,
    Signal,
    Source,
    Terms,
    Text,
    Topic,
)

__all__ = [
    "DATA_DIR",
    "ITEM_CLASSES",
    "KINDS",
    "Catalog",
    "CatalogError",
    "Caution",
    "Disorder",
    "Figure",
    "Item",
    "Link",
    "Measure",
    "Pattern",
    "Prevalence",
    "ProtectiveFactor",
    "Referral",
    "RiskFactor",
    "Rule",
    "Section",
    "Seed",
    "Signal",
    "Source",
    "Terms",
    "Text",
    "Topic",
    "get_catalog",
    "load_catalog",
]
