"""`hechtwijzer transfer-import FILE --school ID|CODE [--dry-run] [--json]`: receive a transfer
report (JSON, docs/transfer-format.md) from a pupil's previous school: the pupil is found by
the source key (with the same name and date of birth) or created, and the plan waits as
"received" for the care coordinator to accept or decline. A malformed or hostile file, an
unknown school, a report already received: exit 2, one line on stderr, nothing changed."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from hechtwijzer.schools.models import School
from hechtwijzer.transfer import actions
from hechtwijzer.transfer.schema import MAX_BYTES, TransferProblem, parse


def find_school(value: str) -> School | None:
    """A school by its code (BRIN + dependance, or instellingsnummer), else by its id."""
    code = value.strip().upper()
    for school in School.objects.exclude(brin="", institution_number=""):
        if school.code == code or (school.brin and school.brin == code):
            return school
    if code.isascii() and code.isdigit() and len(code) < 19:
        return School.objects.filter(pk=int(code)).first()
    return None


class Command(BaseCommand):
    help = "Receive a transfer report (JSON) made by a pupil's previous school."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="the report ('-' for standard input)")
        parser.add_argument(
            "--school", required=True, metavar="ID|CODE", help="id, BRIN or instellingsnummer"
        )
        parser.add_argument("--dry-run", action="store_true", help="report, change nothing")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def _fail(self, message: str):
        self.stderr.write(f"error: {message}")
        sys.exit(2)

    def handle(self, *args, **options):
        school = find_school(options["school"])
        if school is None:
            self._fail(f"no school {options['school']!r}")
        try:
            if options["file"] == "-":
                data = sys.stdin.buffer.read(MAX_BYTES + 1)
            else:
                path = Path(options["file"])
                if not path.is_file():
                    raise TransferProblem(f"no such file: {options['file']}")
                with path.open("rb") as handle:
                    data = handle.read(MAX_BYTES + 1)
            content = parse(data)
            result = actions.receive(
                actor=None, school=school, content=content, dry_run=options["dry_run"]
            )
        except TransferProblem as problem:
            self._fail(str(problem))
        except (OSError, DatabaseError) as error:
            self._fail(str(error).splitlines()[0] if str(error) else type(error).__name__)
        summary = result.as_dict()
        summary["school"] = school.name
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        head = "Dry run, nothing changed" if result.dry_run else "Received"
        pupil = content["pupil"]
        what = "new pupil" if result.pupil_created else "matched by source key"
        self.stdout.write(
            f"{head}: {pupil['first_name']} {pupil['last_name']} at {school.name} ({what})"
        )
        if summary["received_plan"]:
            self.stdout.write(
                f"  received plan {summary['received_plan']}: waiting for the care coordinator"
            )
        for warning in result.warnings:
            self.stdout.write(f"  warning: {warning}")
