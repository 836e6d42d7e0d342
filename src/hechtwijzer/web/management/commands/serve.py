"""`hechtwijzer serve`: run the app with gunicorn, the production WSGI server."""

import gc
import os

from django.core.management.base import BaseCommand, CommandError


def close_database_connections() -> None:
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
        if hasattr(connection, "close_pool"):
            connection.close_pool()


# The languages a request can be answered in: the site's two and the Flemish variants
# (locale/nl_BE, locale/en_BE), whose catalogs Django loads on first use.
PRELOADED_LANGUAGES = ("nl", "en", "nl-be", "en-be")


def preload() -> None:
    """Load, in the master before it forks, what every worker would otherwise load for itself.

    The knowledge search index with simplemma's Dutch and English dictionaries (about 80 MB)
    and its spelling-correction table (about 10 MB), the knowledge catalog, the URL patterns
    and the translation catalogs: forked workers then share these pages with the master
    (copy-on-write) instead of each building its own copy on its first search. The garbage
    collector stays off while they are built, so no freed gaps are left between them, and
    `gc.freeze()` moves everything alive into the permanent generation, so a worker's
    collections never write to (and so never copy) these pages. Reference counting still
    copies the pages of objects a worker touches; BENCHMARKS.md ("Memory per worker") has what
    that leaves.
    """
    from django.urls import get_resolver
    from django.utils import translation

    from hechtwijzer.catalog import get_catalog
    from hechtwijzer.knowledge.search import index_for

    gc.disable()
    try:
        index_for(get_catalog()).prepare_spelling()
        get_resolver().url_patterns  # noqa: B018  (imports every view module)
        for language in PRELOADED_LANGUAGES:
            with translation.override(language):
                translation.gettext("Hechtwijzer")
        gc.freeze()
    finally:
        gc.enable()


def default_workers() -> int:
    # Gunicorn's rule of thumb for sync workers: two per core plus one.
    return 2 * (os.cpu_count() or 1) + 1


class Command(BaseCommand):
    help = "Serve Hechtwijzer with gunicorn on HOST:PORT (default 127.0.0.1:8000)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST") or "127.0.0.1")
        parser.add_argument("--port", default=os.environ.get("PORT") or "8000")
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY") or default_workers()),
        )
        parser.add_argument(
            "--access-log", action="store_true", help="log every request to standard output"
        )

    def handle(self, *args, host, port, workers, access_log, **options):
        try:
            port_number = int(port)
        except ValueError:
            raise CommandError(f"PORT={port!r} is not a port number") from None
        if not 0 < port_number < 65536:
            raise CommandError(f"PORT={port!r} is outside 1–65535")
        if workers < 1:
            raise CommandError("--workers must be at least 1")

        from gunicorn.app.base import BaseApplication

        from hechtwijzer.wsgi import application

        class Server(BaseApplication):
            def load_config(self):
                host_part = f"[{host}]" if ":" in host else host
                self.cfg.set("bind", f"{host_part}:{port_number}")
                self.cfg.set("workers", workers)
                self.cfg.set("timeout", 60)
                self.cfg.set("graceful_timeout", 10)
                # URLs carry only opaque pupil ids, but keep request logs opt-in anyway.
                self.cfg.set("accesslog", "-" if access_log else None)
                self.cfg.set("errorlog", "-")
                # No control socket: it lives in the home directory, where two servers on one
                # machine (say `make run` and a test) would fight over it.
                self.cfg.set("control_socket_disable", True)

            def load(self):
                return application

        preload()
        # The system checks ran in this (master) process and may have opened a connection or
        # a psycopg pool (with its worker threads): close both, so that every gunicorn worker
        # forked from here opens its own instead of sharing a socket or a thread-less pool.
        close_database_connections()

        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(f"Hechtwijzer is running at http://{shown}:{port_number}/ (Ctrl+C stops)")
        Server().run()
