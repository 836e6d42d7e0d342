"""The meeting's agenda and minutes as A4 PDFs (typst, the renderer of plans/pdf.py), for one
reader: only the pupils on the agenda that reader may see, and never the safeguarding record,
the safeguarding level or risk factors (meetings.pages reads none of them)."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hechtwijzer.plans.pdf import render_file

from .models import Meeting
from .pages import PupilOnAgenda

TEMPLATES = Path(__file__).resolve().parent / "typst"


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _list(values: list[str]) -> str:
    return "; ".join(values) if values else "–"


def meeting_pdf(
    meeting: Meeting, attendees: list, shown: list[PupilOnAgenda], *, minutes: bool
) -> bytes:
    """The agenda (minutes=False) or the minutes (True) of `meeting` with the pupils in
    `shown` (already narrowed to the reader's scope)."""
    today = timezone.localdate()
    when = date_format(timezone.localtime(meeting.starts_at), "j F Y, H:i")
    kind = _("Minutes") if minutes else _("Agenda")
    pupils = []
    for entry in shown:
        pupil = entry.pupil
        facts = [[_("Question"), entry.item.question or "–"]]
        if entry.card is not None:
            facts += [
                [_("What I already do"), _list(entry.doing)],
                [_("What I will try"), _list(entry.trying)],
                [_("Evaluation date"), date_format(entry.card.evaluation_due, "j F Y")],
            ]
        else:
            facts.append([_("Focus card"), _("No focus card yet.")])
        facts.append(
            [
                _("The observations resemble"),
                _("Too little observed to say.")
                if entry.insufficient_data
                else _list(entry.resembles),
            ]
        )
        if entry.evaluation is not None:
            facts.append(
                [
                    _("Latest evaluation"),
                    f"{date_format(entry.evaluation.evaluated_on, 'j F Y')}: "
                    f"{entry.evaluation.get_decision_display()}",
                ]
            )
        pupils.append(
            {
                "name": f"{pupil.first_name} {pupil.last_name}".strip(),
                "group": pupil.group.name if pupil.group_id else "",
                "facts": facts,
                "figures": [
                    [r["label"], str(r["before"]), str(r["during"])] for r in entry.figures
                ],
                "minutes": entry.item.minutes if minutes else "",
                "decisions": [
                    [d.what, _name(d.owner), date_format(d.due_on, "j F Y")]
                    for d in entry.decisions
                ]
                if minutes
                else [],
            }
        )
    data = {
        "title": f"{kind} – {meeting.title}",
        "lang": (get_language() or "nl").split("-")[0],
        "footer": _("Confidential – care team"),
        "generated": _("Made on %(date)s") % {"date": date_format(today, "j F Y")},
        "facts": [
            [_("Date and time"), when],
            [_("Attendees"), ", ".join(_name(user) for user in attendees) or "–"],
        ],
        "empty": _("No pupils on the agenda."),
        "figure_columns": [_("Kind of signal"), _("Before"), _("During the plan")],
        "minutes": minutes,
        "minutes_label": _("Minutes"),
        "no_minutes": _("No minutes written."),
        "decisions_label": _("Decisions"),
        "no_decisions": _("No decisions."),
        "decision_columns": [_("What"), _("Who"), _("By when")],
        "pupils": pupils,
    }
    return render_file(TEMPLATES, "meeting.typ", data["title"], today, data)
