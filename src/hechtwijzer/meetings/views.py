"""The care-team meeting's pages: the list of meetings, planning one, the meeting page with
per pupil the plan, the profile, the figures, the question, the minutes and the decisions,
the agenda and minutes PDFs, and putting a pupil on an agenda from their page or from an
evaluation that asked for the care team.

Who: the care coordinator (Perm.CARE_TEAM at the school) plans meetings and writes; an
attendee opens the meeting and sees the agenda items of the pupils they may see
(Perm.VIEW_PUPIL); anyone else gets 404, recorded as "access.denied". Reading the meeting
page or a PDF records one read per pupil shown.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hechtwijzer.access import Perm, memberships, pupils_for
from hechtwijzer.audit.models import record, record_reads
from hechtwijzer.door import Policy, policy, pupil_view
from hechtwijzer.locking import StaleVersion
from hechtwijzer.plans.documents import pdf_response
from hechtwijzer.plans.models import Decision, Evaluation
from hechtwijzer.schools.models import PupilStatus, School

from . import actions
from .documents import meeting_pdf
from .forms import AgendaForm, DecisionForm, MeetingForm, MinutesForm
from .models import AgendaItem, AgendaSource, Meeting, MeetingDecision, MeetingStatus
from .pages import PupilOnAgenda, agenda
from .queries import meeting_for, meetings_for, runs_meetings, visible_items


def _denied(request, kind: str, uid, wanted: str, school_id=None):
    record(
        request=request,
        action="access.denied",
        school_id=school_id,
        object_type=kind,
        object_id=str(uid),
        details={"wanted": wanted},
    )
    raise Http404


def _meeting(request, uid, *, write: bool = False) -> Meeting:
    meeting = meeting_for(request.user, uid)
    if meeting is None or (write and not runs_meetings(request.user, meeting.school_id)):
        _denied(request, "meeting", uid, "meeting.write" if write else "meeting.view")
    return meeting


def _item(request, uid) -> AgendaItem:
    """An agenda item the user writes about: the care coordinator of its school."""
    item = (
        AgendaItem.objects.select_related("meeting", "pupil", "pupil__school")
        .filter(uid=uid, pupil__in=pupils_for(request.user, Perm.CARE_TEAM))
        .first()
    )
    if item is None or not runs_meetings(request.user, item.meeting.school_id):
        _denied(request, "agenda_item", uid, "meeting.write")
    return item


def _attendees(meeting: Meeting) -> list:
    return list(meeting.attendees.order_by("first_name", "last_name", "username"))


def _shown(request, meeting: Meeting) -> list[PupilOnAgenda]:
    return agenda(list(visible_items(request.user, meeting)), timezone.localdate())


@require_safe
@policy(Policy.LOGGED_IN)
def meeting_list(request: HttpRequest) -> HttpResponse:
    """The meetings the user runs or attends, newest first; no pupil data."""
    meetings = list(
        meetings_for(request.user).select_related("school").order_by("-starts_at", "-id")[:100]
    )
    schools = [
        m.school for m in memberships(request.user) if runs_meetings(request.user, m.school_id)
    ]
    return render(
        request,
        "meetings/list.html",
        {"meetings": meetings, "schools": schools, "now": timezone.now()},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@policy(Policy.SCHOOL, Perm.CARE_TEAM)
def meeting_new(request: HttpRequest, school_id: int) -> HttpResponse:
    """Plan a meeting (care coordinator of the school)."""
    if not runs_meetings(request.user, school_id):
        _denied(request, "school", school_id, "meeting.create", school_id=school_id)
    school = School.objects.get(pk=school_id)
    staff = list(actions.school_staff(school))
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["attendees"])
        try:
            if chosen - {user.pk for user in staff}:
                raise ValidationError(
                    {"attendees": [_("Choose attendees from the school's staff.")]}
                )
            meeting = actions.create_meeting(
                actor=request.user,
                school=school,
                starts_at=form.starts_at(),
                title=form.cleaned_data["title"],
                attendees=[user for user in staff if user.pk in chosen],
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("The meeting was planned."))
            return redirect("meetings:meeting", meeting.uid)
    return render(
        request,
        "meetings/new.html",
        {
            "school": school,
            "form": form,
            "staff": staff,
            "chosen": {str(v) for v in request.POST.getlist("attendees")} or {str(request.user.pk)},
        },
        status=400 if request.method == "POST" else 200,
    )


@require_safe
@policy(Policy.MEETING, Perm.VIEW_PUPIL)
def meeting_page(request: HttpRequest, uid) -> HttpResponse:
    """The meeting: per pupil on the agenda the user may see, the plan, the profile, the
    latest evaluation's figures, the question, the minutes and the decisions. Side effects:
    one "meeting.view" read per pupil shown. Queries: a fixed number, whatever the agenda."""
    meeting = _meeting(request, uid)
    shown = _shown(request, meeting)
    record_reads(
        request=request,
        action="meeting.view",
        pupils=[entry.pupil for entry in shown],
        details={"meeting": str(meeting.uid)},
    )
    writer = runs_meetings(request.user, meeting.school_id)
    context = {
        "meeting": meeting,
        "shown": shown,
        "attendees": _attendees(meeting),
        "writer": writer,
    }
    if writer:
        on_agenda = meeting.items.values("pupil_id")
        context["candidates"] = list(
            pupils_for(request.user, Perm.CARE_TEAM)
            .filter(school_id=meeting.school_id, status=PupilStatus.ACTIVE)
            .exclude(pk__in=on_agenda)
            .select_related("group")
            .order_by("sort_name", "first_name", "pk")
        )
        context["staff"] = list(actions.school_staff(meeting.school_id))
    return render(request, "meetings/meeting.html", context)


def _pdf(request, uid, *, minutes: bool) -> HttpResponse:
    meeting = _meeting(request, uid)
    shown = _shown(request, meeting)
    record_reads(
        request=request,
        action="meeting.minutes_pdf" if minutes else "meeting.agenda_pdf",
        pupils=[entry.pupil for entry in shown],
        details={"meeting": str(meeting.uid)},
    )
    content = meeting_pdf(meeting, _attendees(meeting), shown, minutes=minutes)
    name = _("minutes") if minutes else _("agenda")
    return pdf_response(content, f"{name}-{timezone.localtime(meeting.starts_at):%Y-%m-%d}.pdf")


@require_safe
@policy(Policy.MEETING, Perm.VIEW_PUPIL)
def agenda_pdf(request: HttpRequest, uid) -> HttpResponse:
    """The agenda as A4 PDF, with only the pupils the reader may see."""
    return _pdf(request, uid, minutes=False)


@require_safe
@policy(Policy.MEETING, Perm.VIEW_PUPIL)
def minutes_pdf(request: HttpRequest, uid) -> HttpResponse:
    """The minutes as A4 PDF, with only the pupils the reader may see."""
    return _pdf(request, uid, minutes=True)


@require_POST
@policy(Policy.MEETING, Perm.CARE_TEAM)
def meeting_held(request: HttpRequest, uid) -> HttpResponse:
    meeting = _meeting(request, uid, write=True)
    actions.mark_held(actor=request.user, meeting=meeting)
    messages.success(request, _("The meeting is marked as held."))
    return redirect("meetings:meeting", meeting.uid)


@require_POST
@policy(Policy.MEETING, Perm.CARE_TEAM)
def agenda_add(request: HttpRequest, uid) -> HttpResponse:
    """Put a pupil chosen on the meeting page on the agenda."""
    meeting = _meeting(request, uid, write=True)
    form = AgendaForm(request.POST)
    pupil = None
    if form.is_valid() and form.cleaned_data["pupil"]:
        pupil = (
            pupils_for(request.user, Perm.CARE_TEAM)
            .filter(school_id=meeting.school_id, public_id=form.cleaned_data["pupil"])
            .first()
        )
    if pupil is None:
        messages.error(request, _("Choose a pupil from the list."))
        return redirect("meetings:meeting", meeting.uid)
    try:
        actions.add_to_agenda(
            actor=request.user,
            meeting=meeting,
            pupil=pupil,
            question=form.cleaned_data["question"],
            source=AgendaSource.MANUAL,
        )
    except ValidationError as error:
        messages.error(request, " ".join(m for ms in error.message_dict.values() for m in ms))
    return redirect("meetings:meeting", meeting.uid)


@require_POST
@policy(Policy.MEETING, Perm.CARE_TEAM)
def agenda_remove(request: HttpRequest, uid) -> HttpResponse:
    item = _item(request, uid)
    try:
        actions.remove_from_agenda(actor=request.user, item=item)
    except ValidationError as error:
        messages.error(request, " ".join(m for ms in error.message_dict.values() for m in ms))
    return redirect("meetings:meeting", item.meeting.uid)


def _item_response(
    request,
    item: AgendaItem,
    *,
    status=200,
    minutes_form=None,
    decision_form=None,
    message: str = "",
):
    """The item's minutes and decisions (the htmx partial), or back to the meeting page."""
    if not request.headers.get("HX-Request"):
        if status != 200:
            messages.error(request, message or _("Nothing was saved: please check the form."))
        return redirect(reverse("meetings:meeting", args=[item.meeting.uid]) + f"#item-{item.uid}")
    entry = agenda([item], timezone.localdate())[0]
    context = {
        "entry": entry,
        "meeting": item.meeting,
        "writer": True,
        "staff": list(actions.school_staff(item.meeting.school_id)),
        "minutes_form": minutes_form,
        "decision_form": decision_form,
    }
    # htmx swaps only 2xx answers: a refused save comes back as the record with its message.
    return render(request, "meetings/_record.html", context)


