"""Joining markup that is already safe, for the tags that write rows in Python.

`format_html_join` runs every piece through `format_html` again (several calls each); one
`format_html` call with a field per piece only asks each piece for its HTML. On the school
overview's 400 rows and the pupil page's timeline that difference was measurable
(bench/calls.py). No template library: this module has no `register`.
"""

from functools import lru_cache

from django.utils.html import format_html
from django.utils.safestring import SafeString


@lru_cache(maxsize=64)
def _fields(n: int, separator: str) -> str:
    return separator.join(["{}"] * n)


def joined(pieces, separator: str = "") -> SafeString | str:
    """The pieces one after another, `separator` (plain text without braces) between them;
    any piece that is not safe HTML yet is escaped."""
    pieces = list(pieces)
    return format_html(_fields(len(pieces), separator), *pieces) if pieces else ""
