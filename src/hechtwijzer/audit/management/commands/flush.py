"""Django's `flush`, allowed to empty the audit table too (see hechtwijzer.audit.append_only).

Emptying the whole database is an operator's act (and what TransactionTestCase does between
tests); it is the only way rows leave the audit table. Nothing in the application calls it.
"""

from django.core.management.commands import flush
from django.db import connections

from hechtwijzer.audit.append_only import flushing


class Command(flush.Command):
    def handle(self, **options):
        with flushing(connections[options["database"]]):
            return super().handle(**options)
