"""Template filters of the pupil page's plan."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def mark_text(mark) -> str:
    """A recommended measure's mark in the active language: "aanbevolen bij: snel boos (4×)"
    (plans.marks.Mark; autoescaped by the template)."""
    return mark.text(get_language()) if mark else ""
