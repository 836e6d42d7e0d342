"""In-process measurements for bench/run.py, run in a subprocess against the benchmark database.

    python bench/inprocess.py facts MANIFEST            -> group size and school size
    python bench/inprocess.py pages MANIFEST FACTS      -> per page: queries and server time
    python bench/inprocess.py parts MANIFEST            -> engine alone, profile share, PDF alone

"Server time" here is the time Django takes to answer through the whole middleware stack with
the test client, no network and no other load: the part of a request that is ours. Medians of
repeated runs after a warm-up; the output is JSON on stdout.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hechtwijzer.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from pages import pages  # noqa: E402

from hechtwijzer.api import tokens  # noqa: E402

User = get_user_model()


def timed(fn, runs: int, warmup: int = 3, keep: bool = False) -> dict:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return {
        "median_ms": round(statistics.median(samples), 3),
        "min_ms": round(min(samples), 3),
        "max_ms": round(max(samples), 3),
        "runs": runs,
        **({"samples": samples} if keep else {}),
    }


ROW = re.compile(rb"<(?:tr|li)[\s>]")


def facts(manifest: dict) -> dict:
    """What the pages show, for the baseline to show as much: the rows of each page.

    A page's rows are the table rows and list items it renders (counted in its HTML) beyond
    those of the frame every page shares (header, menu); the baseline page renders that many
    table rows. The PDF is compared with as many rows as its HTML page has; the quick log with
    the rows of the form it is sent from.
    """
    school = manifest["schools"][0]
    clients = {
        "teacher": client_for(school["target"]["teacher"]),
        "coordinator": client_for(school["coordinator"]),
    }
    frame = len(ROW.findall(clients["teacher"].get("/bench/baseline/?rows=1").content)) - 1
    rows = {}
    for page in pages(manifest, timezone.localdate()):
        if page.name == "pdf":
            continue
        if page.api:
            rows[page.name] = 1  # JSON: the baseline's smallest page to compare with
            continue
        counts = []
        for path in page.paths:  # a page asked for in turns: the mean of its paths
            response = clients[page.persona].get(path)
            if response.status_code != 200:
                raise SystemExit(f"{page.name}: {path} answered {response.status_code}")
            counts.append(len(ROW.findall(response.content)) - frame)
        rows[page.name] = max(1, round(sum(counts) / len(counts)))
    rows["pdf"] = rows["card"]
    return {"rows": rows}


def client_for(username: str) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=username))
    # The API pages send a token of the same user instead of the session (api/tokens.py).
    _token, plain = tokens.create_token(
        actor=None, user=User.objects.get(username=username), name="bench", scope="write"
    )
    client.api_headers = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    return client


def ask(client: Client, page, path: str):
    """One request for `page` as bench/run.py sends it (a form, or the API's JSON with a
    token)."""
    headers = client.api_headers if page.api else {}
    if page.method != "POST":
        return client.get(path, **headers)
    if page.api:
        return client.post(path, page.body, content_type=page.content_type, **headers)
    return client.post(path, page.form)


def measure_pages(manifest: dict, runs: int, passes: int = 3) -> dict:
    """Per page: its queries, and its server time next to the baseline's with as many rows.

    Page and baseline are timed in turns, in several passes, so that a machine that slows
    down for a while (these are shared virtual machines) slows both: `vs_baseline` (page time
    ÷ baseline time) is the figure that compares across runs and scales.
    """
    school = manifest["schools"][0]
    clients = {
        "teacher": client_for(school["target"]["teacher"]),
        "coordinator": client_for(school["coordinator"]),
    }
    calls = {}
    results = {}
    for page in pages(manifest, timezone.localdate()):
        client = clients[page.persona]
        path = page.paths[0]

        def call(client=client, page=page, path=path):
            response = ask(client, page, path)
            if response.status_code != page.expect:
                raise SystemExit(f"{page.name}: {path} answered {response.status_code}")
            return response

        baseline_path = f"/bench/baseline/?rows={page.rows}"

        def baseline(client=clients["teacher"], path=baseline_path):
            return client.get(path)

        counts = []
        for fn in (call, baseline):
            with CaptureQueriesContext(connection) as queries:
                fn()
            # Read the count now: the captured list is a view of the connection's log, which
            # the next request empties.
            counts.append(len(queries))
        calls[page.name] = (call, baseline)
        results[page.name] = {
            "queries": counts[0],
            "baseline_queries": counts[1],
            "rows": page.rows,
        }

    samples: dict[str, tuple[list, list]] = {name: ([], []) for name in calls}
    per_pass = max(3, runs // passes)
    for _ in range(passes):
        for name, (call, baseline) in calls.items():
            for fn, into in zip((call, baseline), samples[name], strict=True):
                into.extend(timed(fn, runs=per_pass, warmup=1, keep=True)["samples"])
    # A page kept per version of the school's records (audit/kept.py) is timed above as a
    # user meets it again between two changes; here also as computed, the first time after a
    # change (the cache emptied before each request).
    for name, (call, _baseline) in calls.items():
        page = next(p for p in pages(manifest, timezone.localdate()) if p.name == name)
        if page.method == "POST" or page.api or name == "search":
            continue

        def computed(call=call):
            cache.clear()
            return call()

        results[name]["computed_ms"] = timed(computed, runs=max(5, runs // 2), warmup=1)[
            "median_ms"
        ]
    for name, (page_samples, baseline_samples) in samples.items():
        page_ms = statistics.median(page_samples)
        baseline_ms = statistics.median(baseline_samples)
        results[name].update(
            {
                "median_ms": round(page_ms, 3),
                "min_ms": round(min(page_samples), 3),
                "max_ms": round(max(page_samples), 3),
                "runs": len(page_samples),
                "baseline_ms": round(baseline_ms, 3),
                "vs_baseline": round(page_ms / baseline_ms, 3),
            }
        )
    return results


def synthetic_observations(n: int, as_of: datetime.date, seed: int = 8):
    """n engine observations of one to three signals, spread over the 8-week window."""
    from hechtwijzer import engine
    from hechtwijzer.catalog import get_catalog

    rng = random.Random(seed)
    codes = [s.code for s in get_catalog().signals]
    favourites = rng.sample(codes, 6)
    observations = []
    for _ in range(n):
        day = as_of - datetime.timedelta(days=rng.randrange(56))
        pool = favourites if rng.random() < 0.7 else codes
        observations.append(
            engine.Observation(date=day, signals=tuple(rng.sample(pool, rng.randint(1, 3))))
        )
    return observations


def measure_parts(manifest: dict) -> dict:
    from hechtwijzer import engine
    from hechtwijzer.catalog import get_catalog
    from hechtwijzer.observations.profiles import WINDOW_WEEKS, build_profile
    from hechtwijzer.plans.actions import current_card
    from hechtwijzer.plans.documents import card_document
    from hechtwijzer.plans.pdf import render_card
    from hechtwijzer.schools.models import Pupil

    catalog = get_catalog()
    today = timezone.localdate()
    out: dict = {"engine": {}}
    for n in (1_000, 10_000):
        observations = synthetic_observations(n, today)
        out["engine"][str(n)] = timed(
            lambda obs=observations: engine.build_profile(
                obs,
                catalog=catalog,
                as_of=today,
                window_weeks=WINDOW_WEEKS,
                birth_date=datetime.date(today.year - 9, 3, 1),
            ),
            runs=20 if n <= 1_000 else 7,
        )

    target = manifest["schools"][0]["target"]
    pupil = Pupil.objects.get(public_id=target["heavy_pupil"])
    client = client_for(target["teacher"])
    # In turns, in three passes, like the pages (see measure_pages).
    page_samples, profile_samples = [], []

    def computed_page():
        # The page as computed, not as kept between two changes (audit/kept.py): the profile
        # is a part of computing it.
        cache.clear()
        return client.get(f"/pupils/{pupil.public_id}/")

    for _ in range(3):
        page_samples += timed(computed_page, runs=7, warmup=1, keep=True)["samples"]
        profile_samples += timed(lambda: build_profile(pupil, today), runs=7, warmup=1, keep=True)[
            "samples"
        ]
    page_ms, profile_ms = statistics.median(page_samples), statistics.median(profile_samples)
    out["profile_share"] = {
        "pupil_observations": target["heavy_pupil_observations"],
        "pupil_page": {"median_ms": round(page_ms, 3), "runs": len(page_samples)},
        "profile_with_its_query": {"median_ms": round(profile_ms, 3), "runs": len(profile_samples)},
        "ratio": round(profile_ms / page_ms, 4),
    }

    card_pupil = Pupil.objects.get(public_id=target["card_pupil"])
    card = current_card(card_pupil)
    document = card_document(card_pupil, card, "nl")
    out["pdf"] = {
        "document": timed(lambda: card_document(card_pupil, card, "nl"), runs=15),
        "render": timed(lambda: render_card(document), runs=20),
    }
    return out


def main(argv: list[str]) -> None:
    command, manifest_path = argv[1], argv[2]
    manifest = json.loads(Path(manifest_path).read_text())
    if command == "facts":
        result = facts(manifest)
    elif command == "pages":
        runs = int(argv[3]) if len(argv) > 3 else 15
        result = measure_pages(manifest, runs)
    elif command == "parts":
        result = measure_parts(manifest)
    else:
        raise SystemExit(f"unknown command {command!r}")
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(sys.argv)
