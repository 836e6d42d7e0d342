"""The evaluation figures as the pages and the report show them, in the active language.

Two shapes are stored in `Evaluation.figures` (engine.evaluation): version 2 (December 2026)
with rates per observed school day, the school days, the holidays left out and whether the
periods hold enough observed days to compare; and version 1 (no "version" key), counts of the
plan period and of as many calendar days before it. Both stay readable: `figures_context`
turns either into the rows, captions and remarks of the page and the PDF. No database access
beyond the catalog (in memory).
"""

from __future__ import annotations

import datetime

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from hechtwijzer import words
from hechtwijzer.observations.profiles import counted_groups

from .pdf import format_date_range

# The holidays of hechtwijzer.holidays by code (Dutch and Flemish names differ: locale/nl_BE).
HOLIDAY_NAMES = {
    "summer": gettext_lazy("summer holiday"),
    "autumn": gettext_lazy("autumn holiday"),
    "christmas": gettext_lazy("Christmas holiday"),
    "spring": gettext_lazy("spring holiday"),
    "carnival": gettext_lazy("carnival holiday"),
    "easter": gettext_lazy("Easter holiday"),
    "may": gettext_lazy("May holiday"),
    "easter_monday": gettext_lazy("Easter Monday"),
    "ascension": gettext_lazy("Ascension Day"),
    "whit_monday": gettext_lazy("Whit Monday"),
    "armistice": gettext_lazy("Armistice Day"),
    "labour_day": gettext_lazy("Labour Day"),
}


def _day(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def period_text(pair, lang: str) -> str:
    """["2026-09-28", "2026-10-05"] as "28 september – 5 oktober 2026"; "" for none."""
    if not pair:
        return ""
    return format_date_range(_day(pair[0]), _day(pair[1]), words.base_language(lang))


def rate_text(rate) -> str:
    """A rate per observed day with one decimal, in the reader's notation ("0,6"); "–" for
    none (no observed day)."""
    return "–" if rate is None else number_format(rate, 1)


def direction_text(direction: str | None) -> str:
    return {
        "fewer": _("fewer"),
        "more": _("more"),
        "same": _("about the same"),
    }.get(direction or "", "–")


def _holidays_text(holidays, lang: str) -> str:
    return ", ".join(
        f"{HOLIDAY_NAMES.get(code, code)} ({period_text([first, last], lang)})"
        for code, first, last in holidays
    )


def figures_context(figures: dict, lang: str | None = None) -> dict:
    """Everything the figures table says, for either stored version."""
    lang = lang or get_language()
    groups = counted_groups()
    version = figures.get("version", 1)
    stored = {code: v for code, v in figures.get("groups", {}).items() if code in groups}
    # Bars in steps of 5 % (CSS classes w0..w20: the content security policy allows no inline
    # styles), relative to the largest value shown: rates in version 2, counts in version 1.
    key = ("before_rate", "during_rate") if version >= 2 else ("before", "during")
    peak = max([0.0] + [float(v.get(k) or 0) for v in stored.values() for k in key]) or 1.0
    rows = [
        {
            "label": groups[code].get(lang),
            "before": v["before"],
            "during": v["during"],
            "before_rate": rate_text(v.get("before_rate")),
            "during_rate": rate_text(v.get("during_rate")),
            "direction": direction_text(v.get("direction")),
            "before_w": round(20 * float(v.get(key[0]) or 0) / peak),
            "during_w": round(20 * float(v.get(key[1]) or 0) / peak),
        }
        for code, v in stored.items()
    ]
    context = {
        "version": version,
        "rows": rows,
        "period": period_text(figures.get("period"), lang),
        "before_period": period_text(figures.get("before_period"), lang),
        "before": figures.get("before", 0),
        "during": figures.get("during", 0),
    }
    if version < 2:
        context["caption"] = _(
            "Signals in the plan period (%(period)s) and in the same length of time before it "
            "(%(before)s)"
        ) % {"period": context["period"], "before": context["before_period"]}
        context["legacy_note"] = legacy_note()
        return context
    observed, school = figures["observed_days"], figures["school_days"]
    skipped = _holidays_text(figures["holidays"]["before"], lang)
    context.update(
        {
            "before_rate": rate_text(figures.get("before_rate")),
            "during_rate": rate_text(figures.get("during_rate")),
            "direction": direction_text(figures.get("direction")),
            "comparable": figures["comparable"],
            "observed_before": observed["before"],
            "observed_during": observed["during"],
            "school_before": school["before"],
            "school_during": school["during"],
            "min_days": figures["min_days"],
            "skipped": skipped,
            "holidays_known": figures["holidays_known"],
            "caption": (
                _(
                    "Signals per observed school day during the plan (%(period)s) and in as "
                    "many school days before it (%(before)s, without the %(holidays)s)"
                )
                if skipped
                else _(
                    "Signals per observed school day during the plan (%(period)s) and in as "
                    "many school days before it (%(before)s)"
                )
            )
            % {
                "period": context["period"],
                "before": context["before_period"],
                "holidays": skipped,
            },
            "left_out": figures["left_out"],
            "days_line": _(
                "Observed school days (days with at least one observation): %(ob)s of %(sb)s "
                "before, %(od)s of %(sd)s during the plan."
            )
            % {
                "ob": observed["before"],
                "sb": school["before"],
                "od": observed["during"],
                "sd": school["during"],
            },
            "verdict": (
                _(
                    "Rates that differ by less than a fifth count as about the same. A rate is "
                    "not a score: read it beside what the team saw."
                )
                if figures["comparable"]
                else _(
                    "Too few observed days to compare: each period needs at least %(min)s "
                    "observed school days. The figures below are shown without a direction."
                )
                % {"min": figures["min_days"]}
            ),
        }
    )
    return context


def legacy_note() -> str:
    return _(
        "These figures were kept before December 2026: counts, not rates per observed day, "
        "over as many calendar days before the plan. More logging during the plan reads as "
        "more signals."
    )
