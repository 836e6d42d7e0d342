"""The pupil page's timeline entries, written in Python rather than with template tags.

A timeline page holds 25 observations; rendered with template tags they were the largest part
of the pupil page's rendering (bench/, BENCHMARKS.md). The markup is the same as the template
had; it is built with `format_html`, which escapes every value.
"""

import uuid

from django import template
from django.middleware.csrf import get_token
from django.urls import get_script_prefix, reverse
from django.utils.dateformat import format as format_date
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hechtwijzer.knowledge.templatetags.knowledge import item_url

from .markup import joined

register = template.Library()

# Markup left out: already safe, so `format_html` need not escape an empty string every time.
_EMPTY = SafeString()
_WITHDRAWN_CLASS = {True: escape(" observation--withdrawn"), False: _EMPTY}

_ENTRY = (
    '<article class="observation{withdrawn_class}">\n'
    '  <h3 class="observation__head">{day} <span class="meta">· {informant} · {author}'
    "</span></h3>{withdrawn}\n"
    '  <ul class="signal-tags">{signals}</ul>{situation}{note}{actions}\n'
    "</article>"
)
_WITHDRAWN = '\n  <p class="tag">{}</p>'
_SIGNAL = '<li><a href="{}">{}</a></li>'
_SITUATION = '\n  <p class="meta">{}</p>'
_NOTE = '\n  <p class="note">{}</p>'
_ACTIONS = (
    '\n<div class="observation__actions">\n'
    '  <a href="{correct_url}">{correct}</a>\n'
    '  <a href="{withdraw_url}">{withdraw}</a>\n'
    "</div>"
)
_RESTORE = (
    '\n<div class="observation__actions">\n'
    '  <form method="post" action="{restore_url}" class="inline-form">'
    '<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
    '<input type="hidden" name="version" value="{version}">'
    '<button type="submit" class="link-button">{restore}</button></form>\n'
    "</div>"
)


# An observation's links are reversed once per process and URL name, with placeholders that
# each observation's ids replace: reverse() for each of the 25 entries of a timeline page cost
# as much as a database query (bench/). The placeholders fit the URL patterns' converters.
_PUPIL_MARK = "a" * 16
_OBSERVATION_MARK = uuid.UUID(int=0)
_patterns: dict[tuple[str, str], str] = {}


def _observation_url(name: str, pupil, observation) -> str:
    key = (name, get_script_prefix())
    pattern = _patterns.get(key)
    if pattern is None:
        pattern = _patterns[key] = reverse(name, args=[_PUPIL_MARK, _OBSERVATION_MARK])
    return pattern.replace(_PUPIL_MARK, pupil.public_id, 1).replace(
        str(_OBSERVATION_MARK), str(observation.uid), 1
    )


def _actions(request, pupil, observation) -> SafeString:
    """Correct, and withdraw (a page that asks why), for whoever may still change it."""
    return format_html(
        _ACTIONS,
        correct_url=_observation_url("observations:correct", pupil, observation),
        correct=_("Correct"),
        withdraw_url=_observation_url("observations:withdraw", pupil, observation),
        withdraw=_("Withdraw"),
    )


def _restore(request, pupil, observation) -> SafeString:
    """Undo a withdrawal: one button, for whoever withdrew it, on the same day."""
    return format_html(
        _RESTORE,
        restore_url=_observation_url("observations:restore", pupil, observation),
        token=get_token(request),
        version=int(observation.version),
        restore=_("Restore"),
    )


# Markup that recurs on every page and in every process is escaped once: a signal's link in one
# language (catalog items never change while the process runs), and the few informant and
# situation words. `format_html` escapes each value with several calls; the pupil page has 25
# entries with one to three signals each (bench/calls.py counts the difference).
_signal_links: dict[tuple[int, str, str], SafeString] = {}
_words: dict[tuple[str, str], SafeString] = {}


def _signal_link(signal, language: str) -> SafeString:
    key = (id(signal), signal.code, language)
    link = _signal_links.get(key)
    if link is None:
        link = _signal_links[key] = format_html(
            _SIGNAL, item_url(signal), signal.label.get(language)
        )
    return link


def _word(text, language: str) -> SafeString:
    key = (str(text), language)
    escaped = _words.get(key)
    if escaped is None:
        escaped = _words[key] = escape(key[0])
    return escaped


def render_entry(request, pupil, entry: dict) -> SafeString:
    observation = entry["observation"]
    language = get_language()
    withdrawn = observation.is_withdrawn
    author = observation.author
    signals = joined(_signal_link(signal, language) for signal in entry["signals"])
    situation = _EMPTY
    if entry["situation"]:
        labels = joined((_word(label, language) for label in entry["situation"]), " · ")
        situation = format_html(_SITUATION, labels)
    return format_html(
        _ENTRY,
        withdrawn_class=_WITHDRAWN_CLASS[bool(withdrawn)],
        day=format_date(observation.observed_on, "l j F Y"),
        informant=_word(entry["informant"], language),
        author=author.get_full_name() or author.username,
        withdrawn=format_html(_WITHDRAWN, _("withdrawn")) if withdrawn else _EMPTY,
        signals=signals,
        situation=situation,
        note=format_html(_NOTE, observation.note) if not withdrawn and observation.note else _EMPTY,
        actions=_actions(request, pupil, observation)
        if entry["may_correct"]
        else _restore(request, pupil, observation)
        if entry.get("may_restore")
        else _EMPTY,
    )


@register.simple_tag(takes_context=True)
def timeline_entries(context, entries) -> SafeString:
    request, pupil = context["request"], context["pupil"]
    return joined((render_entry(request, pupil, e) for e in entries), "\n")
