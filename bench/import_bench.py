"""Benchmark: importing an EDEXML export of 400 pupils on SQLite. A plain script, not a test.

Timings on shared machines are noisy, so they never decide whether the suite passes; this
script only measures and prints. Run from the repository root:

    .venv/bin/python bench/import_bench.py [PUPILS]

It makes a fresh SQLite database in a temporary data directory, migrates it, writes a fictional
export (`hechtwijzer.interop.sample`: PUPILS pupils, default 400, in 16 groups, 17 staff) and
times, in-process, what `hechtwijzer import edexml FILE --create-school` does: a dry run on the
empty database (everything created, then rolled back), the first import (everything created,
invitations made), and a second run of the same file (nothing changes). It prints JSON with
the seconds of each and the machine. BENCHMARKS.md has the result on the project's machine.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def main() -> None:
    pupils = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    data_dir = tempfile.mkdtemp(prefix="hw-import-bench-")
    os.environ["HECHTWIJZER_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hechtwijzer.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from hechtwijzer.administration import imports
    from hechtwijzer.interop import edexml, sample
    from hechtwijzer.schools.models import Pupil

    call_command("migrate", verbosity=0)
    data = sample.edexml(pupils)
    timings = {}
    runs = (("dry_run_s", True), ("first_import_s", False), ("second_run_s", False))
    for label, dry in runs:
        start = time.perf_counter()
        parsed = edexml.parse(data)
        summary = imports.run_import(
            actor=None, school_file=parsed, create_school=True, dry_run=dry
        )
        timings[label] = round(time.perf_counter() - start, 3)
        timings[label.replace("_s", "_summary")] = summary.as_dict()["pupils"]
    start = time.perf_counter()
    edexml.parse(data)
    timings["parse_only_s"] = round(time.perf_counter() - start, 3)
    result = {
        "pupils": pupils,
        "file_bytes": len(data),
        "pupils_in_database": Pupil.objects.count(),
        **timings,
        "database": "SQLite",
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
