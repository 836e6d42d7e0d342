"""Forms of the meeting pages: typed values only. What fits (a staff member of the school, a
pupil the coordinator may reach, the length of a text) is for `meetings.actions`, whose errors
come back on the same fields."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hechtwijzer.forms import DayField, DomainErrorsMixin, UidField, VersionForm, WholeNumberField

DATE_ERRORS = {"invalid": _("Enter a valid date.")}


class IdListField(forms.Field):
    """Several account ids posted under one name (the attendees)."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        try:
            return [WholeNumberField().clean(v) for v in values if v]
        except ValidationError:
            raise ValidationError(_("Choose attendees from the list."), code="invalid") from None


class MeetingForm(DomainErrorsMixin, forms.Form):
    title = forms.CharField(max_length=120)
    day = DayField(error_messages=DATE_ERRORS)
    time = forms.TimeField(error_messages={"invalid": _("Enter a time such as 14:30.")})
    attendees = IdListField(required=False)
    domain_fields = {"starts_at": "day"}

    def starts_at(self) -> datetime.datetime:
        data = self.cleaned_data
        return timezone.make_aware(datetime.datetime.combine(data["day"], data["time"]))


class AgendaForm(DomainErrorsMixin, forms.Form):
    """A pupil for the agenda: from the meeting page's picker (`pupil`, a public id) or from
    the pupil's page and an evaluation (`meeting`, and the `evaluation` it came from)."""

    pupil = forms.CharField(required=False, max_length=32)
    meeting = UidField(required=False)
    evaluation = UidField(required=False)
    # Where the coordinator came from: the work list links here with source=work_list.
    source = forms.ChoiceField(
        required=False, choices=[("work_list", "work_list"), ("manual", "manual")]
    )
    question = forms.CharField(required=False, max_length=1000)


class MinutesForm(DomainErrorsMixin, VersionForm):
    minutes = forms.CharField(required=False, strip=False, max_length=10000)


class DecisionForm(DomainErrorsMixin, forms.Form):
    what = forms.CharField(max_length=500)
    owner = WholeNumberField()
    due_on = DayField(error_messages=DATE_ERRORS)
