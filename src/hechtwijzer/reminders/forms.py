from django import forms
from django.utils.translation import gettext_lazy as _


class ReminderChoiceForm(forms.Form):
    """The reminders a user receives: the kinds offered to their roles, ticked = receive."""

    receive = forms.MultipleChoiceField(
        label=_("Send me these reminders"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose from the reminders offered.")},
    )

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receive"].choices = [(kind.code, kind.label) for kind in kinds]
