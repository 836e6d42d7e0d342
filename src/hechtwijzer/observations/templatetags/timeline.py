"""The pupil page's timeline entries, written in Python rather than with template tags.

A timeline page holds 25 observations; rendered with template tags they were the largest part
of the pupil page's rendering (bench/, BENCHMARKS.md). The markup is the same as the template
had; every text is escaped.
"""

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hechtwijzer.knowledge.templatetags.knowledge import item_url

register = template.Library()


def _actions(request, pupil, observation) -> str:
    """Correct and withdraw, for the author on the day itself."""
    correct = reverse("observations:correct", args=[pupil.public_id, observation.uid])
    withdraw = reverse("observations:withdraw", args=[pupil.public_id, observation.uid])
    token = escape(get_token(request))
    correct_text, withdraw_text = escape(_("Correct")), escape(_("Withdraw"))
    return (
        '<div class="observation__actions">\n'
        f'  <a href="{escape(correct)}">{correct_text}</a>\n'
        f'  <form method="post" action="{escape(withdraw)}" class="inline-form">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        f'<input type="hidden" name="version" value="{int(observation.version)}">'
        f'<button type="submit" class="link-button">{withdraw_text}</button></form>\n'
        "</div>"
    )


def render_entry(request, pupil, entry: dict) -> str:
    observation = entry["observation"]
    language = get_language()
    withdrawn = observation.is_withdrawn
    author = observation.author
    informant = escape(str(entry["informant"]))
    day = format_date(observation.observed_on, "l j F Y")
    parts = [
        f'<article class="observation{" observation--withdrawn" if withdrawn else ""}">',
        f'  <h3 class="observation__head">{escape(day)} <span class="meta">· '
        f"{informant} · {escape(author.get_full_name() or author.username)}"
        "</span></h3>",
    ]
    if withdrawn:
        withdrawn_text = escape(_("withdrawn"))
        parts.append(f'  <p class="tag">{withdrawn_text}</p>')
    signals = "".join(
        f'<li><a href="{escape(item_url(signal))}">{escape(signal.label.get(language))}</a></li>'
        for signal in entry["signals"]
    )
    parts.append(f'  <ul class="signal-tags">{signals}</ul>')
    if entry["situation"]:
        situation = " · ".join(escape(str(label)) for label in entry["situation"])
        parts.append(f'  <p class="meta">{situation}</p>')
    if not withdrawn and observation.note:
        parts.append(f'  <p class="note">{escape(observation.note)}</p>')
    if entry["may_correct"]:
        parts.append(_actions(request, pupil, observation))
    parts.append("</article>")
    return "\n".join(parts)


@register.simple_tag(takes_context=True)
def timeline_entries(context, entries) -> SafeString:
    request, pupil = context["request"], context["pupil"]
    html = "\n".join(render_entry(request, pupil, entry) for entry in entries)
    return mark_safe(html)  # noqa: S308  (every value in it is escaped)
