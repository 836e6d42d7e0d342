"""Template helpers for catalog objects: the reader's language, paragraphs, labels, citations."""

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from hechtwijzer import words
from hechtwijzer.catalog import Item, get_catalog

register = template.Library()


@register.filter
def tr(value):
    """A catalog Text or Terms in the reader's language (Dutch when in doubt)."""
    if value is None:
        return ""
    return value.get(get_language())


def _paragraphs(text: str) -> list[str]:
    """A catalog text split at blank lines."""
    return [" ".join(part.split()) for part in (text or "").split("\n\n") if part.strip()]


@register.filter
def as_paragraphs(text: str) -> SafeString:
    """A catalog text as escaped <p> paragraphs (split at blank lines).

    Catalog texts never change while the app runs, so each is made into HTML once: the focus
    card shows the explanation of 46 measures, and a template loop per paragraph was a
    measurable part of its time (bench/, BENCHMARKS.md).
    """
    return _paragraph_html(str(text or ""))


@lru_cache(maxsize=4096)
def _paragraph_html(text: str) -> SafeString:
    return format_html_join("", "<p>{}</p>", ((p,) for p in _paragraphs(text)))


@register.filter
def vocab(code: str, vocabulary: str) -> str:
    """The label of a vocabulary code, e.g. {{ signal.group|vocab:"signal_groups" }}."""
    labels = get_catalog().vocabularies.get(vocabulary, {})
    label = labels.get(code)
    return label.get(get_language()) if label else code


@register.filter
def item_url(item: Item) -> str:
    return _item_url(item.kind, item.code, get_script_prefix())


@lru_cache(maxsize=4096)
def _item_url(kind: str, code: str, prefix: str) -> str:
    # Catalog items and their URLs never change while the process runs; pages link dozens of
    # them, and reversing each one every time was a measurable part of their time (bench/).
    return reverse("knowledge:item", args=[kind, code])


@register.simple_tag
def seed_of(source):
    """The seed document a source names, or None for a literature reference."""
    return get_catalog().seed(source.seed) if source.seed else None


@register.simple_tag
def support_category(measure):
    """(scheme, label) of a card measure in the scheme the reader's school knows, or None."""
    return words.support_category(measure)
