"""`profile INPUT.json` (or `-` for stdin): the engine on the command line.

Exit codes: 0 = the profile is printed as JSON; 2 = bad input or bad options, with one line
`error: <message>` on stderr (never a traceback); 1 = the catalog itself is invalid. `main`
takes its streams as arguments so the Django management command can pass its own.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from contextlib import redirect_stdout
from datetime import date
from pathlib import Path
from typing import NoReturn, TextIO

from ..catalog import CatalogError, get_catalog
from .inputs import InputError, parse_json
from .output import profile_to_json
from .profile import build_profile
from .rules import Thresholds


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse would print the usage as well: keep bad input to a single line.
        raise _UsageError(message)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return value


def _whole(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 0")
    return value


def _parser() -> _Parser:
    parser = _Parser(
        prog="profile",
        description="Print the signal profile of one pupil as JSON (input format: DESIGN.md).",
    )
    parser.add_argument("input", metavar="INPUT", help="input JSON file, or - for stdin")
    # The defaults are the catalog's (rules.toml); the help says them only when it can load.
    try:
        defaults = Thresholds.from_catalog(get_catalog())
    except CatalogError:
        defaults = Thresholds()
    parser.add_argument(
        "--window-weeks", type=_positive, default=8, metavar="N", help="weeks up to as_of (8)"
    )
    for name, what in (
        ("min_signals", "distinct signals an indication needs"),
        ("min_specific", "of which tied to that pattern alone"),
        ("min_days", "distinct days an indication needs"),
        ("min_span_days", "days between its first and last observation"),
    ):
        value = getattr(defaults, name)
        parser.add_argument(
            "--" + name.replace("_", "-"),
            type=_positive if name in ("min_signals", "min_days") else _whole,
            default=None,
            metavar="N",
            help=f"{what} (catalog: {value})",
        )
    parser.add_argument("--informant", help="count only this informant's observations")
    return parser


def main(
    argv: list[str],
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
    *,
    today: date | None = None,
) -> int:
    parser = _parser()
    try:
        with redirect_stdout(stdout):  # where argparse prints --help
            args = parser.parse_args(argv)
    except _UsageError as error:
        return _fail(stderr, str(error))
    except SystemExit as exit_:  # --help
        return exit_.code if isinstance(exit_.code, int) else 0
    try:
        catalog = get_catalog()
    except CatalogError as error:
        print(f"error: the catalog is invalid: {error.problems[0]}", file=stderr)
        return 1
    try:
        text = _read(args.input, stdin)
        given = parse_json(text, catalog=catalog, today=today)
    except InputError as error:
        return _fail(stderr, str(error))
    chosen = {
        name: getattr(args, name)
        for name in ("min_signals", "min_specific", "min_days", "min_span_days")
        if getattr(args, name) is not None
    }
    try:
        thresholds = dataclasses.replace(Thresholds.from_catalog(catalog), **chosen)
    except ValueError as error:  # e.g. --min-specific above --min-signals
        return _fail(stderr, str(error))
    profile = build_profile(
        given.observations,
        catalog=catalog,
        as_of=given.as_of,
        window_weeks=args.window_weeks,
        thresholds=thresholds,
        birth_date=given.birth_date,
        risk_factors=given.risk_factors,
        protective_factors=given.protective_factors,
        informant=args.informant,
    )
    print(json.dumps(profile_to_json(profile), indent=2, ensure_ascii=False), file=stdout)
    return 0


def _read(name: str, stdin: TextIO) -> str:
    """The input text; InputError when it cannot be read or is not UTF-8."""
    try:
        if name == "-":
            buffer = getattr(stdin, "buffer", None)  # bytes, to report bad UTF-8 ourselves
            data = buffer.read() if buffer is not None else stdin.read().encode()
        else:
            data = Path(name).read_bytes()
    except OSError as error:
        raise InputError(f"cannot read {name!r}: {error.strerror or error}") from None
    try:
        return data.decode("utf-8-sig")  # tolerate the byte-order mark some editors write
    except UnicodeDecodeError as error:
        raise InputError(f"{name!r} is not valid UTF-8 (byte {error.start})") from None


def _fail(stderr: TextIO, message: str) -> int:
    print(f"error: {' '.join(message.splitlines())}", file=stderr)  # one line, whatever it quotes
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], sys.stdin, sys.stdout, sys.stderr))
