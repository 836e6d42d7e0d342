"""Forms of the referral pages: each POST is parsed here."""

from __future__ import annotations

from django import forms

from hechtwijzer.forms import DayField, DomainErrorsMixin, UidField, WholeNumberField

from .actions import NAME_MAX, TEXT_MAX
from .models import ReferralConsent
from .partners import PARTNERS


class ReferralForm(DomainErrorsMixin, forms.Form):
    partner = forms.ChoiceField(choices=[(p.code, p.code) for p in PARTNERS])
    professional = forms.CharField(max_length=NAME_MAX)
    organisation = forms.CharField(max_length=NAME_MAX, required=False)
    question = forms.CharField(max_length=TEXT_MAX)
    evaluation = UidField(required=False)
    include_plan = forms.BooleanField(required=False)
    include_figures = forms.BooleanField(required=False)
    version = WholeNumberField(required=False)


class ObservationsForm(DomainErrorsMixin, forms.Form):
    observations = forms.MultipleChoiceField(choices=(), required=False)
    include_notes = forms.BooleanField(required=False)
    version = WholeNumberField(required=False)

    def __init__(self, *args, uids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["observations"].choices = [(str(uid), str(uid)) for uid in uids]


class ConsentForm(DomainErrorsMixin, forms.Form):
    consent = forms.ChoiceField(choices=ReferralConsent.choices)
    consent_on = DayField(required=False)
    version = WholeNumberField(required=False)


class ReasonedChoiceForm(DomainErrorsMixin, forms.Form):
    """Include the safeguarding record, or send without consent: on or off, with a reason."""

    on = forms.BooleanField(required=False)
    reason = forms.CharField(max_length=TEXT_MAX, required=False)
    version = WholeNumberField(required=False)


class SendForm(DomainErrorsMixin, forms.Form):
    days = WholeNumberField(min_value=1, max_value=30)
    version = WholeNumberField(required=False)


class AnswerForm(DomainErrorsMixin, forms.Form):
    answered_on = DayField()
    answer = forms.CharField(max_length=TEXT_MAX)
    version = WholeNumberField(required=False)
