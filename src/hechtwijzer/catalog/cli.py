"""`catalog validate`, `catalog export` and `catalog fingerprint`: the command-line face of the
catalog.

`main` takes its output streams as arguments so that the Django management command can pass
its own, and tests can pass StringIO; it returns the exit code instead of exiting.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import TextIO

from . import paraphrase
from .export import export_json
from .loader import CatalogError, load_catalog
from .model import KINDS, Catalog

FORMATS = ("json",)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="catalog", description="Check or export the catalog.")
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check the data files; list every problem")
    validate.add_argument("--path", help="data directory to check (default: the package's)")
    export = commands.add_parser("export", help="print the catalog in a machine-readable form")
    export.add_argument("--format", choices=FORMATS, default="json")
    export.add_argument("--path", help="data directory to export (default: the package's)")
    prints = commands.add_parser(
        "fingerprint",
        help="write the seed fingerprint the paraphrase tests use where the seed texts are"
        " absent (file hashes and digests, never text); checks every cited section heading"
        " against the seed texts first",
    )
    prints.add_argument(
        "--seeds",
        metavar="DIR",
        default=os.environ.get("HECHTWIJZER_SEEDS"),
        help="folder holding the seed .txt files (default: $HECHTWIJZER_SEEDS)",
    )
    prints.add_argument("--path", help="data directory of the catalog (default: the package's)")
    prints.add_argument(
        "--output", metavar="FILE", help="file to write (default: the package's fingerprints)"
    )
    return parser


def main(argv: list[str], stdout: TextIO, stderr: TextIO) -> int:
    """Run one command; 0 = done, 1 = the catalog has problems, 2 = bad command line."""
    try:
        # argparse writes usage and errors to sys.stdout/sys.stderr and exits.
        with redirect_stdout(stdout), redirect_stderr(stderr):
            args = _parser().parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        catalog = load_catalog(args.path)
    except CatalogError as error:
        for problem in error.problems:
            print(problem, file=stderr)
        return 1
    if args.command == "validate":
        print(_summary(catalog), file=stdout)
    elif args.command == "fingerprint":
        return _fingerprint(catalog, args.seeds, args.output, stdout, stderr)
    else:
        print(json.dumps(export_json(catalog), indent=2, ensure_ascii=False), file=stdout)
    return 0


def _fingerprint(
    catalog: Catalog, seeds: str | None, output: str | None, stdout: TextIO, stderr: TextIO
) -> int:
    """Write the fingerprints of the seeds in `seeds`: 2 when the seeds are not there, 1 when a
    cited section is not in its seed (nothing written then), 0 when written."""
    if not seeds:
        print("no seeds folder: give --seeds DIR or set HECHTWIJZER_SEEDS", file=stderr)
        return 2
    try:
        texts = paraphrase.read_seeds(catalog, seeds)
    except paraphrase.SeedsError as error:
        print(error, file=stderr)
        return 2
    problems = paraphrase.missing_sections(catalog, texts)
    for problem in problems:
        print(problem, file=stderr)
    if problems:
        return 1
    path = Path(output) if output else paraphrase.FINGERPRINTS_FILE
    prints = paraphrase.fingerprint_seeds(catalog, texts, paraphrase.salt_of(path))
    text = prints.to_json()
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        print(f"{path}: cannot write: {error.strerror}", file=stderr)
        return 1
    windows = sum(len(seed.windows) for seed in prints.seeds.values())
    sections = sum(len(seed.sections) for seed in prints.seeds.values())
    print(
        f"Wrote {path} ({len(text.encode()):,} bytes): the SHA-256 of {len(prints.seeds)} seeds,"
        f" {windows} word windows and {sections} verified section headings",
        file=stdout,
    )
    return 0


def _summary(catalog: Catalog) -> str:
    counts = {kind: len(catalog.items(kind)) for kind in KINDS}
    per_kind = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in counts.items())
    return f"Catalog {catalog.version} is valid: {sum(counts.values())} items ({per_kind})"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], sys.stdout, sys.stderr))
