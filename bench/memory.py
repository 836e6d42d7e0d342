"""Memory per gunicorn worker of `hechtwijzer serve`. A script, not a test (BENCHMARKS.md,
"Memory per worker").

1. prepares a demo SQLite database in bench/tmp/memory/ (migrate, collectstatic, `hechtwijzer
   demo --json`), once;
2. starts the production server (`hechtwijzer serve --workers N`) on a loopback port and reads
   /proc/<pid>/smaps_rollup of the master and of every worker right after start ("idle");
3. warms every worker: logs a teacher and a care coordinator in and sends, from 2 × N threads
   at once (so that every worker gets its share), rounds of knowledge searches (with a
   misspelling, which builds the spelling-correction table), knowledge pages, the home page,
   a pupil page and a focus card; each worker's CPU time before and after shows it served;
4. reads smaps_rollup again ("warm") and prints RSS, PSS and USS per process.

RSS counts every page a process maps, also the pages it shares with the master and the other
workers, so N workers' RSS add up to far more than the machine spends. PSS divides each shared
page among the processes sharing it (the sum of PSS is the real cost), and USS (private clean +
private dirty) is what one more worker would add. Results: bench/results/memory/<label>.json
(a folder of their own: bench/report.py reads the load tests' files beside it).

    .venv/bin/python bench/memory.py [--workers 3] [--rounds 40] [--label NAME]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import json
import os
import platform
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import HW, RESULTS, ROOT, TMP, Persona, Server, run  # noqa: E402

DATA = TMP / "memory"
FIELDS = (
    "Rss",
    "Pss",
    "Pss_Anon",
    "Pss_File",
    "Shared_Clean",
    "Shared_Dirty",
    "Private_Clean",
    "Private_Dirty",
)
QUERIES = (
    "hechting",
    "kinderen die slaan",
    "faalangstig",
    "boosheid",
    "concentratie",
    "juf",
    "woedeaanval",
    "agresief",  # a misspelling: builds the spelling-correction table
    "terugetrokken",
    "ouders",
    "attachment",
    "teruggetrokken gedrag",
)
KNOWLEDGE_PAGES = ("/knowledge/", "/knowledge/measures/sticordi_07/")


def environment() -> dict:
    env = {**os.environ, "HECHTWIJZER_DATA_DIR": str(DATA), "HOST": "127.0.0.1"}
    env.pop("DATABASE_URL", None)  # the demo's own SQLite file
    env.pop("HECHTWIJZER_ENV", None)
    return env


def prepare(env: dict) -> dict:
    """The demo database and its log-ins, made once and kept in bench/tmp/memory/."""
    manifest = DATA / "demo.json"
    if manifest.exists():
        return json.loads(manifest.read_text())
    DATA.mkdir(parents=True, exist_ok=True)
    run([HW, "migrate", "--noinput", "-v0"], env)
    run([HW, "collectstatic", "--noinput", "-v0"], env)
    demo = json.loads(run([HW, "demo", "--json"], env))
    manifest.write_text(json.dumps(demo))
    return demo


def smaps_rollup(pid: int) -> dict:
    """The kB figures of /proc/<pid>/smaps_rollup we report, plus USS."""
    figures = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in FIELDS:
            figures[name] = int(rest.split()[0])
    figures["Uss"] = figures["Private_Clean"] + figures["Private_Dirty"]
    return figures


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def workers_of(master: int, expected: int) -> list[int]:
    """The master's child processes (gunicorn's workers), waiting until all have started."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        children = []
        for task in Path(f"/proc/{master}/task").iterdir():
            children += [int(pid) for pid in (task / "children").read_text().split()]
        if len(children) >= expected:
            return sorted(children)
        time.sleep(0.2)
    raise SystemExit(f"only {len(children)} of {expected} workers started")


def snapshot(master: int, workers: list[int]) -> dict:
    return {
        "master": smaps_rollup(master),
        "workers": [smaps_rollup(pid) for pid in workers],
    }


def pick_accounts(demo: dict) -> tuple[dict, dict, str]:
    """The first school's teacher of a group, its care coordinator and one pupil of the group."""
    accounts = demo["accounts"]
    teacher = next(a for a in accounts if a["role"] == "teacher" and a["groups"])
    coordinator = next(
        a for a in accounts if a["role"] == "care_coordinator" and a["school"] == teacher["school"]
    )
    group = next(
        g
        for g in demo["groups"]
        if g["name"] == teacher["groups"][0] and g["school"] == teacher["school"]
    )
    return teacher, coordinator, group["pupils"][0]["public_id"]


