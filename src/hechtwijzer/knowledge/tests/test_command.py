"""`hechtwijzer catalog validate` and `hechtwijzer catalog export --format json`."""

import json
import os
import subprocess
import sys


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "hechtwijzer", "catalog", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=os.environ.copy(),
    )


def test_validate_passes_on_the_real_catalog():
    result = run("validate")
    assert result.returncode == 0, result.stderr
    assert "is valid" in result.stdout


def test_validate_fails_with_messages_on_broken_data(tmp_path):
    (tmp_path / "catalog.toml").write_text('version = "x"\n')
    result = run("validate", "--path", str(tmp_path))
    assert result.returncode == 1
    assert "signals.toml" in result.stderr and "Traceback" not in result.stderr


def test_export_prints_every_kind_as_json():
    result = run("export", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    kinds = (
        "signals",
        "patterns",
        "disorders",
        "risk_factors",
        "protective_factors",
        "rules",
        "measures",
        "referrals",
        "topics",
    )
    for kind in kinds:
        assert data[kind], kind
        first = data[kind][0]
        assert {"code", "label", "description", "sources"} <= set(first)
        assert set(first["label"]) == {"nl", "en"}
    signal = next(s for s in data["signals"] if s["code"] == "indiscriminate_contact")
    assert "disinhibited" in signal["patterns"] and signal["group"] == "disinhibited"
    measure = next(m for m in data["measures"] if m["code"] == "sticordi_01")
    assert measure["category"] and isinstance(measure["addresses"], list)


def test_export_refuses_an_unknown_format():
    result = run("export", "--format", "xml")
    assert result.returncode == 2
    assert "xml" in result.stderr
