"""Forms for logging and correcting observations. Validation of domain rules happens in the
domain functions (`actions`); these forms parse input and carry errors back to their fields."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hechtwijzer.catalog import get_catalog
from hechtwijzer.forms import DayField, DomainErrorsMixin, VersionForm, WholeNumberField

from .actions import MAX_EXPLANATION_LENGTH, MAX_NOTE_LENGTH
from .models import Company, Informant, Moment, Setting, WithdrawReason

NO_CHOICE = [("", _("not noted"))]


class SignalCodes(forms.MultipleChoiceField):
    """The ticked signals: codes of the catalog's signals. The page draws its own picker
    (observe.html), so the field needs no list of choices; it checks each code against the
    catalog's lookup. (A list of the catalog's signals as choices was copied and normalised
    for every form, a sixth of the quick log's server time.)"""

    def valid_value(self, value) -> bool:
        return value in get_catalog().by_code["signals"]


class ObservationForm(DomainErrorsMixin, forms.Form):
    signals = SignalCodes(label=_("Signals"), required=False, widget=forms.CheckboxSelectMultiple)
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
        self.fields["observed_on"].initial = timezone.localdate()
        if not may_record_reports or correcting:
            del self.fields["informant"]
        if correcting:
            # The day of an observation is fixed; a different day is a new observation.
            del self.fields["observed_on"]
            self.fields["version"] = WholeNumberField(widget=forms.HiddenInput)

    def clean_signals(self):
        # One signal sent twice (an old page, a double tap) is one signal, in the order ticked.
        return list(dict.fromkeys(self.cleaned_data["signals"]))


class SuggestForm(forms.Form):
    note = forms.CharField(required=False, max_length=MAX_NOTE_LENGTH)


class WithdrawForm(DomainErrorsMixin, VersionForm):
    """Why an observation is withdrawn: a reason, and a few words when it is another one."""

    reason = forms.ChoiceField(
        label=_("Why do you withdraw this observation?"),
        choices=WithdrawReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why you withdraw this observation.")},
    )
    explanation = forms.CharField(
        label=_("Explanation (needed for another reason)"),
        required=False,
        max_length=MAX_EXPLANATION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Stored encrypted; the audit trail records only the reason."),
    )
