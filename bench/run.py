"""`make bench`: load-test the production server at several data scales. A script, not a test.

For every scale (default 1, 10 and 50: one school of 400 pupils and ~20k observations up to 50
schools, 20k pupils and ~1M observations) it

1. generates the data set once (`hechtwijzer generate`) into a template database under
   bench/tmp/ (SQLite) or a PostgreSQL database `hw_bench_s<N>`, reused while the generator
   and the migrations are unchanged, and copies it to a working database, so writes of one run
   (quick logs, audit entries) never leak into the next;
2. measures in-process (bench/inprocess.py): each page's query count and server time, the
   engine alone (1,000 and 10,000 observations), the profile's share of the pupil page, and the
   PDF rendering alone;
3. starts the server `make run` uses (`hechtwijzer serve`: gunicorn, sync workers) on a loopback
   port, logs the personas in, checks every page answers as expected, and runs wrk (a bounded,
   closed-loop load: fixed connections, fixed duration) on each page and, right before it, on
   the baseline page rendering the same number of rows (hechtwijzer/web/bench.py), in rounds.

Results: bench/results/<database>-<date>.json; `python bench/report.py` turns them into the
tables of BENCHMARKS.md. Usage:

    .venv/bin/python bench/run.py [--scales 1,10,50] [--duration 10] [--rounds 3]
        [--connections 16] [--workers N] [--database sqlite|postgres]
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import http.cookiejar
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from pages import Page, pages  # noqa: E402

TMP = HERE / "tmp"
RESULTS = HERE / "results"
PYTHON = ROOT / ".venv" / "bin" / "python"
HW = ROOT / ".venv" / "bin" / "hechtwijzer"
PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- databases ------------------------------------------------------------------------------


def fingerprint(paths) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


PACKAGE = ROOT / "src" / "hechtwijzer"


def generator_fingerprint() -> str:
    """Changes whenever the generator changes: then the data is made anew."""
    return fingerprint([PACKAGE / "demo" / "synthetic.py"])


def migrations_fingerprint() -> str:
    """Changes with any migration: then the kept data set is migrated, as a server would be."""
    return fingerprint(sorted(PACKAGE.glob("*/migrations/*.py")))


class Database:
    kind = ""

    def __init__(self, scale: int):
        self.scale = scale
        self.manifest_path = TMP / f"{self.kind}-scale{scale}.json"

    def prepare(self, env: dict) -> dict:
        """The manifest of a generated template database, generating it when needed."""
        generator, migrations = generator_fingerprint(), migrations_fingerprint()
        if self.manifest_path.exists():
            manifest = json.loads(self.manifest_path.read_text())
            if manifest.get("fingerprint") == generator and self.template_exists():
                if manifest.get("migrations") != migrations:
                    log(f"scale {self.scale}: migrating the kept data ({self.template_name()})")
                    run(
                        [HW, "migrate", "--noinput", "-v0"],
                        {**env, "DATABASE_URL": self.template_url()},
                    )
                    self.finish_template()
                    manifest["migrations"] = migrations
                    self.manifest_path.write_text(json.dumps(manifest, indent=1))
                log(f"scale {self.scale}: reusing the generated data ({self.template_name()})")
                return manifest
        log(f"scale {self.scale}: generating into {self.template_name()}")
        self.drop_template()
        self.create_template()
        template_env = {**env, "DATABASE_URL": self.template_url()}
        run([HW, "migrate", "--noinput", "-v0"], template_env)
        started = time.perf_counter()
        output = run([HW, "generate", "--scale", str(self.scale), "--json"], template_env)
        seconds = time.perf_counter() - started
        manifest = json.loads(output)
        manifest["fingerprint"] = generator
        manifest["migrations"] = migrations
        manifest["generation_seconds"] = round(seconds, 1)
        self.finish_template()
        self.manifest_path.write_text(json.dumps(manifest, indent=1))
        log(f"scale {self.scale}: generated in {seconds:.0f} s: {manifest.get('counts')}")
        return manifest


class SQLiteDatabase(Database):
    kind = "sqlite"

    def template_path(self) -> Path:
        return TMP / f"scale{self.scale}.sqlite3"

    def template_name(self) -> str:
        return str(self.template_path().relative_to(ROOT))

    def template_url(self) -> str:
        return f"sqlite:///{self.template_path()}"

    def template_exists(self) -> bool:
        return self.template_path().exists()

    def drop_template(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.template_path()}{suffix}").unlink(missing_ok=True)

    def create_template(self) -> None:
        pass

    def finish_template(self) -> None:
        with sqlite3.connect(self.template_path()) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.execute("ANALYZE")

    def work_url(self) -> str:
        work = TMP / "work.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
        source = sqlite3.connect(self.template_path())
        target = sqlite3.connect(work)
        with target:
            source.backup(target)
        source.close()
        target.close()
        return f"sqlite:///{work}"

    def version(self) -> str:
        return f"SQLite {sqlite3.sqlite_version} (WAL, synchronous=NORMAL)"


class PostgresDatabase(Database):
    kind = "postgres"
    work_name = "hw_bench_work"

    def template_name(self) -> str:
        return f"hw_bench_s{self.scale}"

    def template_url(self) -> str:
        return f"{PG_SERVER}/{self.template_name()}"

    def _admin(self, sql: str, *params):
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as db:
            cursor = db.execute(sql, params)
            return cursor.fetchall() if sql.startswith("SELECT") else None

    def template_exists(self) -> bool:
        return bool(
            self._admin("SELECT 1 FROM pg_database WHERE datname = %s", self.template_name())
        )

    def drop_template(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.template_name()}" WITH (FORCE)')

    def create_template(self) -> None:
        self._admin(f'CREATE DATABASE "{self.template_name()}"')

    def finish_template(self) -> None:
        import psycopg

        with psycopg.connect(self.template_url(), autocommit=True) as db:
            db.execute("VACUUM ANALYZE")

    def work_url(self) -> str:
        self._admin(f'DROP DATABASE IF EXISTS "{self.work_name}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{self.work_name}" TEMPLATE "{self.template_name()}"')
        return f"{PG_SERVER}/{self.work_name}"

    def version(self) -> str:
        rows = self._admin("SELECT version()")
        return rows[0][0].split(" on ")[0]


def run(command: list, env: dict) -> str:
    result = subprocess.run(
        [str(part) for part in command], env=env, capture_output=True, text=True, cwd=ROOT
    )
    if result.returncode != 0:
        raise SystemExit(
            f"{' '.join(map(str, command))} failed ({result.returncode}):\n{result.stderr[-3000:]}"
        )
    return result.stdout


# --- the server and the personas -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, env: dict, workers: int):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        TMP.mkdir(exist_ok=True)
        self.log = open(TMP / "server.log", "a")  # noqa: SIM115
        command = [HW, "serve", "--port", str(self.port), "--workers", str(workers)]
        self.process = subprocess.Popen(
            [str(c) for c in command],
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server stopped; see {TMP / 'server.log'}")
            try:
                urllib.request.urlopen(f"{self.base}/accounts/login/", timeout=2)
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        self.stop()
        raise SystemExit("the server did not answer within 60 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Persona:
    """A logged-in browser: a cookie jar and the CSRF token."""

    TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

    def __init__(self, base: str, username: str, password: str, api_token: str = ""):
        self.base = base
        self.api_token = api_token  # for the API pages (`hechtwijzer api-token create`)
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.plain = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )
        page = self.opener.open(f"{base}/accounts/login/").read().decode()
        token = self.TOKEN.search(page).group(1)
        data = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        ).encode()
        self.opener.open(f"{base}/accounts/login/", data)
        if "sessionid" not in self.cookies():
            raise SystemExit(f"could not log in as {username}")
        # The API ignores sessions: its requests go without the cookie jar.
        self.api_opener = urllib.request.build_opener(NoRedirect)

    def cookies(self) -> dict:
        return {cookie.name: cookie.value for cookie in self.jar}

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies().items())

    def check(self, page: Page) -> None:
        """Ask for the page once, as wrk will, and stop when it does not answer as expected."""
        for path in page.paths:
            headers = {"X-CSRFToken": self.cookies().get("csrftoken", "")}
            if page.api:
                headers = {"Authorization": f"Bearer {self.api_token}"}
            if page.method == "POST":
                headers["Content-Type"] = page.content_type
            request = urllib.request.Request(
                self.base + path,
                data=page.body.encode() if page.method == "POST" else None,
                headers=headers,
            )
            opener = self.api_opener if page.api else self.plain
            try:
                response = opener.open(request)
                status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            if status != page.expect:
                raise SystemExit(f"{page.name}: {path} answered {status}, not {page.expect}")


# --- wrk ------------------------------------------------------------------------------------


def busy_ticks() -> int:
    """The machine's busy time so far, in clock ticks (/proc/stat: every state but idle and
    waiting for I/O), over all cores."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields) - fields[3] - fields[4]


TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def wrk(base: str, persona: Persona, page: Page, duration: float, connections: int) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    env = {
        **os.environ,
        "WRK_PATHS": " ".join(page.paths),
        "WRK_COOKIE": persona.cookie_header(),
        "WRK_METHOD": page.method,
        "WRK_BODY": page.body,
        "WRK_CSRF": persona.cookies().get("csrftoken", ""),
        "WRK_EXPECT": str(page.expect),
        "WRK_AUTHORIZATION": f"Bearer {persona.api_token}" if page.api else "",
        "WRK_CONTENT_TYPE": page.content_type,
        "WRK_OUT": out,
    }
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "30s",
        "-s",
        str(HERE / "wrk" / "measure.lua"),
        base,
    ]
    busy_before = busy_ticks()
    subprocess.run(command, env=env, check=True, capture_output=True)
    busy = busy_ticks() - busy_before
    result = json.loads(Path(out).read_text())
    os.unlink(out)
    seconds = result["duration_us"] / 1e6
    failures = sum(result["errors"].values()) + result["unexpected_status"]
    return {
        "rps": round(result["requests"] / seconds, 1),
        "requests": result["requests"],
        "failures": failures,
        "p50_ms": result["latency_us"]["p50"] / 1000,
        "p95_ms": result["latency_us"]["p95"] / 1000,
        "p99_ms": result["latency_us"]["p99"] / 1000,
        # What a saturated machine divides its time by: the server, the database and wrk
        # together, per request. Steadier across runs than req/s on a shared machine.
        "cpu_ms_per_request": round(busy * TICK_MS / max(1, result["requests"]), 2),
        "raw": result,
    }


