"""`hechtwijzer generate`: a large synthetic dataset for benchmarks (see demo.synthetic)."""

import json

from django.core.management.base import BaseCommand, CommandError

from hechtwijzer.demo import synthetic


class Command(BaseCommand):
    help = (
        "Fill an empty database with a fictional dataset for benchmarks: N schools of P pupils "
        "with on average K observations each, plus staff, focus cards, care records and audit "
        "entries. Deterministic per school for a seed, so school 1 is the same at every scale. "
        "All or nothing; refuses a database that holds any school or user."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, required=True, help="number of schools (≥ 1)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--pupils-per-school",
            type=int,
            default=synthetic.DEFAULT_PUPILS,
            help=f"pupils per school, in 16 groups (default {synthetic.DEFAULT_PUPILS})",
        )
        parser.add_argument(
            "--observations-per-pupil",
            type=int,
            default=synthetic.DEFAULT_OBSERVATIONS,
            help="average observations per pupil over the last year "
            f"(default {synthetic.DEFAULT_OBSERVATIONS})",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="print a manifest (password, per school the accounts and target pages) as JSON",
        )

    def handle(self, *args, **options):
        settings = synthetic.Options(
            scale=options["scale"],
            seed=options["seed"],
            pupils_per_school=options["pupils_per_school"],
            observations_per_pupil=options["observations_per_pupil"],
        )
        progress = None
        if options["verbosity"] >= 2:
            progress = lambda line: self.stderr.write(line)  # noqa: E731  (stderr keeps the JSON clean)
        try:
            manifest = synthetic.generate(settings, progress=progress)
        except synthetic.GenerateError as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps(manifest, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"Generated {manifest['scale']} schools (seed {manifest['seed']}) "
            f"in {manifest['seconds']} s. Password of every account: {manifest['password']}"
        )
        for table, count in manifest["counts"].items():
            self.stdout.write(f"  {table:<22} {count:>10,}")
