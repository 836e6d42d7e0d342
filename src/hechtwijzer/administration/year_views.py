"""The school administrator's "new school year" step (nieuw schooljaar): map each group to next
year's group, choose next year's teachers, preview, apply. For schools without an import file;
`year` does the work. Another school's page does not exist (404)."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from hechtwijzer.access import Perm, may_administer
from hechtwijzer.audit.models import record
from hechtwijzer.door import Policy, policy
from hechtwijzer.schools.models import School, school_year_label

from . import actions, year
from .forms import NewYearForm


@require_http_methods(["GET", "HEAD", "POST"])
@policy(Policy.SCHOOL, Perm.ADMINISTER_SCHOOL)
@never_cache
def new_year(request, school_id):
    """Map the groups to next year's, preview what moves, apply (action=preview|apply)."""
    if not may_administer(request.user, school_id):
        raise Http404
    school = get_object_or_404(School, pk=school_id)
    ending = year.from_year(school)
    groups = year.groups_ending(school, ending)
    teachers = year.teachers(school)
    initial = {"former_teacher_weeks": school.former_teacher_weeks}
    for group in groups:
        initial[f"to_{group.pk}"] = year.next_group_name(group.name)
    data = request.POST if request.method == "POST" else None
    form = NewYearForm(data, initial=initial, groups=groups, teachers=teachers)
    context = {
        "school": school,
        "form": form,
        "from_label": school_year_label(ending),
        "to_label": school_year_label(ending + 1),
        "plan": None,
    }
    if data is not None and form.is_valid():
        steps = form.steps()
        weeks = form.cleaned_data["former_teacher_weeks"]
        if request.POST.get("action") == "apply":
            with transaction.atomic():
                if weeks != school.former_teacher_weeks:
                    actions.update_school(
                        actor=request.user, school=school, former_teacher_weeks=weeks
                    )
                carried = year.apply(actor=request.user, school=school, year=ending, steps=steps)
            counts = carried.counts()
            messages.success(
                request,
                _(
                    "The new school year is ready: %(moved)s pupils moved, %(left)s left the "
                    "school, %(created)s groups created."
                )
                % {
                    "moved": counts["pupils_moved"],
                    "left": counts["pupils_leaving"],
                    "created": counts["groups_created"],
                },
            )
            return redirect("home")
        context["plan"] = year.plan(school, ending, steps)
        context["weeks"] = weeks
        # The preview names groups and teachers, no pupils; still on the audit trail.
        record(
            action="school_year.preview",
            request=request,
            school_id=school.pk,
            object_type="school",
            object_id=school.pk,
            details={"from": ending, **context["plan"].counts()},
        )
    status = 422 if form.errors else 200
    return render(request, "administration/new_year.html", context, status=status)
