"""bench/report.py: the tables of BENCHMARKS.md say what the result files say.

The benchmark itself measures time and is never part of the test suite; its report is plain
code that decides which targets are met, so it is tested here with a made-up result file.
"""

import copy
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture(scope="module")
def report():
    spec = importlib.util.spec_from_file_location("bench_report", ROOT / "bench" / "report.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _load(rps, baseline_rps, p50):
    rounds = [
        {
            "page": {"rps": rps, "p50_ms": p50},
            "baseline": {"rps": baseline_rps},
            "ratio": rps / baseline_rps,
        }
    ]
    return {
        "rounds": rounds,
        "summary": {
            "title": "A page",
            "note": "",
            "rows": 25,
            "rps": rps,
            "p50_ms": p50,
            "p95_ms": p50 * 2,
            "p99_ms": p50 * 3,
            "baseline_rps": baseline_rps,
            "baseline_p50_ms": 10.0,
            "ratio": rps / baseline_rps,
            "ratio_min": rps / baseline_rps,
            "ratio_max": rps / baseline_rps,
            "failures": 0,
        },
    }


def _scale(group_rps, group_ms, group_queries):
    pages = {"group": (group_rps, group_ms), "card": (100.0, 20.0), "pdf": (50.0, 40.0)}
    return {
        "data": {
            "counts": {
                "schools": 1,
                "pupils": 400,
                "observations": 20000,
                "observation_signals": 30000,
                "audit_entries": 30000,
            },
            "generation_seconds": 8.0,
        },
        "inprocess": {
            name: {
                "median_ms": ms,
                "baseline_ms": 10.0,
                "vs_baseline": ms / 10.0,
                "queries": group_queries if name == "group" else 10,
            }
            for name, (_rps, ms) in pages.items()
        },
        "parts": {
            "engine": {"1000": {"median_ms": 3.0}, "10000": {"median_ms": 15.0}},
            "profile_share": {
                "pupil_observations": 1500,
                "pupil_page": {"median_ms": 40.0},
                "profile_with_its_query": {"median_ms": 3.0},
                "ratio": 0.075,
            },
            "pdf": {"document": {"median_ms": 5.0}, "render": {"median_ms": 9.0}},
        },
        "load": {name: _load(rps, 200.0, ms) for name, (rps, ms) in pages.items()},
    }


RESULT = {
    "date": "2026-11-21T08:00:00",
    "machine": {
        "cores": 2,
        "cpu": "test CPU",
        "memory": "24 GiB",
        "python": "3.11",
        "wrk": "wrk 4.1.0",
        "commit": "abc1234",
    },
    "database": "postgres",
    "database_version": "PostgreSQL 15",
    "server": {
        "command": "hechtwijzer serve",
        "workers": 5,
        "worker_class": "sync",
        "conn_max_age": 600,
    },
    "load": {
        "tool": "wrk",
        "threads": 2,
        "connections": 16,
        "duration_s": 10,
        "rounds_first_scale": 1,
        "rounds_other_scales": 1,
    },
    "scales": {"1": _scale(120.0, 20.0, 10), "50": _scale(110.0, 24.0, 10)},
}


def _row(lines, start):
    return next(line for line in lines if line.startswith(start))


def test_it_marks_each_target_from_the_figures(report, tmp_path):
    path = tmp_path / "postgres-2026-11-21-0800.json"
    path.write_text(json.dumps(RESULT))
    lines = report.section(path)
    # 120 of 200 req/s is 0.60: met. The PDF at 50 of 200 is 0.25: not met.
    assert _row(lines, "| A page | 120.0").endswith("| 0.60 (0.60–0.60) | yes |")
    assert _row(lines, "| A page | 50.0").endswith("| 0.25 (0.25–0.25) | **no** |")
    # The profile took 7.5 % of the pupil page: within 10 %.
    assert _row(lines, "| profile").endswith("| ≤ 10% | yes |")
    # Scale 50 took 24 ms against 20 ms, next to the same baseline: 1.20×, with the same 10
    # queries: met.
    assert "| 24.0 | 1.20× |" in _row(lines, "| A page | 10/10 |")
    assert _row(lines, "| A page | 10/10 |").endswith("| yes |")


def test_a_page_that_slows_down_with_scale_misses_the_target(report, tmp_path):
    result = copy.deepcopy(RESULT)
    result["scales"]["50"]["inprocess"]["group"]["vs_baseline"] = 2.8  # 1.4× of 2.0
    path = tmp_path / "postgres-2026-11-21-0800.json"
    path.write_text(json.dumps(result))
    row = _row(report.section(path), "| A page | 10/10 |")
    assert "| 1.40× |" in row and row.endswith("| **no** |")


def test_a_page_that_needs_more_queries_at_scale_misses_the_target(report, tmp_path):
    result = copy.deepcopy(RESULT)
    result["scales"]["50"]["inprocess"]["group"]["queries"] = 11
    path = tmp_path / "postgres-2026-11-21-0800.json"
    path.write_text(json.dumps(result))
    assert _row(report.section(path), "| A page | 10/11 |").endswith("| **no** |")


def test_it_replaces_only_the_part_between_the_markers(report, tmp_path, monkeypatch):
    path = tmp_path / "postgres-2026-11-21-0800.json"
    path.write_text(json.dumps(RESULT))
    target = tmp_path / "BENCHMARKS.md"
    target.write_text(f"# Benchmarks\n\nBy hand.\n\n{report.BEGIN}\nold\n{report.END}\n\nAfter.\n")
    monkeypatch.setattr(report, "TARGET", target)
    report.main([str(path)])
    text = target.read_text()
    assert text.startswith("# Benchmarks\n\nBy hand.\n") and text.endswith("\n\nAfter.\n")
    assert "old" not in text and "bench/results/postgres-2026-11-21-0800.json" in text


def test_it_shows_the_busy_time_per_request_where_the_run_recorded_it(report, tmp_path):
    path = tmp_path / "postgres-2026-11-21-0800.json"
    path.write_text(json.dumps(RESULT))
    header = _row(report.section(path), "| page | req/s")
    assert "CPU" not in header  # a run from before the figure was recorded
    result = copy.deepcopy(RESULT)
    for entry in result["scales"]["1"]["load"].values():
        entry["summary"]["cpu_ms_per_request"] = 8.3
        entry["summary"]["baseline_cpu_ms_per_request"] = 5.0
    path.write_text(json.dumps(result))
    lines = report.section(path)
    assert _row(lines, "| page | req/s").endswith("| CPU ms/request, page / baseline |")
    assert _row(lines, "| A page | 120.0").endswith("| 0.60 (0.60–0.60) | yes | 8.3 / 5.0 |")