def api_token(username: str, env: dict) -> str:
    """A write token for `username` in the working database, as an operator makes one: the
    command prints the token alone on its last line."""
    out = run(
        [HW, "api-token", "create", "--user", username, "--scope", "write", "--days", "1"], env
    )
    return out.strip().splitlines()[-1]


def baseline_page(rows: int) -> Page:
    return Page("baseline", "Baseline", "teacher", (f"/bench/baseline/?rows={rows}",), rows)


def load_test(server: Server, personas: dict, page_list: list, args) -> dict:
    results: dict = {page.name: {"rounds": []} for page in page_list}
    # Warm-up: every worker loads templates, the catalog and the search index once.
    for page in page_list:
        wrk(server.base, personas[page.persona], page, 2, args.connections)
        wrk(server.base, personas["teacher"], baseline_page(page.rows), 1, args.connections)
    for round_number in range(args.rounds):
        for page in page_list:
            base = wrk(
                server.base,
                personas["teacher"],
                baseline_page(page.rows),
                args.duration,
                args.connections,
            )
            measured = wrk(
                server.base, personas[page.persona], page, args.duration, args.connections
            )
            ratio = measured["rps"] / base["rps"] if base["rps"] else 0
            results[page.name]["rounds"].append(
                {"page": measured, "baseline": base, "ratio": round(ratio, 3)}
            )
            log(
                f"  round {round_number + 1} {page.name:9} {measured['rps']:7.1f} req/s "
                f"p50 {measured['p50_ms']:7.1f} ms | baseline({page.rows}) {base['rps']:7.1f} "
                f"req/s | ratio {ratio:.2f} | CPU/request {measured['cpu_ms_per_request']:.1f} "
                f"vs {base['cpu_ms_per_request']:.1f} ms"
                + (f" | FAILURES {measured['failures']}" if measured["failures"] else "")
            )
    for page in page_list:
        rounds = results[page.name]["rounds"]
        results[page.name]["summary"] = {
            "title": page.title,
            "note": page.note,
            "rows": page.rows,
            "rps": statistics.median(r["page"]["rps"] for r in rounds),
            "p50_ms": statistics.median(r["page"]["p50_ms"] for r in rounds),
            "p95_ms": statistics.median(r["page"]["p95_ms"] for r in rounds),
            "p99_ms": statistics.median(r["page"]["p99_ms"] for r in rounds),
            "baseline_rps": statistics.median(r["baseline"]["rps"] for r in rounds),
            "baseline_p50_ms": statistics.median(r["baseline"]["p50_ms"] for r in rounds),
            "cpu_ms_per_request": statistics.median(
                r["page"]["cpu_ms_per_request"] for r in rounds
            ),
            "baseline_cpu_ms_per_request": statistics.median(
                r["baseline"]["cpu_ms_per_request"] for r in rounds
            ),
            "ratio": statistics.median(r["ratio"] for r in rounds),
            "ratio_min": min(r["ratio"] for r in rounds),
            "ratio_max": max(r["ratio"] for r in rounds),
            "failures": sum(r["page"]["failures"] + r["baseline"]["failures"] for r in rounds),
        }
    return results


