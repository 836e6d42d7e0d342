"""The rows of the focus card, written in Python rather than with template tags.

A card shows 39 rows (the 29 card measures and the tips), each with the measure's explanation,
a note field and two checkboxes wired to htmx. As a template included once per row they were
three quarters of the card page's server time (bench/, BENCHMARKS.md); the markup here is the
same. It is built with `format_html`, which escapes every value; codes are catalog codes
(lower-case letters, digits, underscores). What depends only on the measure and the language
(number, title, explanation) is made once per process: catalog items never change while it
runs, and escaping it again for every row made the card several times slower.
"""

from dataclasses import dataclass
from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hechtwijzer.catalog import Item
from hechtwijzer.knowledge.templatetags.knowledge import as_paragraphs, item_url

register = template.Library()

_ROW = (
    '<tr id="row-{code}"{recommended}>\n'
    "{head}{badge}{details}{note}{stale}\n"
    "  </td>\n"
    '  <td class="card-tick">\n    {doing}\n  </td>\n'
    '  <td class="card-tick">\n    {trying}\n  </td>\n'
    "</tr>"
)
# The measure's title opens its explanation (and, below it, the note field): on a phone an
# untouched row is one line of title next to its two ticks.
_HEAD = (
    '  <th scope="row" class="card-number">{}</th>\n'
    '  <td class="card-measure">\n'
    '    <details class="explain"><summary><span class="card-measure__title">{}</span>'
)
# A tip is numbered T1–T17 (`Measure.number_label`), apart from the card's rows 1–29.
_TIP = '{}<span class="visually-hidden"> ({})</span>'
_EXPLAIN = '<span class="visually-hidden"> ({})</span></summary>\n      {}'
# The rest of the measure's cell up to the note: the explanation and its link, then the end of
# the <details> the title opened (made once per measure and language, like `_HEAD`).
_DETAILS = '{}\n      <p><a href="{}">{}</a></p>\n    </details>'
_BADGE = ' <span class="badge">{}</span>'
# The note is saved on its own as it is typed (htmx, plans.views.note), like a tick: after a
# pause in typing and when the field is left. `seen_note_` is the note as the page showed it
# (optimistic locking, as a tick's `seen`); the answer updates it. The field shows when the
# row is open or holds a note (CSS), so an untouched row stays one line high on a phone.
# The field is written in four parts around its two copies of the note and the card's URL (the
# parts that differ between pupils): the parts are made once per measure and language.
_NOTE_FIELD_START = (
    '\n    <div class="row-note-box">'
    '\n    <label class="visually-hidden" for="note_{code}">{label}</label>'
    '\n    <input type="text" class="row-note" id="note_{code}" name="note_{code}" '
    'value="'
)
_NOTE_FIELD_BEFORE_URL = (
    '" maxlength="500" placeholder="{placeholder}" autocomplete="off"\n        hx-post="'
)
_NOTE_FIELD_AFTER_URL = (
    '" hx-trigger="input changed delay:700ms, change" hx-swap="none"\n'
    '        hx-params="measure,note_{code},seen_note_{code}" '
    'hx-vals=\'{{"measure": "{code}"}}\'>'
    '\n    <input type="hidden" id="seen_note_{code}" name="seen_note_{code}" value="'
)
_NOTE_FIELD_END = (
    '">'
    '\n    <span class="note-status" id="note-status-{code}" aria-live="polite"></span>'
    "\n    </div>"
)
# What the server answers to a saved note: the note as it now is, the card's version, and a
# word that it was saved; nothing else on the page changes (the field keeps the focus).
_NOTE_SAVED = (
    '<input type="hidden" id="seen_note_{code}" name="seen_note_{code}" value="{note}" '
    'hx-swap-oob="true">\n'
    '<span class="note-status" id="note-status-{code}" aria-live="polite" '
    'hx-swap-oob="true">{saved}</span>\n'
)
_UNSAVED = '\n    <p class="errorlist" role="alert">{} <q class="unsaved">{}</q></p>'
_NOTE = '\n    <p class="note">{}</p>'
_STALE = '\n    <p class="errorlist" role="alert">{}</p>'
_TICK_SHOWN = '<span aria-label="{}" role="img">{}</span>'
# A checkbox in two halves around its URL (the only part that differs between pupils), so the
# halves are made once per measure, column, state and language and each tick only adds them.
# The label holds the box, so the whole cell (at least 44 by 44 px) is the tap target.
_TICK_BEFORE_URL = (
    '<label class="tick" for="{column}_{code}">'
    '<input type="checkbox" id="{column}_{code}" name="{column}_{code}"{checked}\n        hx-post="'
)
_TICK_AFTER_URL = (
    '" hx-trigger="change" hx-target="#row-{code}" hx-swap="outerHTML"\n'
    '        hx-params="measure,column,seen" hx-vals=\'{{"measure": "{code}", '
    '"column": "{column}", "seen": "{seen}"}}\'>\n'
    '<span class="visually-hidden">{label}: {title}</span></label>'
)