@require_POST
@policy(Policy.MEETING, Perm.CARE_TEAM)
def write_minutes(request: HttpRequest, uid) -> HttpResponse:
    """Save the minutes about one pupil (optimistic locking on the minutes' version)."""
    item = _item(request, uid)
    form = MinutesForm(request.POST)
    if not form.is_valid():
        return _item_response(request, item, status=400, minutes_form=form)
    try:
        item = actions.write_minutes(
            actor=request.user,
            item=item,
            text=form.cleaned_data["minutes"],
            version=form.seen_version(),
        )
    except StaleVersion as stale:
        message = _("Someone else saved these minutes meanwhile; yours were not saved.")
        form.add_error(None, message)
        return _item_response(
            request, stale.current, status=409, minutes_form=form, message=message
        )
    except ValidationError as error:
        form.apply_errors(error)
        return _item_response(request, item, status=400, minutes_form=form)
    return _item_response(request, item)


@require_POST
@policy(Policy.MEETING, Perm.CARE_TEAM)
def add_decision(request: HttpRequest, uid) -> HttpResponse:
    """Record a decision about one pupil: what, who, by when."""
    item = _item(request, uid)
    form = DecisionForm(request.POST)
    if form.is_valid():
        staff = actions.school_staff(item.meeting.school_id)
        owner = staff.filter(pk=form.cleaned_data["owner"]).first()
        try:
            actions.add_decision(
                actor=request.user,
                item=item,
                what=form.cleaned_data["what"],
                owner=owner,
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return _item_response(request, item)
    return _item_response(request, item, status=400, decision_form=form)


@require_POST
@policy(Policy.MEETING, Perm.VIEW_PUPIL)
def decision_done(request: HttpRequest, uid) -> HttpResponse:
    """Mark a decision done: its owner or the care coordinator."""
    decision = (
        MeetingDecision.objects.select_related("item", "item__meeting", "item__pupil")
        .filter(uid=uid, item__pupil__in=pupils_for(request.user, Perm.VIEW_PUPIL))
        .first()
    )
    if decision is None:
        _denied(request, "meeting_decision", uid, "meeting.decision_done")
    try:
        actions.complete_decision(actor=request.user, decision=decision)
    except PermissionDenied:
        _denied(request, "meeting_decision", uid, "meeting.decision_done")
    if request.headers.get("HX-Request") and runs_meetings(
        request.user, decision.item.meeting.school_id
    ):
        return _item_response(request, decision.item)
    messages.success(request, _("The decision is marked as done."))
    target = request.POST.get("next", "")
    if target == "home":
        return redirect("home")
    return redirect("meetings:meeting", decision.item.meeting.uid)


@require_http_methods(["GET", "HEAD", "POST"])
@pupil_view(Perm.CARE_TEAM, action="meeting.agenda_form", post_action=None)
def put_on_agenda(request: HttpRequest, pupil) -> HttpResponse:
    """Put the pupil on a planned meeting's agenda: from the pupil page, or from an
    evaluation whose decision was "discuss in the care team" (?evaluation=<uid>), or from the
    work list (?source=work_list)."""
    form = AgendaForm(request.POST if request.method == "POST" else request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    evaluation = None
    if data.get("evaluation"):
        evaluation = (
            Evaluation.objects.select_related("card")
            .filter(uid=data["evaluation"], card__pupil=pupil, decision=Decision.CARE_TEAM)
            .first()
        )
    planned = list(
        Meeting.objects.filter(school_id=pupil.school_id, status=MeetingStatus.PLANNED)
        .exclude(items__pupil=pupil)
        .order_by("starts_at")
    )
    status = 200
    if request.method == "POST":
        meeting = next((m for m in planned if m.uid == data.get("meeting")), None)
        if meeting is None:
            form.add_error("meeting", _("Choose a planned meeting."))
        else:
            try:
                actions.add_to_agenda(
                    actor=request.user,
                    meeting=meeting,
                    pupil=pupil,
                    question=data.get("question", ""),
                    source=AgendaSource.EVALUATION
                    if evaluation
                    else (data.get("source") or AgendaSource.MANUAL),
                    evaluation=evaluation,
                )
            except ValidationError as error:
                form.apply_errors(error)
            else:
                messages.success(request, _("The pupil is on the agenda."))
                return redirect("meetings:meeting", meeting.uid)
        status = 400
    return render(
        request,
        "meetings/put_on_agenda.html",
        {
            "pupil": pupil,
            "form": form,
            "planned": planned,
            "evaluation": evaluation,
            "question": request.POST.get("question", ""),
            "errors": form.errors if request.method == "POST" else {},
            "chosen": request.POST.get("meeting", ""),
            "source": data.get("source", ""),
        },
        status=status,
    )
