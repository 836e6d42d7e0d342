"""Forms for logging and correcting observations. Validation of domain rules happens in the
domain functions (`actions`); these forms parse input and carry errors back to their fields."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hechtwijzer.catalog import get_catalog
from hechtwijzer.forms import DayField, DomainErrorsMixin, WholeNumberField

from .actions import MAX_NOTE_LENGTH
from .models import Company, Informant, Moment, Setting

NO_CHOICE = [("", _("not noted"))]


class ObservationForm(DomainErrorsMixin, forms.Form):
    signals = forms.MultipleChoiceField(
        label=_("Signals"), required=False, widget=forms.CheckboxSelectMultiple
    )
    observed_on = DayField(
        label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    setting = forms.ChoiceField(
        label=_("Setting"),
        choices=NO_CHOICE + Setting.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    company = forms.ChoiceField(
        label=_("With whom"),
        choices=NO_CHOICE + Company.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    moment = forms.ChoiceField(
        label=_("Moment"),
        choices=NO_CHOICE + Moment.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Describe what you saw, not what you think it means. Notes are stored encrypted."
        ),
    )
    informant = forms.ChoiceField(
        label=_("Who reports this"),
        required=False,
        choices=[
            ("", _("I observed it myself")),
            (Informant.PARENT, _("a parent told me")),
            (Informant.PUPIL, _("the pupil told me")),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, may_record_reports=False, correcting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signals"].choices = [(s.code, s.code) for s in get_catalog().signals]
        self.fields["observed_on"].initial = timezone.localdate()
        if not may_record_reports or correcting:
            del self.fields["informant"]
        if correcting:
            # The day of an observation is fixed; a different day is a new observation.
            del self.fields["observed_on"]
            self.fields["version"] = WholeNumberField(widget=forms.HiddenInput)


class SuggestForm(forms.Form):
    note = forms.CharField(required=False, max_length=MAX_NOTE_LENGTH)
