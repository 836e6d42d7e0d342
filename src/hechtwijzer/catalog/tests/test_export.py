"""The JSON export: the shape DESIGN.md promises, deterministic and serialisable."""

from __future__ import annotations

import json
from pathlib import Path

from .. import KINDS, get_catalog, load_catalog
from ..export import export_json
from .fixtures import SEED, write_data

SOURCE = {"seed": SEED, "section": "1. Kop"}


def test_real_catalog_export_has_every_kind_and_is_json() -> None:
    catalog = get_catalog()
    data = export_json(catalog)
    assert set(KINDS) | {"version", "content_hash"} <= set(data)
    assert data["version"] == catalog.version
    assert data["content_hash"] == catalog.content_hash and len(catalog.content_hash) == 64
    text = json.dumps(data, ensure_ascii=False)
    assert json.loads(text) == data
    assert json.dumps(export_json(catalog), ensure_ascii=False) == text  # deterministic
    for kind in KINDS:
        assert len(data[kind]) == len(catalog.items(kind))
        for item in data[kind]:
            assert {"code", "label", "description", "sources"} <= set(item)
            for text in (item["label"], item["description"]):
                # nl_be only where a Flemish school's words differ (hechtwijzer.words)
                assert {"nl", "en"} <= set(text) <= {"nl", "en", "nl_be"}


def test_signal_and_measure_fields(tmp_path: Path) -> None:
    data = export_json(load_catalog(write_data(tmp_path)))
    assert data["signals"][0] == {
        "code": "restless_chaotic",
        "label": {"nl": "Druk en chaotisch", "en": "Restless and chaotic"},
        "description": {"nl": "Beweegt veel.", "en": "Moves a lot."},
        "sources": [SOURCE],
        "see_also": [],
        "group": "behaviour",
        "patterns": ["avoidant"],
        "pattern_links": [{"code": "avoidant", "source": SOURCE, "why": "Listed there."}],
        "synonyms": {"nl": ["druk"], "en": ["restless"]},
    }
    card, tip, attitude = data["measures"]
    assert card["category"] == "stimuleren" and card["redicodis"] == "compenseren"
    assert card["addresses"] == ["restless_chaotic"]
    assert card["address_links"][0]["why"] == "Calms."
    assert card["matches"] is None and card["match_link"] is None
    assert tip["matches"] == "sticordi_01" and tip["match_link"]["code"] == "sticordi_01"
    assert attitude["see_also"] == ["measures/sticordi_01"]
    assert data["risk_factors"][0]["level"] == "child"
    assert data["risk_factors"][0]["safeguarding"] is False
    assert data["patterns"][0]["sources"] == [
        {"ref": "Ainsworth, M. (1978). Patterns of attachment. Hillsdale: Erlbaum."}
    ]
    assert data["seeds"][0]["file"] == SEED
    assert data["vocabularies"]["levels"]["child"] == {"nl": "Kind", "en": "Child"}