def worker_sweep(env: dict, manifest: dict, page_list: list, args) -> dict:
    """The pupil page and its baseline with other numbers of workers: which setting suits a
    machine like this one (gunicorn's rule of thumb is 2 × cores + 1)."""
    page = next(p for p in page_list if p.name == "pupil")
    school = manifest["schools"][0]
    results = {}
    for workers in [int(w) for w in args.sweep_workers.split(",")]:
        server = Server(env, workers)
        try:
            teacher = Persona(server.base, school["target"]["teacher"], manifest["password"])
            wrk(server.base, teacher, page, 2, args.connections)  # warm-up
            base = wrk(
                server.base, teacher, baseline_page(page.rows), args.duration, args.connections
            )
            measured = wrk(server.base, teacher, page, args.duration, args.connections)
        finally:
            server.stop()
        results[str(workers)] = {
            "rps": measured["rps"],
            "p50_ms": measured["p50_ms"],
            "p99_ms": measured["p99_ms"],
            "baseline_rps": base["rps"],
            "failures": measured["failures"] + base["failures"],
        }
        log(
            f"  {workers} workers: pupil page {measured['rps']:.1f} req/s p50 "
            f"{measured['p50_ms']:.0f} ms p99 {measured['p99_ms']:.0f} ms | baseline "
            f"{base['rps']:.1f} req/s"
        )
    return results


# --- the run --------------------------------------------------------------------------------


def machine() -> dict:
    memory = ""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[
        0
    ]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "kernel": platform.release(),
        "wrk": wrk_version.strip(),
        "commit": commit + ("+changes" if dirty else ""),
    }


