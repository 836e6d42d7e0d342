"""The plan for the parents: one A4 page in plain language, and the read link that shows it.

What it holds: the pupil's first name, the card's period, the measures the teacher already
does and will try, each with one plain line of how (the catalog's how-to line; the teacher's
own measures as written), the evaluation date, the agreements of a parent conversation when
the teacher includes them, and whom to contact. What it never holds: catalog numbers or codes,
support categories, signals, patterns or the profile, risk or protective factors, the
safeguarding record, observations and their notes, the card's reason and the rows' notes (the
teacher's own words about the child). Tests read the PDF's text for both lists.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hechtwijzer import words
from hechtwijzer.access import Perm
from hechtwijzer.plans.actions import card_rows
from hechtwijzer.plans.documents import content_disposition
from hechtwijzer.plans.models import FocusCard
from hechtwijzer.plans.pdf import format_date, render_file
from hechtwijzer.readlinks.kinds import Document, DocumentKind

from .models import ParentConversation

TEMPLATE = Path(__file__).resolve().parent / "typst" / "parent_plan.typ"
KIND_CODE = "parent_plan"
LANGUAGES = ("nl", "nl-be", "en", "en-be")


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def chosen_measures(card: FocusCard, lang: str) -> tuple[list, list]:
    """(will try, already does): each (title, one plain line), in the card's order, the
    teacher's own measures last (their text as written, no line under it)."""
    entries = {e.measure_code: e for e in card.entries.all() if e.doing or e.trying}
    trying, doing = [], []
    for measure in card_rows():
        entry = entries.get(measure.code)
        if entry is None:
            continue
        item = (measure.label.get(lang), measure.how_to_line.get(lang))
        if entry.trying:
            trying.append(item)
        if entry.doing:
            doing.append(item)
    for own in card.own_measures.all():
        if own.trying:
            trying.append((own.text, ""))
        if own.doing:
            doing.append((own.text, ""))
    return trying, doing


def plan_data(
    pupil, card: FocusCard, conversation: ParentConversation | None, lang: str, contact
) -> dict:
    """The printout's content, translated, as the typst template reads it."""
    base = words.base_language(lang)
    with translation.override(lang):
        name = pupil.first_name
        trying, doing = chosen_measures(card, lang)
        period = (
            f"{format_date(card.period_start, base)} – {format_date(card.evaluation_due, base)}"
        )
        agreements = None
        if conversation is not None and conversation.agreements:
            agreements = {
                "heading": _("What we agreed together"),
                "when": _("In our conversation of %(date)s.")
                % {"date": format_date(conversation.held_on, base)},
                "paragraphs": [p for p in conversation.agreements.split("\n\n") if p.strip()],
            }
        return {
            "lang": base,
            "title": _("What helps %(name)s at school") % {"name": name},
            "intro": _(
                "At school we are trying out a few things that may help %(name)s in class. This "
                "page says what they are and when we will look at how they went. We would like "
                "to hear what you see at home."
            )
            % {"name": name},
            "facts": [
                [_("Pupil"), name],
                [_("Period"), period],
                [_("School"), pupil.school.name],
            ],
            "parts": [
                {
                    "heading": _("What the teacher will try"),
                    "items": [list(item) for item in trying],
                    "empty": _("Nothing new for now."),
                },
                {
                    "heading": _("What the teacher already does"),
                    "items": [list(item) for item in doing],
                    "empty": _("Nothing chosen yet."),
                },
            ],
            "evaluation_heading": _("When we look back"),
            "evaluation": _(
                "On %(date)s we look at what helped and what did not, and decide what comes "
                "next. We will tell you."
            )
            % {"date": format_date(card.evaluation_due, base)},
            "agreements": agreements,
            "contact_heading": _("Questions?"),
            "contact": _("Please contact %(person)s at %(school)s.")
            % {"person": _name(contact), "school": pupil.school.name},
            "footer": _("For the parents of %(name)s") % {"name": name},
            "generated": _("Made on %(date)s") % {"date": format_date(timezone.localdate(), base)},
        }


def render_plan(
    pupil, card: FocusCard, conversation: ParentConversation | None, lang: str, contact
) -> bytes:
    data = plan_data(pupil, card, conversation, lang, contact)
    return render_file(TEMPLATE.parent, TEMPLATE.name, data["title"], timezone.localdate(), data)


def filename(pupil) -> str:
    return f"plan-{pupil.first_name}.pdf"


# --- the read link ---------------------------------------------------------------------------


def check_link(*, pupil, target, options: dict) -> dict:
    """A parents' link shows one version of this pupil's card, with the agreements of one of
    this pupil's conversations or none, in one of the app's languages."""
    if not FocusCard.objects.filter(pupil=pupil, uid=str(target)).exists():
        raise ValidationError({"card": _("This focus card is not this pupil's.")})
    agreements = options.get("agreements")
    if agreements and not ParentConversation.objects.filter(pupil=pupil, uid=agreements).exists():
        raise ValidationError({"agreements": _("This conversation is not this pupil's.")})
    lang = options.get("lang") if options.get("lang") in LANGUAGES else "nl"
    return {"agreements": str(agreements) if agreements else None, "lang": lang}


def render_link(link) -> Document:
    pupil = link.pupil
    card = FocusCard.objects.get(pupil=pupil, uid=link.target)
    uid = link.options.get("agreements")
    conversation = ParentConversation.objects.filter(pupil=pupil, uid=uid).first() if uid else None
    content = render_plan(
        pupil, card, conversation, link.options.get("lang", "nl"), link.created_by
    )
    return Document(content, "application/pdf", content_disposition(filename(pupil)))


KIND = DocumentKind(
    code=KIND_CODE,
    label=lambda: str(gettext_lazy("the plan for the parents")),
    permission=Perm.WORK_WITH_PARENTS,
    check=check_link,
    render=render_link,
)