def warm(base: str, demo: dict, rounds: int, threads: int) -> int:
    """Requests from many threads at once, so that every worker serves searches and pages."""
    teacher, coordinator, pupil = pick_accounts(demo)
    personas = [
        Persona(base, teacher["username"], teacher["password"]),
        Persona(base, coordinator["username"], coordinator["password"]),
    ]
    paths = [f"/knowledge/search/?{urllib.parse.urlencode({'q': q})}" for q in QUERIES]
    paths += [*KNOWLEDGE_PAGES, "/", f"/pupils/{pupil}/", f"/pupils/{pupil}/focuskaart/"]

    def fetch(number: int) -> int:
        persona = personas[number % len(personas)]
        path = paths[number % len(paths)]
        try:
            with persona.opener.open(base + path, timeout=30) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    total = rounds * len(paths)
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        statuses = list(pool.map(fetch, range(total)))
    wrong = [(paths[n % len(paths)], s) for n, s in enumerate(statuses) if s != 200]
    if wrong:
        raise SystemExit(f"unexpected answers while warming: {sorted(set(wrong))[:5]}")
    return total


def summary(snap: dict) -> dict:
    workers = snap["workers"]

    def mean(name: str) -> int:
        return round(sum(w[name] for w in workers) / len(workers))

    return {
        "master_rss_kb": snap["master"]["Rss"],
        "master_pss_kb": snap["master"]["Pss"],
        "worker_rss_kb": mean("Rss"),
        "worker_pss_kb": mean("Pss"),
        "worker_uss_kb": mean("Uss"),
        "total_pss_kb": snap["master"]["Pss"] + sum(w["Pss"] for w in workers),
    }


def table(label: str, snap: dict, cpu: list[float] | None = None) -> str:
    lines = [f"{label}: process, RSS / PSS / USS (MB)"]
    rows = [("master", snap["master"], None)]
    rows += [(f"worker {n + 1}", w, cpu[n] if cpu else None) for n, w in enumerate(snap["workers"])]
    for name, figures, seconds in rows:
        served = f"  ({seconds:.2f} s CPU while warming)" if seconds is not None else ""
        lines.append(
            f"  {name:<9} {figures['Rss'] / 1024:7.1f} {figures['Pss'] / 1024:7.1f}"
            f" {figures['Uss'] / 1024:7.1f}{served}"
        )
    total = summary(snap)["total_pss_kb"] / 1024
    lines.append(f"  sum of PSS (what the machine spends): {total:.1f} MB")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=40, help="times each path is asked for")
    parser.add_argument("--label", default="latest", help="name of the result file (LABEL.json)")
    args = parser.parse_args()

    env = environment()
    demo = prepare(env)
    server = Server(env, args.workers)
    try:
        master = server.process.pid  # `hechtwijzer serve` runs gunicorn's arbiter itself
        workers = workers_of(master, args.workers)
        time.sleep(1)  # let the workers finish booting
        idle = snapshot(master, workers)
        before = [cpu_seconds(pid) for pid in workers]
        requests = warm(server.base, demo, args.rounds, threads=2 * args.workers)
        cpu = [cpu_seconds(pid) - start for pid, start in zip(workers, before, strict=True)]
        warmed = snapshot(master, workers)
        if workers_of(master, args.workers) != workers:
            raise SystemExit("a worker was replaced while warming: see bench/tmp/server.log")
    finally:
        server.stop()

    print(table("idle, right after start", idle))
    print(table(f"after {requests} requests", warmed, cpu))
    result = {
        "label": args.label,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": subprocess.run(
            ["git", "describe", "--always", "--dirty"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip(),
        "python": platform.python_version(),
        "workers": args.workers,
        "requests": requests,
        "worker_cpu_seconds": [round(s, 2) for s in cpu],
        "idle": {**idle, "summary": summary(idle)},
        "warm": {**warmed, "summary": summary(warmed)},
    }
    folder = RESULTS / "memory"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{args.label}.json").write_text(json.dumps(result, indent=1) + "\n")
    print(f"written to bench/results/memory/{args.label}.json")


if __name__ == "__main__":
    main()
