"""`hechtwijzer demo`: load the fictional demo schools and print their log-ins."""

import json

from django.core.management.base import BaseCommand, CommandError

from hechtwijzer.demo import schools as demo


class Command(BaseCommand):
    help = (
        "Load two fictional demo schools (one Dutch, one Flemish) with groups, pupils and staff, "
        "and print the log-ins. Idempotent; refuses to touch a database with non-demo data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", help="print the accounts and pupils as JSON"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="on a database with non-demo data, say so and exit 0 instead of failing "
            "(used by `make run`)",
        )

    def handle(self, *args, **options):
        try:
            demo.load()
        except demo.NotADemoDatabase:
            message = (
                "This database holds data that is not demo data; the demo was not loaded "
                "and nothing was changed."
            )
            if options["if_empty"]:
                self.stdout.write(message)
                return
            raise CommandError(message) from None
        described = demo.describe()
        if options["json"]:
            self.stdout.write(json.dumps(described, ensure_ascii=False, indent=2))
            return
        self.stdout.write("Demo log-ins (fictional schools; passwords are random per database):")
        for account in described["accounts"]:
            groups = f" — {', '.join(account['groups'])}" if account["groups"] else ""
            self.stdout.write(
                f"  {account['username']:<24} {account['password']:<14} "
                f"{account['role']:<17} {account['school']}{groups}"
            )
