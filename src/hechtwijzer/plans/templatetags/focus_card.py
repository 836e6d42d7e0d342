"""The rows of the focus card, written in Python rather than with template tags.

A card shows 39 rows (the 29 card measures and the tips), each with the measure's explanation,
a note field and two checkboxes wired to htmx. As a template included once per row they were
three quarters of the card page's server time (bench/, BENCHMARKS.md); the markup here is the
same. Every text is escaped; codes are catalog codes (lower-case letters, digits, underscores).
"""

from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hechtwijzer.knowledge.templatetags.knowledge import as_paragraphs, item_url

register = template.Library()


@lru_cache(maxsize=8)
def _texts(language: str) -> dict[str, str]:
    """The row's fixed words in one language, escaped. Called outside f-strings on purpose:
    makemessages does not look inside them. `language` is the cache key (gettext follows the
    active language)."""
    return {
        "ticked": escape(_("ticked")),
        "not ticked": escape(_("not ticked")),
        "tip": escape(_("tip")),
        "recommended": escape(_("recommended")),
        "why": escape(_("Why and how")),
        "because": escape(_("Recommended because of the observed signals:")),
        "more": escape(_("More in the knowledge base")),
        "placeholder": escape(_("note (optional)")),
        "stale": escape(_("Someone else changed this row in the meantime; this is how it is now.")),
        "doing": escape(_("What I already do")),
        "trying": escape(_("What I will try")),
    }


def _tick(row, column: str, code: str, title: str, texts: dict, editable: bool, url: str) -> str:
    ticked = row[column]
    label = texts[column]
    if not editable:
        state = texts["ticked" if ticked else "not ticked"]
        return f'<span aria-label="{state}" role="img">{"☑" if ticked else "☐"}</span>'
    seen = "1" if ticked else "0"
    checked = " checked" if ticked else ""
    return (
        f'<input type="checkbox" id="{column}_{code}" name="{column}_{code}"{checked}\n'
        f'        hx-post="{escape(url)}" hx-trigger="change" hx-target="#row-{code}" '
        'hx-swap="outerHTML"\n'
        f'        hx-params="measure,column,seen" hx-vals=\'{{"measure": "{code}", '
        f'"column": "{column}", "seen": "{seen}"}}\'>\n'
        f'      <label for="{column}_{code}"><span class="visually-hidden">{label}: '
        f"{title}</span></label>"
    )


def render_row(row: dict, *, editable: bool, stale: bool, tick_url: str) -> SafeString:
    """One row of the card: `row` as plans.views._rows makes it."""
    language = get_language()
    texts = _texts(language)
    measure = row["measure"]
    code = escape(measure.code)
    title = escape(measure.label.get(language))
    because = row["because"]
    if measure.type == "card":
        number = escape(measure.number)
    else:
        number = f'<span class="tag">{texts["tip"]}</span>'
    recommended = ' class="recommended"' if because else ""
    parts = [
        f'<tr id="row-{code}"{recommended}>',
        f'  <th scope="row" class="card-number">{number}</th>',
        '  <td class="card-measure">',
        f'    <span class="card-measure__title">{title}</span>',
    ]
    if because:
        parts.append(f'    <span class="badge">{texts["recommended"]}</span>')
    parts.append(
        f'    <details class="explain"><summary>{texts["why"]}'
        f'<span class="visually-hidden">: {title}</span></summary>'
    )
    parts.append(f"      {as_paragraphs(measure.description.get(language))}")
    if because:
        signals = ", ".join(escape(s.label.get(language)) for s in because)
        parts.append(f"      <p><strong>{texts['because']}</strong> {signals}</p>")
    parts.append(f'      <p><a href="{escape(item_url(measure))}">{texts["more"]}</a></p>')
    parts.append("    </details>")
    note = escape(row["note"])
    if editable:
        label = escape(_("Note on %(title)s") % {"title": measure.label.get(language)})
        placeholder = texts["placeholder"]
        parts.append(f'    <label class="visually-hidden" for="note_{code}">{label}</label>')
        parts.append(
            f'    <input type="text" class="row-note" id="note_{code}" name="note_{code}" '
            f'value="{note}" maxlength="500" placeholder="{placeholder}">'
        )
    elif row["note"]:
        parts.append(f'    <p class="note">{note}</p>')
    if stale:
        parts.append(f'    <p class="errorlist" role="alert">{texts["stale"]}</p>')
    parts.append("  </td>")
    for column in ("doing", "trying"):
        tick = _tick(row, column, code, title, texts, editable, tick_url)
        parts.append(f'  <td class="card-tick">\n    {tick}\n  </td>')
    parts.append("</tr>")
    return mark_safe("\n".join(parts))  # noqa: S308  (every value above is escaped)


@register.simple_tag(takes_context=True)
def card_row(context, row) -> SafeString:
    # The tick URL is the same for every row of one card: reversed once per rendering.
    cache = context.render_context
    if "card_tick_url" not in cache:
        cache["card_tick_url"] = reverse("plans:tick", args=[context["pupil"].public_id])
    return render_row(
        row,
        editable=bool(context.get("editable")),
        stale=bool(context.get("stale")),
        tick_url=cache["card_tick_url"],
    )
