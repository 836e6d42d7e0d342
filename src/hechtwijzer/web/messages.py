"""The messages a page shows once ("Saved: 2 signals for Piet. Undo · Correct"), kept in the
server-side session (settings.MESSAGE_STORAGE: they name pupils, so never in a cookie), with a
bound on how many wait there.

A browser shows the waiting messages on the next page, so a teacher has one or two at most. A
client that posts without ever loading a page (a script, a form sent again and again) would
let them pile up without end, and every request decodes, compresses and writes them all again:
after a thousand quick logs a quick log took 16 ms instead of 6.5 (BENCHMARKS.md). So at most
the newest few of each kind wait: the newest `KEEP` confirmations, and the newest
`KEEP_WARNINGS` warnings and errors, which are never pushed out by confirmations.
"""

from __future__ import annotations

from django.contrib.messages import constants
from django.contrib.messages.storage.session import SessionStorage

KEEP = 5
KEEP_WARNINGS = 20


class BoundedSessionStorage(SessionStorage):
    def _store(self, messages, response, *args, **kwargs):
        return super()._store(bounded(messages or []), response, *args, **kwargs)


def bounded(messages: list) -> list:
    """The messages worth keeping, in their order: the newest `KEEP` below warning level and
    the newest `KEEP_WARNINGS` at warning level or above."""
    plain = [i for i, m in enumerate(messages) if m.level < constants.WARNING]
    serious = [i for i, m in enumerate(messages) if m.level >= constants.WARNING]
    kept = set(plain[-KEEP:]) | set(serious[-KEEP_WARNINGS:])
    return [m for i, m in enumerate(messages) if i in kept]
