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


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of file"),
        choices=[
            ("edexml", _("EDEXML (ParnasSys, ESIS and other administration systems)")),
            ("csv", _("CSV (Smartschool, Informat, Wisa, Broekx or a spreadsheet)")),
        ],
        initial="edexml",
    )
    file = forms.FileField(label=_("File"))
    partial = forms.BooleanField(
        label=_("The file lists only some of the school's pupils"),
        required=False,
        help_text=_(
            "For example one class. Without this tick, pupils missing from the file are marked "
            "as left."
        ),
    )


class MappingForm(forms.Form):
    """Which column of the CSV file holds what; the choices are the file's own headings."""

    LABELS = {
        "key": _("Pupil number (the key in the administration system)"),
        "first_name": _("First name"),
        "prefix": _("Surname prefix (tussenvoegsel)"),
        "last_name": _("Last name"),
        "date_of_birth": _("Date of birth"),
        "group": _("Group (class)"),
        "group_key": _("Group key"),
        "year_level": _("Year level"),
        "left_on": _("Leaving date"),
    }

    def __init__(self, *args, columns: list[str], required: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("(not in the file)")), *[(c, c) for c in columns]]
        for name, label in self.LABELS.items():
            self.fields[name] = forms.ChoiceField(
                label=label, choices=choices, required=name in required
            )


class ProposalForm(forms.Form):
    proposal = WholeNumberField(min_value=1)
    decision = forms.ChoiceField(choices=[("confirm", "confirm"), ("decline", "decline")])
