"""The form with which a user makes a personal API token; the rules are in api/tokens.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hechtwijzer.forms import DomainErrorsMixin, WholeNumberField

from .models import DEFAULT_DAYS, MAX_DAYS, Scope
from .tokens import MAX_NAME


class TokenForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=MAX_NAME,
        help_text=_("What the token is for, e.g. the name of the script or system."),
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=Scope.choices,
        initial=Scope.READ,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose read only or read and write.")},
    )
    days = WholeNumberField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        help_text=_("At most %(max)d days; after that the token stops working.")
        % {"max": MAX_DAYS},
    )
