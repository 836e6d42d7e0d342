"""The referral summary (overdrachtsdocument / verwijsbrief): an A4 PDF for the named
professional, and the read-link kind "referral_summary" that shows it.

What it holds: the pupil's first and last name, age and group, the school, the question, the
plan (the focus card's measures the teacher will try and already does, each with one line of
how-to; the teacher's own measures as written) and the evaluation figures (rates per observed
school day, `plans/figures.py`) unless left out, the observations chosen for it (dates,
signals in words, the notes only when chosen), the parents' consent line, and whom to contact
at school. What it never holds: risk and protective factors, the profile, unchosen
observations, row notes and the card's reason; the safeguarding record only when the care
coordinator included it with a reason. Once sent, it shows what was sent: the focus-card
version and evaluation of the sending day, the safeguarding record up to that day.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hechtwijzer import words
from hechtwijzer.access import Perm
from hechtwijzer.care.models import SafeguardingConcern
from hechtwijzer.catalog import get_catalog
from hechtwijzer.observations.models import Informant
from hechtwijzer.plans.actions import card_rows
from hechtwijzer.plans.documents import content_disposition
from hechtwijzer.plans.figures import figures_context
from hechtwijzer.plans.models import Evaluation, FocusCard
from hechtwijzer.plans.pdf import format_date, render_file
from hechtwijzer.readlinks.kinds import Document, DocumentKind

from . import partners
from .models import Referral, ReferralConsent, Status

TEMPLATE = Path(__file__).resolve().parent / "typst" / "referral.typ"
KIND_CODE = "referral_summary"
LANGUAGES = ("nl", "nl-be", "en", "en-be")


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def as_of(referral: Referral) -> datetime.date:
    """The day the summary speaks of: the sending day once sent, else today."""
    return referral.sent_on or timezone.localdate()


def plan_card(referral: Referral) -> FocusCard | None:
    """The focus-card version of the summary's day: the newest made on or before it."""
    return (
        FocusCard.objects.filter(pupil=referral.pupil, created_at__date__lte=as_of(referral))
        .prefetch_related("entries", "own_measures")
        .order_by("-number")
        .first()
    )


def figures_evaluation(referral: Referral) -> Evaluation | None:
    """The evaluation whose figures the summary shows: the one the referral came from, else
    the pupil's latest up to the summary's day."""
    if referral.evaluation_id:
        return referral.evaluation
    return (
        Evaluation.objects.filter(card__pupil=referral.pupil, evaluated_on__lte=as_of(referral))
        .order_by("-evaluated_on", "-id")
        .first()
    )


def _measures(card: FocusCard, lang: str) -> tuple[list, list]:
    """(will try, already does): each [title, line], in the card's order with the card's
    numbers (a professional may look them up), the teacher's own measures last."""
    entries = {e.measure_code: e for e in card.entries.all() if e.doing or e.trying}
    trying, doing = [], []
    for measure in card_rows():
        entry = entries.get(measure.code)
        if entry is None:
            continue
        number = measure.number_label
        title = f"{number}. {measure.label.get(lang)}" if number else measure.label.get(lang)
        item = [title, measure.how_to_line.get(lang)]
        if entry.trying:
            trying.append(item)
        if entry.doing:
            doing.append(item)
    for own in card.own_measures.all():
        if own.trying:
            trying.append([own.text, ""])
        if own.doing:
            doing.append([own.text, ""])
    return trying, doing


def _plan(referral: Referral, lang: str, base: str) -> dict | None:
    if not referral.include_plan:
        return None
    card = plan_card(referral)
    if card is None:
        return {
            "heading": _("The plan in class"),
            "intro": _("There is no focus card yet."),
            "parts": [],
        }
    trying, doing = _measures(card, lang)
    return {
        "heading": _("The plan in class"),
        "intro": _("Focus card, version %(n)s: %(start)s to %(due)s (evaluation date).")
        % {
            "n": card.number,
            "start": format_date(card.period_start, base),
            "due": format_date(card.evaluation_due, base),
        },
        "parts": [
            {
                "heading": _("What the teacher will try"),
                "items": trying,
                "empty": _("Nothing new for now."),
            },
            {
                "heading": _("What the teacher already does"),
                "items": doing,
                "empty": _("Nothing chosen yet."),
            },
        ],
    }


