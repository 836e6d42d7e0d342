"""HTML is made by templates (autoescaped) or by `format_html` / `format_html_join`, never by
pasting values into an f-string and marking the result safe.

The first part reads the package's source: a `mark_safe` or `SafeString` of anything but a
literal, a `format_html` whose format string is itself built from values, or a template that
switches autoescaping off, fails the suite. The second part feeds hostile text to the template
tags that write HTML in Python (focus card rows, timeline entries, heat-map rows, catalog
paragraphs) and checks it comes out escaped.
"""

import ast
import datetime
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

import hechtwijzer
from hechtwijzer.catalog import get_catalog
from hechtwijzer.knowledge.templatetags.knowledge import as_paragraphs
from hechtwijzer.observations.templatetags.heatmap import heatmap_rows
from hechtwijzer.observations.templatetags.timeline import timeline_entries
from hechtwijzer.plans.marks import Mark
from hechtwijzer.plans.templatetags.focus_card import render_row

PACKAGE = Path(hechtwijzer.__file__).resolve().parent

# ---------------------------------------------------------------------------------------------
# The source
# ---------------------------------------------------------------------------------------------

MARKERS = {"mark_safe", "SafeString"}  # calls that declare a string safe as it is
FORMATTERS = {"format_html": 0, "format_html_join": 1}  # position of the format string


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _built_from_values(node: ast.expr) -> bool:
    """An f-string, a `%` or `.format()` of a string, or a concatenation with one of those."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.JoinedStr):
            return True
        if isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.Mod):
            return True
        if isinstance(inner, ast.Call) and _name(inner.func) == "format":
            return True
    return False


def unsafe_html_calls(source: str, filename: str = "<source>") -> list[str]:
    """Every call in `source` that marks a non-literal safe or formats HTML from a built
    string, as "file:line: what"."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        arguments = [*node.args, *(k.value for k in node.keywords)]
        if name in MARKERS:
            literal = all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) for a in arguments
            )
            if not literal:
                found.append(f"{filename}:{node.lineno}: {name}() of a value that is no literal")
        elif name in FORMATTERS:
            position = FORMATTERS[name]
            template = node.args[position] if len(node.args) > position else None
            for keyword in node.keywords:
                if keyword.arg == "format_string":
                    template = keyword.value
            if template is not None and _built_from_values(template):
                found.append(
                    f"{filename}:{node.lineno}: {name}() with a format string built from values"
                )
    return found


def package_sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        yield relative, path.read_text(encoding="utf-8")


def test_no_html_is_marked_safe_from_an_f_string_or_concatenation():
    found = [
        problem
        for relative, source in package_sources()
        for problem in unsafe_html_calls(source, str(relative))
    ]
    assert not found, "build HTML with a template or format_html:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        'mark_safe(f"<p>{text}</p>")',
        'mark_safe("<p>" + escape(text) + "</p>")',
        'mark_safe("<p>%s</p>" % escape(text))',
        'mark_safe("<p>{}</p>".format(escape(text)))',
        'mark_safe("\\n".join(parts))',
        "mark_safe(html)",
        "safestring.mark_safe(html)",
        'SafeString(f"<b>{name}</b>")',
        'format_html(f"<p>{text}</p>")',
        'format_html("<p>%s</p>" % text, 1)',
        'format_html_join("", f"<li>{text}</li>", rows)',
        'format_html_join("", format_string="<li>{}</li>".format(text), args_generator=rows)',
    ],
)
def test_the_source_check_finds_what_it_forbids(source):
    assert unsafe_html_calls(source)


@pytest.mark.parametrize(
    "source",
    [
        'format_html("<p>{}</p>", text)',
        "format_html(_ROW, name=name, url=url)",
        'format_html_join(", ", "{}", ((s,) for s in signals))',
        'mark_safe("&nbsp;")',
        "SafeString()",
        'escape(f"{a} {b}")',
    ],
)
def test_the_source_check_allows_escaping_helpers_and_literals(source):
    assert not unsafe_html_calls(source)


