"""Forms of the administration's pages: they parse ids and texts; who may be given access, what
a capacity may say and what a password must be are the rules of `actions` and `invitations`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hechtwijzer.forms import DomainErrorsMixin, WholeNumberField

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


class ChoosePasswordForm(DomainErrorsMixin, forms.Form):
    """The invited staff member's new password, twice; Django's validators run in
    `invitations.accept_invitation`, which knows the account (its name must not be in it)."""

    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 10 characters; not only digits, not a common password and not like your "
            "name. A short sentence is easy to remember."
        ),
    )
    password2 = forms.CharField(
        label=_("New password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") != data["password1"]:
            self.add_error("password2", _("The two passwords differ."))
        return data
