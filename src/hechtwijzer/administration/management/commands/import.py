"""`hechtwijzer import edexml FILE [--school CODE | --create-school] [--dry-run] [--json]` and
`hechtwijzer import csv FILE --school CODE [--mapping field=Column,…] [--dry-run] [--json]`
(both with `--partial` for a file of part of the school):
sync groups, pupils and staff from a school administration system's export
(`hechtwijzer.administration.imports`). A bad or hostile file: exit 2, one line on stderr,
nothing changed."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from hechtwijzer.administration import imports
from hechtwijzer.interop import FileProblem, csvfile
from hechtwijzer.interop.model import MAX_BYTES


class Command(BaseCommand):
    help = "Import pupils, groups and staff from an EDEXML 2.1 or CSV export."
    # A bad file is one line on stderr; the system checks' warnings would add more.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=imports.KINDS)
        parser.add_argument("file", help="the export file ('-' for standard input)")
        where = parser.add_mutually_exclusive_group()
        where.add_argument(
            "--school", metavar="CODE", help="BRIN (+ dependance) or instellingsnummer"
        )
        where.add_argument(
            "--create-school",
            action="store_true",
            help="create the school named in the file when it does not exist yet",
        )
        parser.add_argument(
            "--mapping",
            metavar="FIELD=COLUMN,…",
            help=f"CSV columns; fields: {', '.join(csvfile.FIELDS)} "
            "(default: the mapping the school used last)",
        )
        parser.add_argument(
            "--partial",
            action="store_true",
            help="the file lists only some of the school's pupils: nobody missing is marked left",
        )
        parser.add_argument("--dry-run", action="store_true", help="report, change nothing")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")
        parser.add_argument("--base-url", default=None, help="in front of invitation links")

    def _fail(self, message: str):
        self.stderr.write(f"error: {message}")
        sys.exit(2)

    def handle(self, *args, **options):
        try:
            summary = self._run(options)
        except FileProblem as problem:
            self._fail(problem.line_text())
        except (OSError, DatabaseError, CommandError) as error:
            self._fail(str(error).splitlines()[0] if str(error) else type(error).__name__)
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
        else:
            self._print(summary)
        for issued in summary.invitations:
            if not issued.mailed_to:
                user = issued.invitation.user
                why = (
                    "not mailed: the link needs the site's address, set BASE_URL or --base-url"
                    if user.email
                    else "no e-mail address"
                )
                self.stderr.write(f"invitation for {user.get_username()} ({why}): {issued.link}")

    def _read(self, name: str) -> bytes:
        if name == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            path = Path(name)
            if not path.is_file():
                raise FileProblem(f"no such file: {name}")
            with path.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        return data

    def _run(self, options):
        school = None
        if options["school"]:
            school = imports.find_school(options["school"])
            if school is None:
                raise FileProblem(f"no school with code {options['school']!r}")
        mapping = csvfile.parse_mapping(options["mapping"]) if options["mapping"] else None
        data = self._read(options["file"])
        school_file = imports.read_file(options["kind"], data, school=school, mapping=mapping)
        school_file.full = not options["partial"]
        return imports.run_import(
            actor=None,
            school_file=school_file,
            school=school,
            create_school=options["create_school"],
            dry_run=options["dry_run"],
            base_url=options["base_url"],
        )

    def _print(self, summary: imports.Summary) -> None:
        data = summary.as_dict()
        head = "Dry run, nothing changed" if summary.dry_run else "Imported"
        self.stdout.write(f"{head}: {summary.school} ({summary.school_code})")
        for part in ("groups", "pupils", "staff"):
            counts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in data[part].items())
            self.stdout.write(f"  {part}: {counts}")
        for warning in summary.warnings:
            self.stdout.write(f"  warning: {warning}")
