"""School words: the school's country decides its vocabulary.

Dutch schools speak of a groep, the groepsleerkracht, the intern begeleider, the pauze, an
invalleerkracht and STICORDI; Flemish schools of a klas (leerjaar), the klasleerkracht, the
zorgcoördinator, the speeltijd, an interimaris and REDICODIS. Rather than a word table spliced
into sentences (which breaks Dutch grammar: *de groep* but *het leerjaar*, *groepsleerkracht*
as one word), a Flemish school reads a regional variant of the language the user chose: Django
activates `nl-be` (or `en-be`) instead of `nl` (or `en`). The variant's message files
(`locale/nl_BE`, `locale/en_BE`) hold only the sentences that differ, as whole sentences;
every other message falls back to the plain language (Python's gettext chains `nl_BE` to
`nl`). So templates, forms, PDFs and mails need nothing special: whatever is translated in a
request is in the school's words. Catalog texts follow the same code (`catalog.Text.get`
prefers a text's `nl_be` variant for `nl-be`).

Which variant a request gets is decided once per session: at log-in from the user's schools
(`remember_country`), kept in the session under `SESSION_KEY`, read by
`web.language.language_middleware`. A user whose schools are all Flemish gets the Flemish
variant; anyone else (a Dutch school, no school, schools in both countries) the plain one.
Code that needs more than a translation (which support scheme to show) asks `is_flemish()`;
code that writes for another school than the request's (a mail, a command) wraps it in
`for_school(school)`.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.utils import translation

from hechtwijzer.catalog import get_catalog
from hechtwijzer.schools.models import Country, Membership

SESSION_KEY = "hechtwijzer_school_country"
REGION = {Country.BE: "be"}  # countries whose schools read a regional variant, and its subtag


def base_language(language: str | None) -> str:
    """The chosen language without the region: "nl-be" → "nl"."""
    return (language or "").split("-")[0].lower()


def variant(language: str, country: str | None) -> str:
    """The language code a school in `country` reads `language` in: ("nl", "BE") → "nl-be"."""
    region = REGION.get(country)
    base = base_language(language)
    return f"{base}-{region}" if region else base


def country_of(user_id) -> str:
    """The country whose words this user reads: the one all their schools share, else ""."""
    countries = set(
        Membership.objects.filter(user_id=user_id).values_list("school__country", flat=True)
    )
    return countries.pop() if len(countries) == 1 else ""


def remember_country(sender, request, user, **kwargs) -> None:
    """At log-in (user_logged_in): keep the user's country in the session, one query."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = country_of(user.pk)


def is_flemish() -> bool:
    """Whether the active language is a Flemish school's variant."""
    return (translation.get_language() or "").lower().endswith("-be")


def support_scheme() -> str:
    """The scheme of support measures the school knows: REDICODIS in Flanders, else STICORDI.

    Also the name of the catalog vocabulary with its category labels.
    """
    return "redicodis" if is_flemish() else "sticordi"


def support_category(measure) -> tuple[str, str] | None:
    """A card measure's category in the scheme the reader's school knows, as (scheme, label):
    ("STICORDI", "Stimuleren") for a Dutch school, ("REDICODIS", "Differentiëren") for a
    Flemish one; None for a measure without one. The catalog files every measure under both."""
    scheme = support_scheme()
    code = measure.redicodis if scheme == "redicodis" else measure.category
    if not code:
        return None
    label = get_catalog().vocabularies[scheme].get(code)
    return scheme.upper(), label.get(translation.get_language()) if label else code


@contextmanager
def for_school(school):
    """Translate in the words of `school` (its country's variant of the active language)."""
    with translation.override(variant(translation.get_language() or "nl", school.country)):
        yield
