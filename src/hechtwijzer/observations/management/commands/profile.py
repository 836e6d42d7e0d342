"""`hechtwijzer profile INPUT.json` (or `-`): run the signal engine on observations as JSON."""

import sys

from django.core.management.base import BaseCommand

from hechtwijzer.engine import cli


class Command(BaseCommand):
    help = (
        "Print the signal profile of INPUT.json (or - for standard input): observed signals, "
        "indications with sources and cautions, safeguarding, recommended measures. "
        "Bad input: exit 2 with a one-line error."
    )

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="*", metavar="INPUT.json")

    def run_from_argv(self, argv):
        # The engine's own command line parses the arguments (it also runs without Django).
        sys.exit(cli.main(argv[2:], sys.stdin, sys.stdout, sys.stderr))

    def handle(self, *args, **options):
        code = cli.main(list(args), sys.stdin, self.stdout, self.stderr)
        if code:
            sys.exit(code)
