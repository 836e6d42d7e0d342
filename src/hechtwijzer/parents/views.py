"""The parents' pages of a pupil: conversations, the consent on each card version, the plan
for the parents (PDF) and read links to it. For the pupil's teachers and the care coordinator
(`Perm.WORK_WITH_PARENTS`); every read and write is audited."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hechtwijzer.access import Perm
from hechtwijzer.door import pupil_view
from hechtwijzer.plans.actions import current_card
from hechtwijzer.plans.documents import pdf_response
from hechtwijzer.readlinks import actions as link_actions
from hechtwijzer.readlinks.models import ReadLink
from hechtwijzer.saving import save_form

from . import actions, printout
from .forms import ConsentForm, ConversationForm, LinkForm, PrintoutForm
from .models import Consent, ParentConversation, PlanConsent


@require_safe
@pupil_view(Perm.WORK_WITH_PARENTS, action="parents.view")
def parents_page(request, pupil):
    """Conversations with the parents, their consent on the current card, and the plan for
    the parents with its read links."""
    card = current_card(pupil)
    conversations = list(
        ParentConversation.objects.filter(pupil=pupil)
        .select_related("recorded_by", "card")
        .order_by("-held_on", "-id")
    )
    may_share = link_actions.may_manage(request.user, printout.KIND, pupil)
    context = {
        "pupil": pupil,
        "card": card,
        "consent": (
            PlanConsent.objects.filter(card=card).select_related("recorded_by").first()
            if card
            else None
        ),
        "conversations": conversations,
        "with_agreements": [c for c in conversations if c.agreements],
        "may_share": may_share,
        "active_links": (
            ReadLink.objects.active().filter(pupil=pupil, kind=printout.KIND_CODE).count()
            if may_share
            else 0
        ),
        "max_days": printout.KIND.max_days,
        "default_days": printout.KIND.default_days,
    }
    return render(request, "parents/parents.html", context)


def _card_by_number(pupil, number):
    if number is None:
        return None
    card = pupil.focus_cards.filter(number=number).first()
    if card is None:
        raise ValidationError({"card": _("This pupil has no focus card with that version.")})
    return card


def _conversation_form(request, pupil, conversation):
    errors = {}
    if request.method == "POST":
        form = ConversationForm(request.POST)

        def save(data):
            values = {
                "held_on": data["held_on"],
                "attendees": data["attendees"],
                "at_home": data["at_home"],
                "agreements": data["agreements"],
                "card": _card_by_number(pupil, data["card"]),
            }
            if conversation is None:
                actions.record_conversation(actor=request.user, pupil=pupil, **values)
            else:
                actions.update_conversation(
                    actor=request.user,
                    conversation=conversation,
                    expected_version=form.seen_version(),
                    **values,
                )

        saved = save_form(
            request,
            form,
            save,
            saved=_("The conversation was saved."),
            then=reverse("parents:page", args=[pupil.public_id]),
            stale=_(
                "Someone else changed this conversation in the meantime. Nothing was "
                "saved; below is the conversation as it is now."
            ),
            # The conversation as it is now (only an existing one can have changed).
            stale_then=reverse("parents:conversation", args=[pupil.public_id, conversation.uid])
            if conversation
            else request.path,
        )
        if saved:
            return saved
        errors = form.errors
    values = request.POST if errors else {}
    initial = conversation
    context = {
        "pupil": pupil,
        "conversation": conversation,
        "errors": errors,
        "versions": list(pupil.focus_cards.order_by("-number").only("number", "pupil_id")),
        "held_on": values.get("held_on")
        or (initial.held_on.isoformat() if initial else timezone.localdate().isoformat()),
        "attendees": values.get("attendees", initial.attendees if initial else ""),
        "at_home": values.get("at_home", initial.at_home if initial else ""),
        "agreements": values.get("agreements", initial.agreements if initial else ""),
        "chosen_card": values.get("card")
        or (str(initial.card.number) if initial and initial.card_id else ""),
        "today": timezone.localdate().isoformat(),
    }
    if conversation is None and not errors:
        card = current_card(pupil)
        context["chosen_card"] = str(card.number) if card else ""
    return render(request, "parents/conversation.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.WORK_WITH_PARENTS, action="parents.conversation_form", post_action=None)
def conversation_new(request, pupil):
    return _conversation_form(request, pupil, None)


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.WORK_WITH_PARENTS, action="parents.conversation_form", post_action=None)
def conversation_edit(request, pupil, uid):
    conversation = get_object_or_404(
        ParentConversation.objects.select_related("card"), pupil=pupil, uid=uid
    )
    return _conversation_form(request, pupil, conversation)


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.WORK_WITH_PARENTS, action="parents.consent_form", post_action=None)
def consent(request, pupil, number):
    """The parents' view and consent on one version of the card."""
    card = get_object_or_404(pupil.focus_cards, number=number)
    current = PlanConsent.objects.filter(card=card).select_related("recorded_by").first()
    errors = {}
    if request.method == "POST":
        form = ConsentForm(request.POST)
        saved = save_form(
            request,
            form,
            lambda data: actions.record_consent(
                actor=request.user,
                card=card,
                expected_version=form.seen_version(),
                status=data["status"],
                decided_on=data["decided_on"],
                parents_view=data["parents_view"],
            ),
            saved=_("The parents' view and consent were saved."),
            then=reverse("plans:version", args=[pupil.public_id, card.number]),
            stale=_(
                "Someone else recorded the consent in the meantime. Nothing was saved; "
                "below is what is recorded now."
            ),
            stale_then=reverse("parents:consent", args=[pupil.public_id, card.number]),
        )
        if saved:
            return saved
        errors = form.errors
    values = request.POST if errors else {}
    context = {
        "pupil": pupil,
        "card": card,
        "consent": current,
        "errors": errors,
        "choices": Consent.choices,
        "status": values.get("status", current.status if current else Consent.NOT_ASKED),
        "decided_on": values.get(
            "decided_on", current.decided_on.isoformat() if current and current.decided_on else ""
        ),
        "parents_view": values.get("parents_view", current.parents_view if current else ""),
        "version": current.version if current else 0,
        "today": timezone.localdate().isoformat(),
    }
    return render(request, "parents/consent.html", context)


