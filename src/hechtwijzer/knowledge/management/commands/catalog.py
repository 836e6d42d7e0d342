"""`hechtwijzer catalog validate|export|fingerprint`: check the knowledge catalog, print it as
JSON, or write the seed fingerprint the paraphrase tests use."""

import sys

from django.core.management.base import BaseCommand

from hechtwijzer.catalog import cli


class Command(BaseCommand):
    help = (
        "validate: check the catalog's data files (exit 1 with the problems); "
        "export --format json: print the catalog as JSON; "
        "fingerprint --seeds DIR: write the seed fingerprint the paraphrase tests use."
    )

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="*", metavar="validate|export|fingerprint ...")

    def run_from_argv(self, argv):
        # The catalog's own command line parses its arguments (it also runs without Django),
        # so hand it everything after "catalog" and exit with its code.
        code = cli.main(argv[2:], sys.stdout, sys.stderr)
        sys.exit(code)

    def handle(self, *args, **options):
        # Reached through call_command(): same behaviour, exit code as the result.
        code = cli.main(list(args), self.stdout, self.stderr)
        if code:
            sys.exit(code)