def _figures(referral: Referral, lang: str, base: str) -> dict | None:
    if not referral.include_figures:
        return None
    evaluation = figures_evaluation(referral)
    heading = _("Evaluation figures")
    if evaluation is None or not evaluation.figures:
        return {
            "heading": heading,
            "intro": _("The plan has not been evaluated yet."),
            "rows": [],
            "notes": [],
        }
    fig = figures_context(evaluation.figures, lang)
    rows = []
    if fig["version"] >= 2:
        header = [_("Signal group"), _("Before"), _("During"), _("Direction")]
        rows = [
            [r["label"], r["before_rate"], r["during_rate"], r["direction"]] for r in fig["rows"]
        ]
        notes = [fig["days_line"], fig["verdict"]]
    else:
        header = [_("Signal group"), _("Before"), _("During"), ""]
        rows = [[r["label"], str(r["before"]), str(r["during"]), ""] for r in fig["rows"]]
        notes = [fig["legacy_note"]]
    return {
        "heading": heading,
        "intro": _("Evaluation of %(date)s.") % {"date": format_date(evaluation.evaluated_on, base)}
        + " "
        + fig["caption"],
        "header": header,
        "rows": rows,
        "notes": notes,
    }


def _observations(referral: Referral, lang: str, base: str) -> dict:
    catalog = get_catalog()
    signals = catalog.by_code["signals"]
    chosen = sorted(
        referral.observations.prefetch_related("signal_rows"),
        key=lambda o: (o.observed_on, o.created_at),
    )
    items = []
    for observation in chosen:
        names = [
            signals[row.code].label.get(lang) if row.code in signals else row.code
            for row in observation.signal_rows.all()
        ]
        items.append(
            {
                "date": format_date(observation.observed_on, base),
                "from": str(Informant(observation.informant).label),
                "signals": ", ".join(names),
                "note": observation.note if referral.include_notes else "",
            }
        )
    return {
        "heading": _("Observations chosen for this summary"),
        "items": items,
        "empty": _("No observations were chosen for this summary."),
    }


def _safeguarding(referral: Referral, base: str) -> dict | None:
    if not referral.include_safeguarding:
        return None
    day = as_of(referral)
    concerns = []
    for concern in (
        SafeguardingConcern.objects.filter(pupil=referral.pupil, raised_on__lte=day)
        .prefetch_related("steps")
        .order_by("raised_on", "id")
    ):
        concerns.append(
            {
                "title": _("Concern raised on %(date)s")
                % {"date": format_date(concern.raised_on, base)},
                "route": str(concern.get_route_display()),
                "text": concern.concern,
                "steps": [
                    [format_date(step.done_on, base), str(step.get_step_display()), step.decision]
                    for step in sorted(concern.steps.all(), key=lambda s: (s.done_on, s.pk))
                    if step.done_on <= day
                ],
            }
        )
    return {
        "heading": _("From the safeguarding record"),
        "intro": _("Included deliberately by the school, after weighing it."),
        "concerns": concerns,
        "empty": _("No concern is recorded."),
    }


def _consent_line(referral: Referral, base: str) -> str:
    if referral.consent == ReferralConsent.GIVEN:
        return _("The parents consented to this referral on %(date)s.") % {
            "date": format_date(referral.consent_on, base)
        }
    if referral.consent_exception:
        if referral.pupil.school.country == "BE":
            return _(
                "Shared without the parents' consent, as weighed with the CLB on the school's "
                "concern route."
            )
        return _(
            "Shared without the parents' consent, as the reporting code (Meldcode) allows; the "
            "school weighed this."
        )
    return _("The parents' consent has not been recorded yet: this is a draft.")


