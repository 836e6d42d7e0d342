from django import forms
from django.utils.translation import gettext_lazy as _

from hechtwijzer.forms import DomainErrorsMixin, UidField, WholeNumberField

from .actions import TEXT_MAX


class HandoverForm(DomainErrorsMixin, forms.Form):
    start_with = forms.CharField(
        label=_("What to start with on the first day"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What helps this pupil from the first hour: how to greet, where to sit, what to "
            "avoid, who to call. The next teacher reads it on the pupil page."
        ),
    )
    version = WholeNumberField(required=False, min_value=1, widget=forms.HiddenInput)


class AcknowledgeForm(forms.Form):
    handover = UidField()
