"""Python function calls per request of the measured pages: a cost figure that does not drift.

Timings on shared machines move by tens of percent between runs; the number of Python function
calls a request makes (counted by cProfile) does not, so it compares two commits run at
different moments. Used for the before/after table in BENCHMARKS.md:

    git worktree add /tmp/before <commit>
    HECHTWIJZER_DATA_DIR=bench/tmp/data DATABASE_URL=sqlite:///$PWD/bench/tmp/work.sqlite3 \\
        .venv/bin/python bench/calls.py /tmp/before/src bench/tmp/sqlite-scale1.json
    ... and the same with src/ for the current tree.

The first argument is the source tree to import Hechtwijzer from; the second the manifest of a
generated data set (`hechtwijzer generate --json`). Prints JSON: page -> calls per request.
"""

import cProfile
import datetime
import json
import os
import pstats
import sys

sys.path.insert(0, sys.argv[1])
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hechtwijzer.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from pages import pages  # noqa: E402

WARM_UP, COUNTED = 3, 5


def main(manifest_path: str) -> None:
    with open(manifest_path) as handle:
        manifest = json.load(handle)
    school = manifest["schools"][0]
    usernames = {"teacher": school["target"]["teacher"], "coordinator": school["coordinator"]}
    clients: dict[str, Client] = {}
    result = {}
    # The GET pages of the benchmark, each at its first path.
    for page in pages(manifest, datetime.date.today()):
        if page.method != "GET":
            continue
        if page.persona not in clients:
            clients[page.persona] = Client(HTTP_HOST="127.0.0.1")
            user = get_user_model().objects.get(username=usernames[page.persona])
            clients[page.persona].force_login(user)
        client, path = clients[page.persona], page.paths[0]
        for _ in range(WARM_UP):
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(COUNTED):
            client.get(path)
        profiler.disable()
        result[page.name] = pstats.Stats(profiler).total_calls // COUNTED
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[2])