# Values that `format_html` would otherwise escape again on every row: escaped once here.
_EMPTY = SafeString()
_RECOMMENDED = format_html(' class="{}"', "recommended")
_COLUMNS = {column: escape(column) for column in ("doing", "trying")}
_CHECKED = {True: escape(" checked"), False: _EMPTY}
_SEEN = {True: escape("1"), False: escape("0")}


@lru_cache(maxsize=8)
def _texts(language: str) -> dict[str | bool, SafeString]:
    """The row's fixed words in one language, escaped once (`escape` marks them safe, so
    `format_html` does not escape them again). Called outside the markup on purpose:
    makemessages only finds literal gettext calls. `language` is the cache key (gettext follows
    the active language)."""
    texts = {
        "tip": escape(_("tip")),
        "why": escape(_("Why and how")),
        "more": escape(_("More in the knowledge base")),
        "placeholder": escape(_("note (optional)")),
        "saved": escape(_("Saved")),
        "unsaved": escape(
            _("Someone else changed this note in the meantime. Your text was not saved:")
        ),
        "stale": escape(_("Someone else changed this row in the meantime; this is how it is now.")),
        "doing": escape(_("What I already do")),
        "trying": escape(_("What I will try")),
    }
    # A read-only tick is the same in every row.
    texts[True] = format_html(_TICK_SHOWN, _("ticked"), "☑")
    texts[False] = format_html(_TICK_SHOWN, _("not ticked"), "☐")
    return texts


@dataclass(frozen=True)
class _Measure:
    """A measure's own markup in one language, escaped."""

    item: Item
    code: SafeString
    title: SafeString
    head: SafeString  # number cell, and the measure cell up to the title
    details: SafeString  # the explanation with its link, and the end of the <details>
    note_label: SafeString


_measures: dict[tuple[str, str], _Measure] = {}


def _measure(measure: Item, language: str, texts: dict) -> _Measure:
    made = _measures.get((measure.code, language))
    if made is None or made.item is not measure:
        label = measure.label.get(language)
        title = escape(label)
        number = (
            measure.number_label
            if measure.type == "card"
            else format_html(_TIP, measure.number_label, texts["tip"])
        )
        made = _measures[measure.code, language] = _Measure(
            item=measure,
            code=escape(measure.code),
            title=title,
            head=format_html(_HEAD, number, title),
            details=format_html(
                _DETAILS,
                format_html(
                    _EXPLAIN, texts["why"], as_paragraphs(measure.description.get(language))
                ),
                item_url(measure),
                texts["more"],
            ),
            note_label=escape(_("Note on %(title)s") % {"title": label}),
        )
    return made


_tick_halves: dict[tuple[int, str, bool], tuple[SafeString, SafeString]] = {}
_note_parts: dict[int, tuple[_Measure, SafeString, SafeString, SafeString, SafeString]] = {}


