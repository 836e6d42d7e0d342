"""Write the tables of BENCHMARKS.md from the newest result file per database.

    .venv/bin/python bench/report.py [RESULT.json ...]

Only the part between the markers `<!-- results:begin -->` and `<!-- results:end -->` is
replaced; the analysis around it is written by hand. Every figure in the tables comes from a
result file in bench/results/, which the tables name.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TARGET = ROOT / "BENCHMARKS.md"
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"

# Targets of issue 8: ratios measured in the same run.
MIN_THROUGHPUT_RATIO = 0.5
MAX_SCALE_RATIO = 1.3
MAX_PROFILE_SHARE = 0.10
MAX_PDF_RATIO = 5.0


def newest_per_database() -> list[Path]:
    newest: dict[str, Path] = {}
    for path in sorted((HERE / "results").glob("*.json")):
        newest[path.name.split("-")[0]] = path  # names sort by date within a database
    return list(newest.values())


def mark(ok: bool) -> str:
    return "yes" if ok else "**no**"


def ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def section(path: Path) -> list[str]:
    report = json.loads(path.read_text())
    m, server, load = report["machine"], report["server"], report["load"]
    scales = report["scales"]
    first_key = next(iter(scales))
    first = scales[first_key]
    # Runs before December 2026 recorded only CONN_MAX_AGE (one persistent connection each).
    connections = server.get("connections") or (
        f"persistent connections CONN_MAX_AGE={server['conn_max_age']}"
    )
    out = [
        f"### {report['database_version']} — {report['date'][:10]}",
        "",
        f"Result file `bench/results/{path.name}`; commit `{m['commit']}`; {m['cores']} cores "
        f"({m['cpu']}), {m['memory']}; Python {m['python']}; server `{server['command']}` "
        f"(gunicorn, {server['worker_class']} workers, {connections}); "
        f"load {load['tool']} ({m['wrk']}), "
        f"{load['threads']} threads, {load['connections']} connections, {load['duration_s']:g} s "
        f"per run, {load['rounds_first_scale']} rounds at scale {first_key} and "
        f"{load['rounds_other_scales']} at the others. wrk runs on the same machine as the "
        "server and the database.",
        "",
        "**Data** (`hechtwijzer generate`; the measured pages belong to school 1, which is the "
        "same at every scale):",
        "",
        "| scale | schools | pupils | observations | signal rows | audit entries | generated in |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, entry in scales.items():
        c = entry["data"]["counts"] or {}
        out.append(
            f"| {key} | {c.get('schools', '?')} | {c.get('pupils', '?'):,} | "
            f"{c.get('observations', '?'):,} | {c.get('observation_signals', '?'):,} | "
            f"{c.get('audit_entries', '?'):,} | {entry['data']['generation_seconds']} s |"
        )
    # Runs before 7 December 2026 did not record the machine's busy time per request.
    cpu = all("cpu_ms_per_request" in e["summary"] for e in first["load"].values())
    out += [
        "",
        f"**Load at scale {first_key}**: medians over the rounds; the baseline is the bare page "
        "rendering as many rows (one query, no policy, audit or profile), measured right before "
        "each page. Ratio = page req/s ÷ baseline req/s (range over the rounds in brackets); "
        f"target ≥ {MIN_THROUGHPUT_RATIO:.2f}.",
        "",
        "| page | req/s | p50 ms | p95 ms | p99 ms | queries | rows | baseline req/s | ratio "
        "| target met |" + (" CPU ms/request, page / baseline |" if cpu else ""),
        "|---|---|---|---|---|---|---|---|---|---|" + ("---|" if cpu else ""),
    ]
    for name, entry in first["load"].items():
        s = entry["summary"]
        queries = first["inprocess"][name]["queries"]
        failures = f" ({s['failures']} failed)" if s["failures"] else ""
        out.append(
            f"| {s['title']} | {s['rps']:.1f}{failures} | {ms(s['p50_ms'])} | {ms(s['p95_ms'])} "
            f"| {ms(s['p99_ms'])} | {queries} | {s['rows']} | {s['baseline_rps']:.1f} | "
            f"{s['ratio']:.2f} ({s['ratio_min']:.2f}–{s['ratio_max']:.2f}) | "
            f"{mark(s['ratio'] >= MIN_THROUGHPUT_RATIO)} |"
            + (
                f" {s['cpu_ms_per_request']:.1f} / {s['baseline_cpu_ms_per_request']:.1f} |"
                if cpu
                else ""
            )
        )
    parts = first.get("parts")
    if parts:
        share = parts["profile_share"]
        pdf = parts["pdf"]
        html_p50 = first["load"]["card"]["summary"]["p50_ms"]
        pdf_p50 = first["load"]["pdf"]["summary"]["p50_ms"]
        html_rps = first["load"]["card"]["summary"]["rps"]
        pdf_rps = first["load"]["pdf"]["summary"]["rps"]
        inproc_ratio = (
            first["inprocess"]["pdf"]["median_ms"] / first["inprocess"]["card"]["median_ms"]
        )
        out += [
            "",
            "**Parts, in-process** (medians; no network, no other load):",
            "",
            "| what | median ms | target | met |",
            "|---|---|---|---|",
            f"| engine alone, 1,000 observations | {parts['engine']['1000']['median_ms']:.1f} | "
            "| |",
            f"| engine alone, 10,000 observations | "
            f"{parts['engine']['10000']['median_ms']:.1f} | | |",
            f"| profile (its query + engine) of the pupil with {share['pupil_observations']:,} "
            f"observations | {share['profile_with_its_query']['median_ms']:.1f} "
            f"= {share['ratio']:.1%} of the pupil page ({share['pupil_page']['median_ms']:.1f}) "
            f"| ≤ {MAX_PROFILE_SHARE:.0%} | {mark(share['ratio'] <= MAX_PROFILE_SHARE)} |",
            f"| focus-card PDF: document from the database | {pdf['document']['median_ms']:.1f} "
            "| | |",
            f"| focus-card PDF: typst rendering alone | {pdf['render']['median_ms']:.1f} | | |",
            f"| focus-card PDF ÷ its HTML page, in-process server time | {inproc_ratio:.2f}× "
            f"| ≤ {MAX_PDF_RATIO:g}× | {mark(inproc_ratio <= MAX_PDF_RATIO)} |",
            f"| focus-card PDF ÷ its HTML page, p50 under load | {pdf_p50 / html_p50:.2f}× "
            f"(throughput {html_rps / pdf_rps:.2f}×) | ≤ {MAX_PDF_RATIO:g}× | "
            f"{mark(pdf_p50 / html_p50 <= MAX_PDF_RATIO)} |",
        ]
    computed = {n: e for n, e in first["inprocess"].items() if "computed_ms" in e}
    if computed:
        out += [
            "",
            "**Kept pages, in-process** (medians): the pages kept per version of the school's "
            "records (`audit/kept.py`) as computed, the first time after a change, and as kept, "
            "asked again before the next change (what the load test above measures).",
            "",
            "| page | computed ms | kept ms | baseline ms |",
            "|---|---|---|---|",
        ]
        for name, entry in computed.items():
            title = first["load"][name]["summary"]["title"]
            out.append(
                f"| {title} | {entry['computed_ms']:.1f} | {entry['median_ms']:.1f} | "
                f"{entry['baseline_ms']:.1f} |"
            )
    sweep = first.get("worker_sweep")
    if sweep:
        out += [
            "",
            f"**Server workers** (scale {first_key}, pupil page and its baseline, "
            f"{load['connections']} connections, one run each):",
            "",
            "| gunicorn sync workers | pupil page req/s | p50 ms | p99 ms | baseline req/s |",
            "|---|---|---|---|---|",
        ]
        for workers, entry in sweep.items():
            out.append(
                f"| {workers} | {entry['rps']:.1f} | {ms(entry['p50_ms'])} | "
                f"{ms(entry['p99_ms'])} | {entry['baseline_rps']:.1f} |"
            )
    if len(scales) > 1:
        keys = list(scales)
        out += [
            "",
            "**Scale curve**: the same pages of school 1 at each scale, in-process (no load). "
            "The machine's speed drifts between the scales' runs, so each page's server time is "
            "divided by the baseline's, timed in turns with it; the factor is that quotient at "
            f"scale N ÷ at scale {keys[0]}. Target ≤ {MAX_SCALE_RATIO:g}× with the same number "
            "of queries. The throughput ratios under load (page ÷ baseline) are shown for "
            "comparison.",
            "",
            "| page | queries "
            + "".join(f"| server ms ×{k} " for k in keys)
            + "".join(f"| factor ×{k} " for k in keys[1:])
            + "".join(f"| load ratio ×{k} " for k in keys)
            + "| target met |",
            "|---|---" + "|---" * (len(keys) * 3 - 1) + "|---|",
        ]
        for name in first["load"]:
            entries = [scales[k]["inprocess"][name] for k in keys]
            queries = [e["queries"] for e in entries]
            factors = [e["vs_baseline"] / entries[0]["vs_baseline"] for e in entries[1:]]
            loads = [scales[k]["load"][name]["summary"]["ratio"] for k in keys]
            met = max(factors) <= MAX_SCALE_RATIO and len(set(queries)) == 1
            out.append(
                f"| {first['load'][name]['summary']['title']} | {'/'.join(map(str, queries))} "
                + "".join(f"| {ms(e['median_ms'])} " for e in entries)
                + "".join(f"| {f:.2f}× " for f in factors)
                + "".join(f"| {r:.2f} " for r in loads)
                + f"| {mark(met)} |"
            )
    return [*out, ""]


def main(paths: list[str]) -> None:
    files = [Path(p) for p in paths] or newest_per_database()
    if not files:
        raise SystemExit("no results in bench/results/: run `make bench` first")
    lines = [BEGIN, ""]
    for path in files:
        lines += section(path)
    lines.append(END)
    text = TARGET.read_text() if TARGET.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{TARGET.name} lacks the markers {BEGIN} and {END}")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    TARGET.write_text(head + "\n".join(lines) + tail)
    print(f"wrote the tables of {len(files)} result file(s) into {TARGET.name}")


if __name__ == "__main__":
    main(sys.argv[1:])
