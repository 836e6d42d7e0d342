"""Forms of the care coordinator's pages and of passing a concern on.

They turn what a page posts into typed values (dates, ids, versions) and nothing more: which
step fits a route, which factor is on the catalog's list, how long a text may be, are the
domain functions' rules (`care.actions`), whose errors come back keyed by the same fields.
A malformed value is a field error or a 400, never a server error.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hechtwijzer.forms import DayField, UidField, VersionForm

DATE_ERRORS = {"invalid": _("Enter a valid date.")}


class UUIDListField(forms.Field):
    """Several ids posted under one name (the observations a concern rests on)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        try:
            return [UidField().clean(v) for v in values if v]
        except ValidationError:
            raise ValidationError(_("Choose observations from the list."), code="invalid") from None


class ConcernForm(forms.Form):
    raised_on = DayField(required=False, error_messages=DATE_ERRORS)
    concern = forms.CharField(required=False, strip=False)
    observations = UUIDListField(required=False)


class StepForm(VersionForm):
    step = forms.CharField(required=False)
    done_on = DayField(required=False, error_messages=DATE_ERRORS)
    consulted = forms.CharField(required=False, strip=False)
    decision = forms.CharField(required=False, strip=False)


class CloseForm(VersionForm):
    closed_on = DayField(required=False, error_messages=DATE_ERRORS)


class PassOnForm(forms.Form):
    note = forms.CharField(required=False, strip=False)


class FactorForm(forms.Form):
    kind = forms.CharField(required=False)
    code = forms.CharField(required=False)
    noted_on = DayField(required=False, error_messages=DATE_ERRORS)
    note = forms.CharField(required=False, strip=False)


class RemoveFactorForm(forms.Form):
    remove = UidField()
