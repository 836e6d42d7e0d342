"""Forms of the referral pages: each POST is parsed here. Each carries the version of the
referral the page showed (`VersionForm`)."""

from __future__ import annotations

from django import forms

from hechtwijzer.forms import DayField, DomainErrorsMixin, UidField, VersionForm, WholeNumberField

from .actions import NAME_MAX, TEXT_MAX
from .models import ReferralConsent
from .partners import PARTNERS


class ReferralForm(DomainErrorsMixin, VersionForm):
    partner = forms.ChoiceField(choices=[(p.code, p.code) for p in PARTNERS])
    professional = forms.CharField(max_length=NAME_MAX)
    organisation = forms.CharField(max_length=NAME_MAX, required=False)
    question = forms.CharField(max_length=TEXT_MAX)
    evaluation = UidField(required=False)
    include_plan = forms.BooleanField(required=False)
    include_figures = forms.BooleanField(required=False)


class ObservationsForm(DomainErrorsMixin, VersionForm):
    observations = forms.MultipleChoiceField(choices=(), required=False)
    include_notes = forms.BooleanField(required=False)

    def __init__(self, *args, uids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["observations"].choices = [(str(uid), str(uid)) for uid in uids]


class ConsentForm(DomainErrorsMixin, VersionForm):
    consent = forms.ChoiceField(choices=ReferralConsent.choices)
    consent_on = DayField(required=False)


class ReasonedChoiceForm(DomainErrorsMixin, VersionForm):
    """Include the safeguarding record, or send without consent: on or off, with a reason."""

    on = forms.BooleanField(required=False)
    reason = forms.CharField(max_length=TEXT_MAX, required=False)


class SendForm(DomainErrorsMixin, VersionForm):
    days = WholeNumberField(min_value=1, max_value=30)


class AnswerForm(DomainErrorsMixin, VersionForm):
    answered_on = DayField()
    answer = forms.CharField(max_length=TEXT_MAX)
