"""`catalog validate` and `catalog export`, driven through main() as the management command does."""

from __future__ import annotations

import io
import json
from pathlib import Path

from .. import KINDS, get_catalog
from ..cli import main
from .fixtures import KIND_FILES, edit, write_data


def run(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def test_validate_real_catalog() -> None:
    code, out, err = run("validate")
    catalog = get_catalog()
    total = sum(len(catalog.items(kind)) for kind in KINDS)
    assert (code, err) == (0, "")
    assert out.startswith(f"Catalog {catalog.version} is valid: {total} items (")
    assert f"{len(catalog.signals)} signals, " in out


def test_validate_fixture_counts(tmp_path: Path) -> None:
    code, out, _ = run("validate", "--path", str(write_data(tmp_path)))
    assert code == 0
    assert out == (
        "Catalog test.1 is valid: 13 items (2 signals, 1 patterns, 1 disorders, 1 risk factors,"
        " 1 protective factors, 1 rules, 3 measures, 2 referrals, 1 topics)\n"
    )


def test_validate_broken_data(tmp_path: Path) -> None:
    rules = edit(KIND_FILES["rules"], 'effect = "heaviest"', 'effect = "heavy"')
    directory = write_data(tmp_path, rules=rules, topics=None)
    code, out, err = run("validate", "--path", str(directory))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "rules.toml: item 'parent_risk_heaviest': field 'effect' has unknown value 'heavy'"
        " (expected one of: heaviest, can_offset, cannot_offset, indirect, indication,"
        " recommendation, consult_now, map_signals)",
        "topics.toml: file is missing",
    ]


def test_validate_missing_directory(tmp_path: Path) -> None:
    code, _, err = run("validate", "--path", str(tmp_path / "nowhere"))
    assert (code, err) == (1, f"{tmp_path / 'nowhere'}: catalog data directory does not exist\n")


def test_export_json() -> None:
    code, out, err = run("export", "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert set(KINDS) | {"version"} <= set(data)
    assert out.startswith('{\n  "version": ')  # indent 2
    assert "\\u00" not in out  # ensure_ascii=False: Dutch accents stay readable


def test_export_unknown_format() -> None:
    code, out, err = run("export", "--format", "xml")
    assert (code, out) == (2, "")
    assert "invalid choice: 'xml'" in err


def test_no_command() -> None:
    code, _, err = run()
    assert code == 2 and "usage: catalog" in err
