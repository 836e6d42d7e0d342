"""Forms of the transfer pages: each POST is parsed here."""

from __future__ import annotations

from django import forms

from hechtwijzer.forms import DayField, DomainErrorsMixin, UidField, WholeNumberField

from .actions import REASON_MAX, TEXT_MAX
from .models import ItemKind
from .report import SECTIONS


class IncludeForm(DomainErrorsMixin, forms.Form):
    kind = forms.ChoiceField(choices=ItemKind.choices)
    record = UidField()
    reason = forms.CharField(max_length=REASON_MAX)
    school_career = forms.BooleanField(required=False)


class RemoveForm(forms.Form):
    item = UidField()


class ParentsForm(DomainErrorsMixin, forms.Form):
    receiving_school = forms.CharField(max_length=200, required=False)
    viewed_on = DayField(required=False)
    parents_view = forms.CharField(max_length=TEXT_MAX, required=False)
    objection = forms.CharField(max_length=TEXT_MAX, required=False)
    left_out = forms.MultipleChoiceField(choices=[(s, s) for s in SECTIONS], required=False)
    version = WholeNumberField(required=False)


class UploadForm(forms.Form):
    file = forms.FileField()


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "accept"), ("decline", "decline")])
