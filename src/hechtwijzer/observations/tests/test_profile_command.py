"""`hechtwijzer profile` as DESIGN.md describes it: JSON out, exit 2 with one line on bad input."""

import json
import subprocess
import sys

import pytest

CLI = [sys.executable, "-m", "hechtwijzer", "profile"]

DISINHIBITED_WEEKS = {
    "birth_date": "2017-05-01",
    "as_of": "2026-10-15",  # without it, the profile is of today (DESIGN.md)
    "observations": [
        {"date": "2026-10-01", "signals": ["indiscriminate_contact", "impulsive"]},
        {"date": "2026-10-08", "signals": ["boundary_crossing", "easily_frustrated"]},
        {"date": "2026-10-15", "signals": ["not_comforted", "learns_little"]},
    ],
}


def run(*args, stdin=""):
    return subprocess.run(
        [*CLI, *args], input=stdin, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.slow
def test_it_prints_the_profile_of_a_file(tmp_path):
    path = tmp_path / "input.json"
    path.write_text(json.dumps(DISINHIBITED_WEEKS))
    result = run(str(path))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert {
        "signals",
        "indications",
        "safeguarding",
        "insufficient_data",
        "recommended_measures",
        "measure_ideas",
        "emotional_age",
    } <= set(out)
    assert out["safeguarding"]["level"] is None  # two weeks of features: no safeguarding level
    assert out["indications"][0]["code"] == "disinhibited"
    assert any(c["code"] == "rule_out_adhd" for c in out["indications"][0]["cautions"])


@pytest.mark.slow
@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("{not json", "line 1"),
        ('{"observations": [{"date": "2026-13-01", "signals": ["withdrawn"]}]}', "2026-13-01"),
        (
            '{"observations": [{"date": "2026-10-01", "signals": ["nope"]}]}',
            "unknown signal 'nope'",
        ),
        ("[]", "object"),
    ],
)
def test_it_names_bad_input_in_one_line(stdin, message):
    result = run("-", stdin=stdin)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr
