"""The knowledge pages (kennisbank): an index by theme, a page per catalog item, and search."""

from functools import lru_cache
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from hechtwijzer.catalog import KINDS, get_catalog
from hechtwijzer.door import Policy, policy

from .search import highlight, index_for, snippet

# Which theme of the index each kind of item belongs to; topics name their own theme.
KIND_THEME = {
    "signals": "signals",
    "patterns": "patterns",
    "disorders": "disorders",
    "risk_factors": "risk_protection",
    "protective_factors": "risk_protection",
    "rules": "risk_protection",
    "measures": "classroom",
    "referrals": "referral",
}
KIND_LABELS = {
    "signals": _("Signals"),
    "patterns": _("Attachment patterns and types"),
    "disorders": _("Disorders"),
    "risk_factors": _("Risk factors"),
    "protective_factors": _("Protective factors"),
    "rules": _("How risk and protection weigh up"),
    "measures": _("Measures and tips"),
    "referrals": _("Support and referral"),
    "topics": _("Background"),
}
MEASURE_TYPES = {
    "card": _("The 29 measures of the focus card"),
    "tip": _("Tips for the teacher"),
    "attitude": _("The teacher's attitude"),
}
REFERRAL_TYPES = {
    "role": _("Who does what"),
    "treatment": _("Treatments"),
    "early_signs": _("Early signs by age"),
}


def _groups(items, attribute, labels):
    """Items grouped by an attribute, in the order of `labels` (a code -> label mapping)."""
    groups = []
    for code, label in labels.items():
        members = [item for item in items if getattr(item, attribute) == code]
        if members:
            groups.append({"label": label, "items": members})
    return groups


@require_safe
@policy(Policy.LOGGED_IN)
def index(request):
    catalog = get_catalog()
    lang = get_language()
    themes = []
    for theme, theme_label in catalog.vocabularies["themes"].items():
        lists = []
        topics = [t for t in catalog.topics if t.theme == theme]
        if topics:
            lists.append({"label": None, "items": topics})
        for kind, kind_theme in KIND_THEME.items():
            if kind_theme != theme:
                continue
            items = catalog.items(kind)
            if kind == "signals":
                labels = {c: t.get(lang) for c, t in catalog.vocabularies["signal_groups"].items()}
                lists += _groups(items, "group", labels)
            elif kind == "measures":
                lists += _groups(items, "type", MEASURE_TYPES)
            elif kind == "referrals":
                lists += _groups(items, "type", REFERRAL_TYPES)
            else:
                lists.append({"label": KIND_LABELS[kind], "items": items})
        themes.append({"code": theme, "label": theme_label, "lists": lists})
    return render(request, "knowledge/index.html", {"themes": themes, "catalog": catalog})


@require_safe
@policy(Policy.LOGGED_IN)
def item(request, kind, code):
    catalog = get_catalog()
    if kind not in KINDS:
        raise Http404
    try:
        entry = catalog.get(kind, code)
    except KeyError:
        raise Http404 from None

    def resolve(refs):
        found = []
        for ref in refs:
            target_kind, target_code = ref.split("/", 1)
            found.append(catalog.get(target_kind, target_code))
        return found

    links = []  # outgoing links with their reasons: (field label, [(item, link)])
    for field, target_kind in entry.LINKS.items():
        value = getattr(entry, field)
        value = (value,) if value is not None and not isinstance(value, tuple) else value or ()
        if value:
            links.append(
                {
                    "field": field,
                    "pairs": [(catalog.get(target_kind, link.code), link) for link in value],
                }
            )
    backlinks = {}
    for other in catalog.linked_from(kind, code):
        if other.ref not in entry.see_also:
            backlinks.setdefault(other.kind, []).append(other)
    context = {
        "item": entry,
        "kind": kind,
        "kind_label": KIND_LABELS[kind],
        "links": links,
        "backlinks": [(KIND_LABELS[k], items) for k, items in backlinks.items()],
        "see_also": resolve(entry.see_also),
        "catalog": catalog,
    }
    return render(request, "knowledge/item.html", context)


@require_safe
@policy(Policy.LOGGED_IN)
def search(request):
    query = request.GET.get("q", "").strip()[:200]
    everything = request.GET.get("all") == "1"
    found = _results(query, get_language(), everything) if query else None
    context = {
        "query": query,
        "results": found["results"] if found else (),
        "total": found["total"] if found else 0,
        "suggestion": found["suggestion"] if found else "",
        "everything": everything,
    }
    if context["suggestion"]:
        context["suggestion_url"] = "?" + urlencode({"q": context["suggestion"]})
    return render(request, "knowledge/search.html", context)


@lru_cache(maxsize=512)
def _results(query: str, lang: str, everything: bool) -> dict:
    """The results of a query with their highlighted titles and snippets.

    The catalog never changes while the process runs, so the same query always gives the same
    results; teachers repeat the same few words, and highlighting the results is the expensive
    part (bench/, BENCHMARKS.md). Nothing about pupils or users is in here. Callers must not
    change what it returns (it is shared between requests).
    """
    found = index_for(get_catalog()).find(query, lang, everything=everything)
    results = tuple(
        {
            "item": hit.item,
            "kind_label": KIND_LABELS[hit.item.kind],
            "title": highlight(hit.item.label.get(lang), hit, lang),
            "snippet": snippet(hit, lang),
        }
        for hit in found.best
    )
    return {"results": results, "total": found.total, "suggestion": found.suggestion}
