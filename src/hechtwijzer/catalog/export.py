"""The catalog as plain JSON-ready data: the `catalog export --format json` interface.

Other tools rely on this shape (docs: DESIGN.md, "Interfaces"), so it is built from the model
field by field rather than by dumping the objects: a link field becomes a list of target codes,
which is what most consumers need, and its full links (source, reason) go under a second key.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .model import KINDS, Catalog, Item, Source, Terms, Text

# The key that carries a link field's full links next to its list of codes.
LINK_KEYS = {
    "patterns": "pattern_links",
    "addresses": "address_links",
    "matches": "match_link",
    "explains": "explain_links",
    "signals": "signal_links",
}


def export_json(catalog: Catalog) -> dict[str, Any]:
    """version, content hash, seeds, vocabularies and one list per kind; the same catalog gives
    the same dict."""
    data: dict[str, Any] = {
        "version": catalog.version,
        "content_hash": catalog.content_hash,
        "seeds": [_plain(seed) for seed in catalog.seeds],
        "vocabularies": {
            name: {code: _plain(label) for code, label in vocabulary.items()}
            for name, vocabulary in catalog.vocabularies.items()
        },
    }
    for kind in KINDS:
        data[kind] = [_item(item) for item in catalog.items(kind)]
    return data


def _item(item: Item) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in dataclasses.fields(item):
        value = getattr(item, field.name)
        if field.name in item.LINKS:
            if isinstance(value, tuple):
                data[field.name] = [link.code for link in value]
            else:  # a single, optional link
                data[field.name] = value.code if value else None
            data[LINK_KEYS[field.name]] = _plain(value)
        elif field.name == "thresholds":  # (name, value) pairs: an object in JSON
            data[field.name] = dict(value)
        else:
            data[field.name] = _plain(value)
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, Text):
        flemish = {"nl_be": value.nl_be} if value.nl_be else {}  # only where Flanders differs
        return {"nl": value.nl, "en": value.en, **flemish}
    if isinstance(value, Terms):
        return {"nl": list(value.nl), "en": list(value.en)}
    if isinstance(value, Source):
        # A source is either a seed (with section) or a reference: show only what it has.
        return {k: v for k, v in dataclasses.asdict(value).items() if v is not None}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value):  # links, prevalence, sections, seeds, …
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value