def _note_field(measure: _Measure, texts: dict, url: str, note: str) -> SafeString:
    """A row's note field: its four fixed parts made once per measure and language, and the
    row's note, escaped, in its two places and the card's URL between them (as `_tick` adds
    its halves around the URL)."""
    parts = _note_parts.get(id(measure))
    if parts is None or parts[0] is not measure:  # an id is reused once its object is gone
        values = {
            "code": measure.code,
            "label": measure.note_label,
            "placeholder": texts["placeholder"],
        }
        parts = _note_parts[id(measure)] = (
            measure,
            format_html(_NOTE_FIELD_START, **values),
            format_html(_NOTE_FIELD_BEFORE_URL, **values),
            format_html(_NOTE_FIELD_AFTER_URL, **values),
            format_html(_NOTE_FIELD_END, **values),
        )
    value = conditional_escape(note)
    return parts[1] + value + parts[2] + conditional_escape(url) + parts[3] + value + parts[4]


def _tick(ticked: bool, column: str, measure: _Measure, texts: dict, url: SafeString | None):
    """A column's box: a checkbox for htmx when `url` is given, else the state as a symbol."""
    if url is None:
        return texts[ticked]
    key = (id(measure), column, ticked)
    halves = _tick_halves.get(key)
    if halves is None:
        values = {
            "column": _COLUMNS[column],
            "code": measure.code,
            "checked": _CHECKED[ticked],
            "seen": _SEEN[ticked],
            "label": texts[column],
            "title": measure.title,
        }
        before = format_html(_TICK_BEFORE_URL, **values)
        after = format_html(_TICK_AFTER_URL, **values)
        halves = _tick_halves[key] = (before, after)
    return halves[0] + url + halves[1]


def render_row(
    row: dict, *, editable: bool, stale: bool, tick_url: str, note_url: str = "", unsaved=None
) -> SafeString:
    """One row of the card: `row` as plans.views._rows makes it. `unsaved` is a note that could
    not be saved (someone else changed it): shown with the row as it now is, to copy."""
    language = get_language()
    texts = _texts(language)
    measure = _measure(row["measure"], language, texts)
    url = conditional_escape(tick_url) if editable else None
    mark = row["because"]  # a plans.marks.Mark, or None
    if editable:
        note = _note_field(measure, texts, note_url, row["note"])
    elif row["note"]:
        note = format_html(_NOTE, row["note"])
    else:
        note = _EMPTY
    return format_html(
        _ROW,
        code=measure.code,
        recommended=_RECOMMENDED if mark else _EMPTY,
        head=measure.head,
        # The mark names its signals and how often each was seen (plans/marks.py).
        badge=format_html(_BADGE, mark.text(language)) if mark else _EMPTY,
        details=measure.details,
        note=note,
        stale=format_html(_UNSAVED, texts["unsaved"], unsaved)
        if unsaved is not None
        else format_html(_STALE, texts["stale"])
        if stale
        else _EMPTY,
        doing=_tick(bool(row["doing"]), "doing", measure, texts, url),
        trying=_tick(bool(row["trying"]), "trying", measure, texts, url),
    )


@register.simple_tag(takes_context=True)
def card_row(context, row) -> SafeString:
    # The tick URL is the same for every row of one card: reversed once per rendering.
    cache = context.render_context
    if "card_tick_url" not in cache:
        public_id = context["pupil"].public_id
        cache["card_tick_url"] = reverse("plans:tick", args=[public_id])
        cache["card_note_url"] = escape(reverse("plans:note", args=[public_id]))
    return render_row(
        row,
        editable=bool(context.get("editable")),
        stale=bool(context.get("stale")),
        tick_url=cache["card_tick_url"],
        note_url=cache["card_note_url"],
        unsaved=context.get("unsaved"),
    )


@register.simple_tag
def note_saved(code: str, note: str) -> SafeString:
    """The answer to a saved note (plans/_note_saved.html)."""
    return format_html(_NOTE_SAVED, code=code, note=note, saved=_("Saved"))
