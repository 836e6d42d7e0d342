"""The heat map's rows, written in Python rather than with template tags.

The school overview shows every pupil of a school (400 rows of some twenty cells each); built
with `{% for %}` and `{{ }}` those rows were three quarters of the page's server time (bench/,
BENCHMARKS.md). The markup is the same as before; every text is escaped here, and the numbers
are plain integers.
"""

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Reversing the pupil URL once and filling in each id is many times cheaper than reversing per
# row; the placeholder is a well-formed public id, so the URL pattern accepts it.
_PLACEHOLDER = "a" * 16


def _row(row, url_template: str) -> str:
    pupil = row.pupil
    cells = "".join(
        f'<td class="heatmap__cell heatmap__cell--{cell.level:d}">{cell.count:d}</td>'
        for cell in row.by_group
    )
    trend = "".join(
        f'<span class="trend__week"><span class="trend__bar trend__bar--{point.height:d}">'
        f"</span>{point.count:d}</span>"
        for point in row.trend
    )
    by_week = ", ".join(str(int(n)) for n in row.by_week)
    url = escape(url_template.replace(_PLACEHOLDER, pupil.public_id))
    return (
        f'<tr>\n<th scope="row"><a href="{url}">{escape(pupil.full_name)}</a></th>\n{cells}\n'
        f'<td class="heatmap__total">{row.total:d}</td>\n'
        f'<td class="heatmap__days">{row.days:d}</td>\n'
        f'<td><span class="heatmap__sr">{by_week}</span>'
        f'<span class="trend" aria-hidden="true">{trend}</span></td>\n</tr>'
    )


@register.simple_tag
def heatmap_rows(overview) -> SafeString:
    url_template = reverse("pupil", args=[_PLACEHOLDER])
    return mark_safe("\n".join(_row(row, url_template) for row in overview.rows))  # noqa: S308
