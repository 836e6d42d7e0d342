"""`hechtwijzer transfer --pupil PUBLIC_ID [--json] [--output FILE] [--language nl]`: the
transfer report for the receiving school, as PDF (default) or JSON (docs/transfer-format.md).
Recorded on the pupil's audit trail (`transfer.export`). An unknown pupil: exit 2, one line."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import translation

from hechtwijzer import words
from hechtwijzer.schools.models import Pupil
from hechtwijzer.transfer import actions, document


class Command(BaseCommand):
    help = "Export a pupil's transfer report for the receiving school (PDF, or JSON)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--pupil", required=True, metavar="PUBLIC_ID")
        parser.add_argument("--json", action="store_true", help="JSON instead of PDF")
        parser.add_argument("--output", metavar="FILE", help="write here (default: stdout)")
        parser.add_argument("--language", choices=("nl", "en"), default="nl")

    def handle(self, *args, **options):
        pupil = Pupil.objects.select_related("school").filter(public_id=options["pupil"]).first()
        if pupil is None:
            self.stderr.write(f"error: no pupil {options['pupil']!r}")
            sys.exit(2)
        lang = words.variant(options["language"], pupil.school.country)
        with translation.override(lang):
            kind = "json" if options["json"] else "pdf"
            content = actions.export(actor=None, pupil=pupil, lang=lang, kind=kind)
            if options["json"]:
                data = (json.dumps(content, ensure_ascii=False, indent=2) + "\n").encode()
            else:
                data = document.render(content, lang)
        if options["output"]:
            try:
                Path(options["output"]).write_bytes(data)
            except OSError as error:
                self.stderr.write(f"error: {error}")
                sys.exit(2)
        elif options["json"]:
            self.stdout.write(data.decode(), ending="")
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
