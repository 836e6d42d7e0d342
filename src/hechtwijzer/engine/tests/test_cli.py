"""`profile INPUT.json`, driven through main() as the management command will drive it."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from ..cli import main

TODAY = date(2026, 11, 20)
DESIGN_KEYS = {
    "signals",
    "indications",
    "safeguarding",
    "insufficient_data",
    "recommended_measures",
    "measure_ideas",
    "emotional_age",
}
VALID = {
    "birth_date": "2017-03-01",
    "observations": [
        {"date": "2026-11-02", "signals": ["indiscriminate_contact", "boundary_crossing"]},
        {"date": "2026-11-09", "signals": ["easily_frustrated", "impulsive"]},
        {"date": "2026-11-16", "signals": ["egocentric"]},
    ],
    "risk_factors": ["domestic_violence"],
}


def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(list(argv), io.StringIO(stdin), stdout, stderr, today=TODAY)
    return code, stdout.getvalue(), stderr.getvalue()


def write(tmp_path: Path, content: str | bytes, name: str = "input.json") -> str:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return str(path)


def test_valid_file(tmp_path: Path) -> None:
    code, out, err = run(write(tmp_path, json.dumps(VALID)))
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert set(data) >= DESIGN_KEYS
    assert out.startswith('{\n  "as_of": "2026-11-20"')  # indent 2; as_of = today
    assert [i["code"] for i in data["indications"]] == ["disinhibited"]
    safeguarding = data["safeguarding"]
    assert (safeguarding["show"], safeguarding["level"]) == (True, "consult_now")
    assert [r["code"] for r in safeguarding["reasons"]] == ["consult_now_risk_factors"]
    assert data["age"] == 9 and data["emotional_age"]["years"] == 3


def test_stdin_and_non_ascii() -> None:
    data = {
        "observations": [{"date": "2026-11-02", "signals": ["withdrawn"], "informant": "juf Inés"}]
    }
    code, out, _ = run("-", "--informant", "juf Inés", stdin=json.dumps(data, ensure_ascii=False))
    assert code == 0
    assert '"informant": "juf Inés"' in out  # ensure_ascii=False
    assert json.loads(out)["insufficient_data"] is True


def test_no_observations_uses_today() -> None:
    code, out, _ = run("-", stdin='{"observations": []}')
    assert code == 0 and json.loads(out)["as_of"] == TODAY.isoformat()


def test_threshold_and_window_options(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps(VALID))
    assert json.loads(run(path)[1])["indications"]
    assert json.loads(run(path, "--min-signals", "6")[1])["indications"] == []
    assert json.loads(run(path, "--min-days", "4")[1])["insufficient_data"] is True
    assert json.loads(run(path, "--min-span-days", "15")[1])["insufficient_data"] is True
    assert json.loads(run(path, "--min-specific", "0")[1])["indications"]
    data = json.loads(run(path, "--window-weeks", "1")[1])
    assert data["window"] == {"start": "2026-11-14", "end": "2026-11-20", "weeks": 1}
    # The defaults are the catalog's (rules.toml, indication_persistence).
    assert data["thresholds"] == {
        "min_signals": 3,
        "min_specific": 1,
        "min_days": 3,
        "min_span_days": 10,
    }
    code, out, err = run(path, "--min-signals", "1", "--min-specific", "2")
    assert (code, out) == (2, "")
    assert err == "error: min_specific cannot exceed min_signals\n"


def test_extreme_dates_and_windows() -> None:
    early = '{"observations": [{"date": "0001-01-02", "signals": ["withdrawn"]}]}'
    data = json.loads(run("-", "--window-weeks", "9" * 12, stdin=early)[1])
    assert data["window"]["start"] == "0001-01-01"
    assert data["signals"] == [{"code": "withdrawn", "count": 1, "days": 1}]


def test_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    assert run(write(tmp_path, b"\xef\xbb\xbf" + json.dumps(VALID).encode()))[0] == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "malformed JSON at line 1, column 2"),
        ("[]", "the input must be a JSON object, not a list"),
        (
            '{"observations": [{"date": "2026-13-01", "signals": ["withdrawn"]}]}',
            "observations[0].date: '2026-13-01' is not a date",
        ),
        (
            '{"observations": [{"date": "2026-11-01", "signals": ["foo\\nbar"]}]}',
            "observations[0].signals[0]: unknown signal 'foo\\nbar'",
        ),
        (b'{"observations": ["\xff"]}', "is not valid UTF-8 (byte 19)"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(tmp_path: Path, content, message: str) -> None:
    code, out, err = run(write(tmp_path, content))
    assert (code, out) == (2, "")
    assert err.startswith("error: ") and err.endswith("\n") and err.count("\n") == 1
    assert message in err


def test_unreadable_input(tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere.json")
    assert run(missing) == (2, "", f"error: cannot read {missing!r}: No such file or directory\n")
    assert run(str(tmp_path)) == (2, "", f"error: cannot read {str(tmp_path)!r}: Is a directory\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "error: the following arguments are required: INPUT\n"),
        (
            ["-", "--min-days", "0"],
            "error: argument --min-days: '0' is not a whole number of at least 1\n",
        ),
        (
            ["-", "--min-span-days", "-1"],
            "error: argument --min-span-days: '-1' is not a whole number of at least 0\n",
        ),
        (
            ["-", "--window-weeks", "x"],
            "error: argument --window-weeks: 'x' is not a whole number of at least 1\n",
        ),
        (["-", "--colour"], "error: unrecognized arguments: --colour\n"),
    ],
)
def test_bad_options(argv: list[str], message: str) -> None:
    assert run(*argv, stdin='{"observations": []}') == (2, "", message)


def test_help() -> None:
    code, out, _ = run("--help")
    assert code == 0 and "--min-signals" in out and "--min-span-days" in out
    assert "(catalog: 3)" in out  # the help names the catalog's numbers


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return env


@pytest.mark.slow
def test_python_m_runs_the_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hechtwijzer.engine.cli", "-"],
        input=json.dumps(VALID),
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert set(json.loads(result.stdout)) >= DESIGN_KEYS
    bad = subprocess.run(
        [sys.executable, "-m", "hechtwijzer.engine.cli", "-"],
        input="{}",
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=60,
        check=False,
    )
    assert (bad.returncode, bad.stderr) == (
        2,
        "error: missing key 'observations' (a list, possibly empty)\n",
    )
