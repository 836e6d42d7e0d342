"""Forms of the access page: they parse ids and texts; who may be given access, and what a
capacity may say, are the rules of `administration.actions`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hechtwijzer.forms import WholeNumberField

CHOOSE_STAFF = _("Choose an active staff member of this school.")


class GrantForm(forms.Form):
    user = WholeNumberField(
        required=False,
        min_value=1,
        error_messages={
            "invalid": CHOOSE_STAFF,
            "min_value": CHOOSE_STAFF,
            "max_value": CHOOSE_STAFF,
        },
    )
    capacity = forms.CharField(required=False)


class RevokeForm(forms.Form):
    revoke = WholeNumberField(min_value=1)
