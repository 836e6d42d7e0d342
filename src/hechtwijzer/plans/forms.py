"""Forms of the focus card: they parse what a page posts into the values the domain functions
take, and carry every error back to the field it belongs to.

Domain rules (a note too long, a date in the past, a row that is not on the card) stay in
`plans.actions`; a form only refuses what is not a value at all (a date that is no date, a
version that is no number, an id that names nothing), so a malformed request gets a form error
or a 400, never a server error.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hechtwijzer.forms import DayField, DomainErrorsMixin, UidField, WholeNumberField

from .actions import COLUMNS, RowState, card_rows
from .models import Decision, Outcome, VoiceKind


class CardForm(forms.Form):
    """The whole card saved at once (the form without JavaScript): both columns and the note of
    every catalog row, both columns of every own measure, and the version the user saw."""

    lock_version = WholeNumberField()

    def __init__(self, *args, own_measures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = [m.code for m in card_rows()]
        self.own_uids = [str(m.uid) for m in own_measures]
        for code in self.codes:
            for column in COLUMNS:
                self.fields[f"{column}_{code}"] = forms.BooleanField(required=False)
            self.fields[f"note_{code}"] = forms.CharField(required=False)
        for uid in self.own_uids:
            for column in COLUMNS:
                self.fields[f"own_{column}_{uid}"] = forms.BooleanField(required=False)

    def rows(self) -> dict[str, RowState]:
        data = self.cleaned_data
        return {
            code: RowState(data[f"doing_{code}"], data[f"trying_{code}"], data[f"note_{code}"])
            for code in self.codes
        }

    def own(self) -> dict[str, RowState]:
        data = self.cleaned_data
        return {
            uid: RowState(data[f"own_doing_{uid}"], data[f"own_trying_{uid}"])
            for uid in self.own_uids
        }


class TickForm(forms.Form):
    """One tap on one column of one catalog row; `seen` is what the user saw before tapping."""

    measure = forms.ChoiceField(choices=())
    column = forms.ChoiceField(choices=[(c, c) for c in COLUMNS])
    seen = forms.TypedChoiceField(
        choices=[("0", "0"), ("1", "1")], coerce=lambda v: v == "1", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [(m.code, m.code) for m in card_rows()]


class NoteForm(forms.Form):
    """The note of one catalog row, saved on its own (htmx). The page posts the row's fields
    under their whole-card names, `note_<code>` and `seen_note_<code>` (the note as the page
    showed it), so the same inputs also work in the whole-card form."""

    measure = forms.ChoiceField(choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [(m.code, m.code) for m in card_rows()]

    def clean(self):
        data = super().clean()
        code = data.get("measure")
        if code:
            note, seen = self.data.get(f"note_{code}"), self.data.get(f"seen_note_{code}")
            if note is None or seen is None:
                raise forms.ValidationError(_("The note could not be read. Nothing was saved."))
            if "\x00" in note or "\x00" in seen:
                raise forms.ValidationError(_("The note could not be read. Nothing was saved."))
            data["note"], data["seen"] = note, seen
        return data


class SettingsForm(DomainErrorsMixin, forms.Form):
    period_start = DayField(error_messages={"invalid": _("Enter a valid date.")})
    evaluation_due = DayField(error_messages={"invalid": _("Enter a valid date.")})
    co_teachers = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=False)
    reason = forms.CharField(required=False, strip=False)
    lock_version = WholeNumberField(required=False)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {u.pk: u for u in candidates}
        self.fields["co_teachers"].choices = [(pk, pk) for pk in self.candidates]
        self.fields["co_teachers"].error_messages["invalid_choice"] = _(
            "A co-teacher must be someone who may see this pupil."
        )

    def chosen(self) -> list:
        return [self.candidates[pk] for pk in self.cleaned_data["co_teachers"]]


class OwnMeasureForm(forms.Form):
    text = forms.CharField(required=False, strip=False)


class RemoveOwnForm(forms.Form):
    measure = UidField()


class EvaluationForm(DomainErrorsMixin, forms.Form):
    """The evaluation: per measure tried how it went (and a note), the decision, referrals,
    the next evaluation date and a summary. `items` are the measures' keys as the domain
    names them: a catalog code, or "own:<uid>"."""

    decision = forms.ChoiceField(
        choices=Decision.choices,
        required=False,
        error_messages={"invalid_choice": _("Choose a decision.")},
    )
    referrals = forms.MultipleChoiceField(choices=(), required=False)
    next_evaluation = DayField(error_messages={"invalid": _("Enter a valid date.")})
    summary = forms.CharField(required=False, strip=False)

    def __init__(self, *args, keys=(), referral_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = list(keys)
        self.fields["referrals"].choices = [(code, code) for code in referral_codes]
        self.fields["referrals"].error_messages["invalid_choice"] = _(
            "Choose referral options from the list."
        )
        for key in self.keys:
            self.fields[f"outcome_{key}"] = forms.ChoiceField(
                choices=Outcome.choices, required=False
            )
            self.fields[f"note_{key}"] = forms.CharField(required=False, strip=False)
        for kind in VoiceKind.values:  # what the pupil says now (optional)
            self.fields[f"voice_{kind}"] = forms.CharField(required=False, strip=False)
        # The domain names a measure's errors by its key; the page by the outcome's field.
        self.domain_fields = {key: f"outcome_{key}" for key in self.keys}

    def outcomes(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {key: (data[f"outcome_{key}"], data[f"note_{key}"]) for key in self.keys}

    def voice(self) -> dict[str, str]:
        """What the pupil says now (plans/voice.py), per kind; empty when not asked."""
        return {kind: self.cleaned_data.get(f"voice_{kind}") or "" for kind in VoiceKind.values}


class VoiceForm(DomainErrorsMixin, forms.Form):
    """What the pupil said: the kind, the pupil's words, the day; `version` on an edit (the
    version the page showed, hechtwijzer.locking)."""

    kind = forms.ChoiceField(
        choices=VoiceKind.choices,
        required=False,
        error_messages={"invalid_choice": _("Choose what the words are about.")},
    )
    text = forms.CharField(required=False, strip=False)
    said_on = DayField(required=False, error_messages={"invalid": _("Enter a valid date.")})
    version = WholeNumberField(required=False)
