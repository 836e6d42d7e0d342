"""The transfer report as an A4 PDF (typst, `plans.pdf.render_file`): the same content as the
JSON (transfer.report), with headings and labels in the reader's language. It prints only what
the report holds, so what is left out of the JSON is left out of the PDF."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _

from hechtwijzer import words
from hechtwijzer.plans.figures import figures_context
from hechtwijzer.plans.models import Decision, Outcome, VoiceKind
from hechtwijzer.plans.pdf import format_date, render_file

from .models import ItemKind

TEMPLATE = Path(__file__).resolve().parent / "typst" / "transfer.typ"


def _date(value: str | None, lang: str) -> str:
    return format_date(datetime.date.fromisoformat(value), lang) if value else ""


def section_labels() -> dict[str, str]:
    return {
        "support": _("The support given"),
        "what_worked": _("What worked"),
        "current_plan": _("The current plan"),
        "figures": _("Evaluation figures"),
        "pupil_voice": _("The pupil's voice"),
    }


def _measure_line(m: dict) -> str:
    columns = []
    if m["doing"]:
        columns.append(_("already does"))
    if m["trying"]:
        columns.append(_("will try"))
    return f"{m['title']} ({', '.join(columns)})" if columns else m["title"]


def _figures_lines(stored: dict, lang: str) -> list[str]:
    context = figures_context(stored, lang)
    lines = [context["caption"]]
    if context["version"] >= 2:
        lines.append(
            _("All signals: %(before)s per day before, %(during)s during the plan (%(dir)s).")
            % {
                "before": context["before_rate"],
                "during": context["during_rate"],
                "dir": context["direction"],
            }
        )
        lines.append(context["days_line"])
        lines.append(context["verdict"])
    else:
        lines.append(context["legacy_note"])
    for row in context["rows"]:
        if context["version"] >= 2:
            lines.append(
                f"{row['label']}: {row['before_rate']} → {row['during_rate']} ({row['direction']})"
            )
        else:
            lines.append(f"{row['label']}: {row['before']} → {row['during']}")
    return lines


def pdf_data(content: dict, lang: str) -> dict:
    """The typst template's data for a report (as `report.build` makes or `schema.parse`
    reads it), translated into `lang`."""
    base = words.base_language(lang)
    with translation.override(lang):
        pupil = content["pupil"]
        name = f"{pupil['first_name']} {pupil['last_name']}"
        outcomes = dict(Outcome.choices)
        decisions = dict(Decision.choices)
        voices = dict(VoiceKind.choices)
        kinds = dict(ItemKind.choices)
        labels = section_labels()
        parts = []
        support = []
        for card in content["support"] or []:
            lines = [_measure_line(m) for m in card["measures"]] or [_("No measures chosen.")]
            evaluation = card["evaluation"]
            if evaluation:
                lines.append(
                    _("Evaluated on %(date)s; decision: %(decision)s.")
                    % {
                        "date": _date(evaluation["evaluated_on"], base),
                        "decision": decisions.get(evaluation["decision"], ""),
                    }
                )
                lines += [
                    f"{o['title']}: {outcomes.get(o['outcome'], '')}"
                    for o in evaluation["outcomes"]
                ]
            support.append(
                {
                    "heading": _("Version %(n)s, %(start)s – %(end)s")
                    % {
                        "n": card["version"],
                        "start": _date(card["period_start"], base),
                        "end": _date(card["evaluation_due"], base),
                    },
                    "lines": lines,
                }
            )
        parts.append({"heading": labels["support"], "blocks": support})
        parts.append(
            {
                "heading": labels["what_worked"],
                "blocks": [
                    {
                        "heading": "",
                        "lines": [
                            _("%(title)s (version %(n)s, evaluated on %(date)s)")
                            % {
                                "title": m["title"],
                                "n": m["version"],
                                "date": _date(m["evaluated_on"], base),
                            }
                            for m in content["what_worked"] or []
                        ],
                    }
                ],
            }
        )
        plan = content["current_plan"]
        parts.append(
            {
                "heading": labels["current_plan"],
                "blocks": [
                    {
                        "heading": _("Version %(n)s, %(start)s – %(end)s")
                        % {
                            "n": plan["version"],
                            "start": _date(plan["period_start"], base),
                            "end": _date(plan["evaluation_due"], base),
                        },
                        "lines": [_measure_line(m) for m in plan["measures"]]
                        or [_("No measures chosen.")],
                    }
                ]
                if plan
                else [],
            }
        )
        parts.append(
            {
                "heading": labels["figures"],
                "blocks": [
                    {
                        "heading": _("Version %(n)s, evaluated on %(date)s")
                        % {"n": f["version"], "date": _date(f["evaluated_on"], base)},
                        "lines": _figures_lines(f["figures"], lang),
                    }
                    for f in content["figures"] or []
                ],
            }
        )
        parts.append(
            {
                "heading": labels["pupil_voice"],
                "blocks": [
                    {
                        "heading": "",
                        "lines": [
                            f"{voices.get(v['kind'], '')} ({_date(v['said_on'], base)}): "
                            f"“{v['text']}”"
                            for v in content["pupil_voice"] or []
                        ],
                    }
                ],
            }
        )
        for part in parts:
            part["blocks"] = [b for b in part["blocks"] if b["lines"]]
        left_out = [labels[s] for s in content["left_out"]]
        parents = content["parents"]
        sending = content["sending_school"]
        return {
            "lang": base,
            "title": _("Transfer report for %(name)s") % {"name": name},
            "intro": _(
                "The support %(school)s gave this pupil, what worked and the current plan, for "
                "the receiving school. Signals, the profile, risk and protective factors, the "
                "safeguarding record and observation notes are not part of it, unless the care "
                "coordinator included an item below with the reason."
            )
            % {"school": sending["name"]},
            "facts": [
                [_("Pupil"), name],
                [_("Date of birth"), _date(pupil["date_of_birth"], base)],
                [_("Previous school"), sending["name"]],
                [_("Receiving school"), content["receiving_school"] or "–"],
                [_("Made on"), _date(content["exported_on"], base)],
            ],
            "parts": parts,
            "empty": _("Nothing to report."),
            "left_out_heading": _("Left out at the parents' objection"),
            "left_out": left_out,
            "included_heading": _("Included after weighing"),
            "included": [
                {
                    "heading": f"{kinds.get(item['kind'], '')}, {_date(item['date'], base)}"
                    + (f": {item['label']}" if item["kind"] == "factor" else ""),
                    "text": item["text"],
                    "reason": _("Why it travels: %(reason)s") % {"reason": item["reason"]},
                }
                for item in content["included"]
            ],
            "parents_heading": _("The parents"),
            "parents": [
                line
                for line in (
                    _("The parents saw this report on %(date)s.")
                    % {"date": _date(parents["viewed_on"], base)}
                    if parents["viewed_on"]
                    else _("The parents' viewing of this report is not recorded."),
                    _("Their view: %(text)s") % {"text": parents["view"]}
                    if parents["view"]
                    else "",
                    _("Their objection: %(text)s") % {"text": parents["objection"]}
                    if parents["objection"]
                    else "",
                )
                if line
            ],
            "footer": _("Transfer report – confidential"),
            "generated": _("Made on %(date)s") % {"date": _date(content["exported_on"], base)},
        }


def render(content: dict, lang: str) -> bytes:
    data = pdf_data(content, lang)
    day = datetime.date.fromisoformat(content["exported_on"])
    return render_file(TEMPLATE.parent, TEMPLATE.name, data["title"], day, data)


def filename(content: dict) -> str:
    return f"transfer-{content['pupil']['first_name']}.pdf"
