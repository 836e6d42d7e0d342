"""Forms of the access page: they parse ids and texts; who may be given access, and what a
capacity may say, are the rules of `administration.actions`."""

from django import forms


class GrantForm(forms.Form):
    user = forms.IntegerField(required=False, min_value=1)
    capacity = forms.CharField(required=False)


class RevokeForm(forms.Form):
    revoke = forms.IntegerField(min_value=1)
