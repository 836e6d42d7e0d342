"""The heat map's rows, written in Python rather than with template tags.

The school overview shows every pupil of a school (400 rows of some twenty cells each); built
with `{% for %}` and `{{ }}` those rows were three quarters of the page's server time (bench/,
BENCHMARKS.md). The markup is the same as before, built with `format_html`, which escapes every
value. Escaping twenty numbers per row made that several times slower than the plain f-strings
it replaced, so the numeric parts are made once and reused: a cell or a week's bar depends only
on two small numbers, and a row's cells, totals and bars only on its numbers (1,024 rows are
kept: a school's 400 with room to spare, a few megabytes at most).
"""

from functools import lru_cache
from operator import attrgetter

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from .markup import joined

register = template.Library()

# Reversing the pupil URL once and filling in each id is many times cheaper than reversing per
# row; the placeholder is a well-formed public id, so the URL pattern accepts it.
_PLACEHOLDER = "a" * 16

_ROW = '<tr>\n<th scope="row"><a href="{}">{}</a></th>\n{}\n{}\n</tr>'
_NUMBERS = (
    '<td class="heatmap__total">{total}</td>\n'
    '<td class="heatmap__days">{days}</td>\n'
    '<td><span class="heatmap__sr">{by_week}</span>'
    '<span class="trend" aria-hidden="true">{trend}</span></td>'
)
_CELL = '<td class="heatmap__cell heatmap__cell--{}">{}</td>'
_WEEK = '<span class="trend__week"><span class="trend__bar trend__bar--{}"></span>{}</span>'
_LEVEL_COUNT = attrgetter("level", "count")
_HEIGHT_COUNT = attrgetter("height", "count")


@lru_cache(maxsize=1024)
def _cell(level: int, count: int) -> SafeString:
    return format_html(_CELL, level, count)


@lru_cache(maxsize=1024)
def _week(height: int, count: int) -> SafeString:
    return format_html(_WEEK, height, count)


@lru_cache(maxsize=1024)
def _cells(levels_counts: tuple[tuple[int, int], ...]) -> SafeString | str:
    return joined([_cell(level, count) for level, count in levels_counts])


@lru_cache(maxsize=1024)
def _numbers(
    total: int, days: int, by_week: tuple[int, ...], heights_counts: tuple[tuple[int, int], ...]
) -> SafeString:
    """The row's last three cells: total, days, and the weeks as text and as bars."""
    return format_html(
        _NUMBERS,
        total=total,
        days=days,
        by_week=", ".join(str(int(n)) for n in by_week),
        trend=joined([_week(height, count) for height, count in heights_counts]),
    )


def _row(row, url_template: str) -> SafeString:
    pupil = row.pupil
    return format_html(
        _ROW,
        url_template.replace(_PLACEHOLDER, pupil.public_id),
        pupil.full_name,
        _cells(tuple(map(_LEVEL_COUNT, row.by_group))),
        _numbers(row.total, row.days, tuple(row.by_week), tuple(map(_HEIGHT_COUNT, row.trend))),
    )


@register.simple_tag
def heatmap_rows(overview) -> SafeString:
    url_template = reverse("pupil", args=[_PLACEHOLDER])
    return joined((_row(row, url_template) for row in overview.rows), "\n")