def _contact(referral: Referral, reader) -> str:
    person = referral.sent_by or reader or referral.created_by
    email = getattr(person, "email", "") or ""
    text = _("%(person)s, %(school)s") % {
        "person": _name(person),
        "school": referral.pupil.school.name,
    }
    return f"{text} ({email})" if email else text


def summary_data(referral: Referral, lang: str, *, reader=None, safeguarding: bool = True) -> dict:
    """The summary's content, translated, as the typst template reads it. `safeguarding`
    False leaves the safeguarding section out even where it was included (a reader who may not
    see it)."""
    pupil = referral.pupil
    base = words.base_language(lang)
    with translation.override(lang):
        day = as_of(referral)
        partner = partners.label(referral.partner)
        group = pupil.group.name if pupil.group_id else "–"
        data = {
            "lang": base,
            "title": _("Referral summary"),
            "subtitle": _("%(name)s, to %(partner)s")
            % {"name": pupil.full_name, "partner": partner},
            "confidential": _(
                "Confidential: for the named professional only. Do not pass it on without the "
                "school's agreement."
            ),
            "facts": [
                [_("Pupil"), pupil.full_name],
                [_("Age"), _("%(n)s years") % {"n": pupil.age_on(day)}],
                [_("Group"), group],
                [_("School"), pupil.school.name],
                [
                    _("For"),
                    ", ".join(p for p in (referral.professional, referral.organisation) if p),
                ],
                [_("Partner"), partner],
                [_("Date"), format_date(day, base)],
            ],
            "question_heading": _("The question"),
            "question": [p for p in referral.question.split("\n\n") if p.strip()],
            "plan": _plan(referral, lang, base),
            "figures": _figures(referral, lang, base),
            "observations": _observations(referral, lang, base),
            "safeguarding": _safeguarding(referral, base) if safeguarding else None,
            "consent_heading": _("The parents' consent"),
            "consent": _consent_line(referral, base),
            "contact_heading": _("Contact at school"),
            "contact": _contact(referral, reader),
            "footer": _("Referral summary for %(name)s") % {"name": pupil.full_name},
            "generated": _("Made on %(date)s") % {"date": format_date(timezone.localdate(), base)},
        }
        if referral.status == Status.DRAFT:
            data["confidential"] = _("Draft: not sent.") + " " + data["confidential"]
        return data


def render_summary(
    referral: Referral, lang: str, *, reader=None, safeguarding: bool = True
) -> bytes:
    data = summary_data(referral, lang, reader=reader, safeguarding=safeguarding)
    return render_file(TEMPLATE.parent, TEMPLATE.name, data["title"], timezone.localdate(), data)


def filename(referral: Referral) -> str:
    return f"verwijzing-{referral.pupil.first_name}.pdf"


# --- the read link ---------------------------------------------------------------------------


def check_link(*, pupil, target, options: dict) -> dict:
    """A referral link shows one referral of this pupil that may leave the school (the parents
    consented, or the care coordinator recorded the route's exception) and is not closed."""
    referral = Referral.objects.filter(pupil=pupil, uid=str(target)).first()
    if referral is None:
        raise ValidationError({"referral": _("This referral is not this pupil's.")})
    if referral.status not in (Status.DRAFT, Status.SENT):
        raise ValidationError({"referral": _("This referral was answered or closed.")})
    if not referral.may_leave_school:
        raise ValidationError(
            {
                "consent": _(
                    "Record the parents' consent first: the summary does not leave the "
                    "school without it, unless the route allows otherwise."
                )
            }
        )
    lang = options.get("lang") if options.get("lang") in LANGUAGES else "nl"
    return {"lang": lang}


def render_link(link) -> Document:
    referral = Referral.objects.select_related(
        "pupil__school", "pupil__group", "sent_by", "evaluation"
    ).get(pupil=link.pupil, uid=link.target)
    content = render_summary(referral, link.options.get("lang", "nl"))
    return Document(content, "application/pdf", content_disposition(filename(referral)))


KIND = DocumentKind(
    code=KIND_CODE,
    label=lambda: str(gettext_lazy("the referral summary")),
    permission=Perm.REFER,
    check=check_link,
    render=render_link,
)
