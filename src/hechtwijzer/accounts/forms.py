from django import forms
from django.utils.translation import gettext_lazy as _

from .models import looks_like_backup_code, normalize_backup_code


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("The 6 digits your app shows now for Hechtwijzer."),
        max_length=12,
        strip=True,
        error_messages={"required": _("Enter the 6-digit code.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
                "size": 8,
            }
        ),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Enter the 6 digits, without letters."))
        return code


class LoginCodeForm(CodeForm):
    """The code page: the app's code, or (no phone at hand) one of the backup codes."""

    backup_code = forms.CharField(
        label=_("Backup code"),
        help_text=_("One of the backup codes you saved when you set up two-step log-in."),
        max_length=30,
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 16, "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False

    def clean_code(self):
        if not self.cleaned_data.get("code"):
            return ""
        return super().clean_code()

    def clean_backup_code(self):
        text = self.cleaned_data.get("backup_code", "")
        if text and not looks_like_backup_code(text):
            raise forms.ValidationError(
                _("A backup code has 12 letters and digits, for example abcd-efgh-jk23.")
            )
        return normalize_backup_code(text) if text else ""

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("code") and not cleaned.get("backup_code"):
            self.add_error("code", _("Enter the 6-digit code."))
        return cleaned


class ConfirmForm(forms.Form):
    """Confirm a change to one's own two-step log-in with the password or a current code."""

    confirmation = forms.CharField(
        label=_("Your password, or the code your app shows now"),
        help_text=_("To make sure it is you who changes this."),
        strip=False,
        error_messages={"required": _("Enter your password or the code from your app.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class StaffResetForm(forms.Form):
    """Which staff member's two-step log-in the school administrator resets."""

    membership = forms.ModelChoiceField(
        queryset=None,
        error_messages={
            "required": _("Choose a staff member."),
            "invalid_choice": _("Choose a staff member of this school."),
        },
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = school.memberships.select_related("user")

    def clean(self):
        # The choice is a hidden field beside each name: say what went wrong above the table.
        if "membership" in self.errors:
            self.add_error(None, self.errors.pop("membership"))
        return super().clean()


class SchoolPickForm(forms.Form):
    """The general log-in page's school picker, shown when several schools offer a log-in
    service: a board's staff choose their school and continue on its own log-in page, instead
    of reading a button for every service of every school."""

    school = forms.TypedChoiceField(
        label=_("Your school"),
        coerce=int,
        empty_value=None,
        help_text=_("Bookmark your school's log-in page to come straight back to it."),
        error_messages={
            "required": _("Choose your school from the list."),
            "invalid_choice": _("Choose your school from the list."),
        },
    )

    def __init__(self, *args, schools, **kwargs):
        kwargs.setdefault("auto_id", "id_sso_%s")
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [
            ("", _("Choose your school")),
            *((school.pk, school.name) for school in schools),
        ]