def connections_used(database: str) -> str:
    """The database connections the served app uses, in words, as settings.py decides them."""
    if database == "postgres" and os.environ.get("HECHTWIJZER_DB_POOL", "1") not in ("0", "false"):
        low = os.environ.get("HECHTWIJZER_DB_POOL_MIN", "1")
        high = os.environ.get("HECHTWIJZER_DB_POOL_MAX", "4")
        return f"psycopg connection pool, {low}–{high} per worker"
    return f"persistent connections CONN_MAX_AGE={os.environ.get('CONN_MAX_AGE', '600')}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default="1,10,50")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="rounds at the first scale")
    parser.add_argument("--later-rounds", type=int, default=1, help="rounds at the other scales")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--runs", type=int, default=15, help="in-process runs per page")
    parser.add_argument(
        "--sweep-workers",
        default="2,3,5,9",
        help="at the first scale, also load the pupil page and its baseline with these numbers "
        "of gunicorn workers (empty: skip)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: install Debian's 'wrk' package (make bench does)")
    scales = [int(s) for s in args.scales.split(",")]
    TMP.mkdir(exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "HECHTWIJZER_DATA_DIR": str(TMP / "data"),
        "HECHTWIJZER_BENCH": "1",
        # The API pages are loaded far past a client's rate limit: the limit is not measured.
        "API_RATE_LIMIT": "1000000000",
        "HECHTWIJZER_ENV": "development",
        "DEBUG": "",
    }
    env.pop("DATABASE_URL", None)
    workers = args.workers or 2 * (os.cpu_count() or 1) + 1
    # The server serves hashed static files from the data directory, as in production.
    run([HW, "collectstatic", "--noinput", "-v0"], {**env, "DATABASE_URL": "sqlite:///:memory:"})
    started = datetime.datetime.now()
    today = datetime.date.today()
    report: dict = {
        "date": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "database": args.database,
        "server": {
            "command": f"hechtwijzer serve --workers {workers}",
            "workers": workers,
            "worker_class": "sync",
            "conn_max_age": 600,
            # What the server's settings make of the database connections (settings.py):
            # PostgreSQL uses psycopg's pool unless HECHTWIJZER_DB_POOL=0 (issue 18).
            "connections": connections_used(args.database),
        },
        "load": {
            "tool": "wrk",
            "threads": 2,
            "connections": args.connections,
            "duration_s": args.duration,
            "rounds_first_scale": args.rounds,
            "rounds_other_scales": args.later_rounds,
        },
        "scales": {},
    }
    database_class = SQLiteDatabase if args.database == "sqlite" else PostgresDatabase
    for index, scale in enumerate(scales):
        database = database_class(scale)
        manifest = database.prepare(env)
        report["database_version"] = database.version()
        work_env = {**env, "DATABASE_URL": database.work_url()}
        work_manifest = TMP / "work-manifest.json"
        work_manifest.write_text(json.dumps(manifest))
        facts = json.loads(run([PYTHON, HERE / "inprocess.py", "facts", work_manifest], work_env))
        manifest["rows"] = facts["rows"]
        work_manifest.write_text(json.dumps(manifest))
        page_list = pages(manifest, today)
        log(f"scale {scale}: in-process measurements")
        inprocess = json.loads(
            run([PYTHON, HERE / "inprocess.py", "pages", work_manifest, args.runs], work_env)
        )
        parts = None
        if index == 0:
            parts = json.loads(
                run([PYTHON, HERE / "inprocess.py", "parts", work_manifest], work_env)
            )
        log(f"scale {scale}: load test against gunicorn ({workers} workers)")
        server = Server(work_env, workers)
        try:
            school = manifest["schools"][0]
            teacher = school["target"]["teacher"]
            personas = {
                "teacher": Persona(
                    server.base, teacher, manifest["password"], api_token(teacher, work_env)
                ),
                "coordinator": Persona(server.base, school["coordinator"], manifest["password"]),
            }
            for page in page_list:
                personas[page.persona].check(page)
            personas["teacher"].check(baseline_page(25))
            args_for_scale = argparse.Namespace(**vars(args))
            args_for_scale.rounds = args.rounds if index == 0 else args.later_rounds
            load = load_test(server, personas, page_list, args_for_scale)
        finally:
            server.stop()
        sweep = None
        if index == 0 and args.sweep_workers:
            sweep = worker_sweep(work_env, manifest, page_list, args)
        report["scales"][str(scale)] = {
            "data": {
                "counts": manifest.get("counts"),
                "generation_seconds": manifest.get("generation_seconds"),
                "rows": facts["rows"],
                "heavy_pupil_observations": school["target"]["heavy_pupil_observations"],
            },
            "inprocess": inprocess,
            "parts": parts,
            "load": load,
            "worker_sweep": sweep,
        }
        out = RESULTS / f"{args.database}-{started:%Y-%m-%d-%H%M}.json"
        out.write_text(json.dumps(report, indent=1))
        log(f"results so far in {out.relative_to(ROOT)}")
    log("done; `.venv/bin/python bench/report.py` writes the tables into BENCHMARKS.md")


if __name__ == "__main__":
    main()