def test_no_template_switches_autoescaping_off():
    found = []
    for path in sorted(PACKAGE.rglob("templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"\|\s*safe\b|{%\s*autoescape\s+off\s*%}", text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{path.relative_to(PACKAGE)}:{line}: {match.group()}")
    assert not found, "\n".join(found)


# ---------------------------------------------------------------------------------------------
# The tags, with hostile text
# ---------------------------------------------------------------------------------------------

HOSTILE = '<script>alert(1)</script> " onmouseover="x \' & {0} {} %s'
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &quot; onmouseover=&quot;x &#x27; &amp; {0} {} %s"
PUBLIC_ID = "bcdefghjkmnpqrst"  # the URL patterns accept [a-z2-7]{16}


def assert_escaped(html: str, times: int = 1):
    assert "<script>" not in html and '" onmouseover="' not in html
    assert html.count(ESCAPED) >= times, html


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


def card_measure():
    return next(m for m in get_catalog().measures if m.type == "card")


@pytest.mark.parametrize("editable", [True, False])
def test_a_focus_card_row_escapes_the_note_and_the_signal_labels(editable):
    signal = SimpleNamespace(label=SimpleNamespace(get=lambda language: HOSTILE))
    row = {
        "measure": card_measure(),
        "because": Mark(((signal, 2),)),
        "note": HOSTILE,
        "doing": True,
        "trying": False,
    }
    html = render_row(row, editable=editable, stale=True, tick_url=f"/x/?a={HOSTILE}")
    assert_escaped(html, times=3 if editable else 2)  # note, signal (and the tick URL)
    if editable:
        assert f'value="{ESCAPED}"' in html
    assert html.startswith(f'<tr id="row-{card_measure().code}" class="recommended">')


def test_a_focus_card_rows_note_field_escapes_the_note_in_both_places_and_the_url():
    # The field's fixed parts are made once per measure and shared by every pupil's card; only
    # the note and the card's URL are added per row (plans/templatetags/focus_card.py).
    row = {
        "measure": card_measure(),
        "because": None,
        "note": HOSTILE,
        "doing": False,
        "trying": False,
    }
    html = render_row(row, editable=True, stale=False, tick_url="/x/", note_url=f"/n/?a={HOSTILE}")
    assert html.count(f'value="{ESCAPED}"') == 2  # the field and the note as the page showed it
    assert f'hx-post="/n/?a={ESCAPED}"' in html
    other = render_row(
        {**row, "note": "rustig"}, editable=True, stale=False, tick_url="/y/", note_url="/m/"
    )
    assert other.count('value="rustig"') == 2 and 'hx-post="/m/"' in other
    assert ESCAPED not in other


def test_a_read_only_focus_card_row_without_a_note_holds_no_note():
    row = {"measure": card_measure(), "because": None, "note": "", "doing": False, "trying": True}
    html = render_row(row, editable=False, stale=False, tick_url="/x/")
    assert 'class="note"' not in html and "<input" not in html
    assert html.count('role="img"') == 2 and "☐" in html and "☑" in html


def test_timeline_entries_escape_author_informant_situation_and_note():
    request = RequestFactory().get("/")
    author = SimpleNamespace(get_full_name=lambda: HOSTILE, username="anna")
    observation = SimpleNamespace(
        is_withdrawn=False,
        author=author,
        observed_on=datetime.date(2026, 10, 5),
        note=HOSTILE,
        uid="12345678-1234-1234-1234-123456789abc",
        version=3,
    )
    entry = {
        "observation": observation,
        "informant": HOSTILE,
        "signals": list(get_catalog().signals)[:2],
        "situation": [HOSTILE, "pauze"],
        "may_correct": True,
    }
    pupil = SimpleNamespace(public_id=PUBLIC_ID)
    html = timeline_entries({"request": request, "pupil": pupil}, [entry, entry])
    assert_escaped(html, times=8)  # author, informant, situation and note, twice
    assert html.count("<article") == 2 and "/withdraw/" in html
    assert f"{ESCAPED} · pauze" in html


def test_heatmap_rows_escape_the_pupil_name():
    cells = (SimpleNamespace(count=3, level=2), SimpleNamespace(count=0, level=0))
    trend = (SimpleNamespace(count=1, height=1), SimpleNamespace(count=2, height=2))
    row = SimpleNamespace(
        pupil=SimpleNamespace(public_id=PUBLIC_ID, full_name=HOSTILE),
        by_group=cells,
        by_week=(1, 2),
        trend=trend,
        total=3,
        days=2,
    )
    html = heatmap_rows(SimpleNamespace(rows=[row]))
    assert_escaped(html)
    assert f'<a href="/pupils/{PUBLIC_ID}/">{ESCAPED}</a>' in html
    assert '<td class="heatmap__cell heatmap__cell--2">3</td>' in html
    assert '<span class="heatmap__sr">1, 2</span>' in html


def test_as_paragraphs_escapes_each_paragraph():
    html = as_paragraphs(f"{HOSTILE}\n\n  second   line \n")
    assert html == f"<p>{ESCAPED}</p><p>second line</p>"
    rendered = Template("{% load knowledge %}{{ text|as_paragraphs }}").render(
        Context({"text": HOSTILE})
    )
    assert rendered == f"<p>{ESCAPED}</p>"