def _printout_choice(pupil, data):
    uid = data.get("agreements")
    if not uid:
        return None
    return get_object_or_404(ParentConversation, pupil=pupil, uid=uid)


@require_safe
@pupil_view(Perm.WORK_WITH_PARENTS, action="parents.plan_pdf")
def plan_pdf(request, pupil):
    """The plan for the parents as PDF, for the current card (`?agreements=<uid>` adds that
    conversation's agreements)."""
    card = current_card(pupil)
    form = PrintoutForm(request.GET)
    if card is None:
        raise Http404
    if not form.is_valid():
        return HttpResponseBadRequest(_("This conversation is not this pupil's."))
    conversation = _printout_choice(pupil, form.cleaned_data)
    content = printout.render_plan(pupil, card, conversation, get_language(), request.user)
    return pdf_response(content, printout.filename(pupil))


@require_POST
@pupil_view(Perm.SHARE_DOCUMENTS, action=None)  # the link is recorded by the domain
def plan_link(request, pupil):
    """Make a read link to the plan for the parents; its address is shown once, here."""
    card = current_card(pupil)
    if card is None:
        raise Http404
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
        return redirect("parents:page", pupil.public_id)
    data = form.cleaned_data
    try:
        link, token = link_actions.create_link(
            actor=request.user,
            pupil=pupil,
            kind=printout.KIND_CODE,
            target=str(card.uid),
            recipient=data["recipient"],
            days=data["days"],
            options={
                "agreements": str(data["agreements"]) if data["agreements"] else None,
                "lang": get_language(),
            },
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("parents:page", pupil.public_id)
    path = reverse("readlinks:open", args=[token])
    address = (settings.BASE_URL + path) if settings.BASE_URL else request.build_absolute_uri(path)
    context = {"pupil": pupil, "link": link, "address": address}
    return render(request, "parents/link_made.html", context)
