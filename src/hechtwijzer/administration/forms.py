"""Forms of the administration's pages: they parse ids and texts; who may be given access, what
a capacity may say and what a password must be are the rules of `actions` and `invitations`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hechtwijzer.forms import DomainErrorsMixin, WholeNumberField

from .year import Step

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


class NewYearForm(forms.Form):
    """The new school year: for each group of the year that ends, next year's group name (empty:
    the pupils leave the school) and next year's teachers; and the previous teacher's read-on
    weeks. Fields per group: `to_<id>` and `teachers_<id>`."""

    former_teacher_weeks = WholeNumberField(
        label=_("Weeks the previous teacher may still read"),
        min_value=0,
        max_value=52,
        help_text=_(
            "After the first school day, the previous teacher may read (not change) the records "
            "of the pupils who moved on, for this many weeks. 0: access ends when the year starts."
        ),
    )

    def __init__(self, *args, groups, teachers, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(m.pk), m.user.get_full_name() or m.user.get_username()) for m in teachers]
        self.groups = groups
        for group in groups:
            self.fields[f"to_{group.pk}"] = forms.CharField(
                label=_("%(group)s goes to") % {"group": group.name},
                required=False,
                max_length=100,
                help_text=_("Next year's group. Leave empty when the pupils leave the school."),
            )
            self.fields[f"teachers_{group.pk}"] = forms.TypedMultipleChoiceField(
                label=_("Teachers of that group next year"),
                choices=choices,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def rows(self):
        """(group, name field, teachers field) per group, for the template."""
        return [(g, self[f"to_{g.pk}"], self[f"teachers_{g.pk}"]) for g in self.groups]

    def steps(self):
        return [
            Step(
                group=g,
                target=self.cleaned_data[f"to_{g.pk}"].strip(),
                teacher_ids=list(self.cleaned_data[f"teachers_{g.pk}"]),
            )
            for g in self.groups
        ]
