"""Forms of the parents' pages: each POST (and the printout's choices) is parsed here."""

from __future__ import annotations

from django import forms

from hechtwijzer.forms import DayField, DomainErrorsMixin, UidField, VersionForm, WholeNumberField

from .actions import ATTENDEES_MAX, TEXT_MAX
from .models import Consent


class ConversationForm(DomainErrorsMixin, VersionForm):
    held_on = DayField()
    attendees = forms.CharField(max_length=ATTENDEES_MAX)
    at_home = forms.CharField(max_length=TEXT_MAX, required=False)
    agreements = forms.CharField(max_length=TEXT_MAX, required=False)
    card = WholeNumberField(required=False, min_value=1)  # a version number of the card


class ConsentForm(DomainErrorsMixin, VersionForm):
    status = forms.ChoiceField(choices=Consent.choices)
    decided_on = DayField(required=False)
    parents_view = forms.CharField(max_length=TEXT_MAX, required=False)


class PrintoutForm(forms.Form):
    """What the printout includes: the agreements of one conversation, or none."""

    agreements = UidField(required=False)


class LinkForm(DomainErrorsMixin, PrintoutForm):
    recipient = forms.CharField(max_length=200)
    days = WholeNumberField(min_value=1, max_value=30)
