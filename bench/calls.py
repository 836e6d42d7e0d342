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
import json
import os
import pstats
import sys

sys.path.insert(0, sys.argv[1])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hechtwijzer.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402

WARM_UP, COUNTED = 3, 5


def main(manifest_path: str) -> None:
    with open(manifest_path) as handle:
        manifest = json.load(handle)
    school = manifest["schools"][0]
    target = school["target"]
    pages = [
        ("group", target["teacher"], f"/groups/{target['group_id']}/"),
        ("school", school["coordinator"], f"/schools/{school['id']}/overview/"),
        ("pupil", target["teacher"], f"/pupils/{target['heavy_pupil']}/"),
        ("profile", school["coordinator"], f"/pupils/{target['heavy_pupil']}/"),
        ("card", target["teacher"], f"/pupils/{target['card_pupil']}/focuskaart/"),
        ("pdf", target["teacher"], f"/pupils/{target['card_pupil']}/focuskaart.pdf"),
        ("search", target["teacher"], "/knowledge/search/?q=hechting"),
    ]
    clients: dict[str, Client] = {}
    result = {}
    for name, username, path in pages:
        if username not in clients:
            clients[username] = Client(HTTP_HOST="127.0.0.1")
            clients[username].force_login(get_user_model().objects.get(username=username))
        client = clients[username]
        for _ in range(WARM_UP):
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(COUNTED):
            client.get(path)
        profiler.disable()
        result[name] = pstats.Stats(profiler).total_calls // COUNTED
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[2])
