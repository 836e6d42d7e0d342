"""`catalog validate` and `catalog export`: the command-line face of the catalog.

`main` takes its output streams as arguments so that the Django management command can pass
its own, and tests can pass StringIO; it returns the exit code instead of exiting.
"""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import redirect_stderr, redirect_stdout
from typing import TextIO

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
    else:
        print(json.dumps(export_json(catalog), indent=2, ensure_ascii=False), file=stdout)
    return 0


def _summary(catalog: Catalog) -> str:
    counts = {kind: len(catalog.items(kind)) for kind in KINDS}
    per_kind = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in counts.items())
    return f"Catalog {catalog.version} is valid: {sum(counts.values())} items ({per_kind})"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], sys.stdout, sys.stderr))
