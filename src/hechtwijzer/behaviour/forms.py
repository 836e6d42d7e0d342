"""Forms for the behaviour card and the day programme.

They parse input; the domain rules (how many goals, their length, the order of the start
times, …) live in `actions`, whose errors `apply_errors` puts back on the fields.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hechtwijzer.forms import DayField, DomainErrorsMixin, UidField, WholeNumberField

from .actions import GOAL_MAX_LENGTH, LABEL_MAX_LENGTH, MAX_BLOCKS, TITLE_MAX_LENGTH
from .models import DEFAULT_DAY_PARTS, BehaviourCard, DayPart, Pictogram, ScoreValue

NO_SCORE = ""
TIME_FORMATS = ["%H:%M", "%H.%M", "%H:%M:%S"]


class CardForm(DomainErrorsMixin, forms.Form):
    goal_1 = forms.CharField(
        label=_("Goal 1"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": GOAL_MAX_LENGTH, "autocomplete": "off"}),
    )
    goal_2 = forms.CharField(
        label=_("Goal 2 (optional)"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": GOAL_MAX_LENGTH, "autocomplete": "off"}),
    )
    goal_3 = forms.CharField(
        label=_("Goal 3 (optional)"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": GOAL_MAX_LENGTH, "autocomplete": "off"}),
    )
    day_parts = forms.MultipleChoiceField(
        label=_("Day parts"),
        choices=DayPart.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose two to four parts of the day to score each goal in."),
        error_messages={"invalid_choice": _("Choose from the day parts offered.")},
    )
    starts_on = DayField(
        label=_("Start date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Enter the start date."),
            "invalid": _("Enter a date, for example 2026-11-16."),
        },
    )

    def __init__(self, *args, card: BehaviourCard | None = None, replaces=None, **kwargs):
        super().__init__(*args, **kwargs)
        if card is not None:  # changing the current card
            self.fields["version"] = WholeNumberField(widget=forms.HiddenInput)
        else:  # starting a card; `replaces` is the current card the user saw, if any
            self.fields["replaces"] = UidField(required=False, widget=forms.HiddenInput)
            self.fields["day_parts"].initial = list(DEFAULT_DAY_PARTS)

    @staticmethod
    def initial_for(card: BehaviourCard) -> dict:
        return {
            "goal_1": card.goal_1,
            "goal_2": card.goal_2,
            "goal_3": card.goal_3,
            "day_parts": card.part_codes,
            "starts_on": card.starts_on,
            "version": card.version,
        }

    def goals(self) -> list[str]:
        return [self.cleaned_data.get(f"goal_{n}", "") for n in (1, 2, 3)]


def score_choices():
    return [(NO_SCORE, pgettext_lazy("behaviour score", "no score")), *ScoreValue.choices]


def parse_score(raw: str | None) -> int | None:
    """A score value from a radio button: "" is no score, "0" … "2" the scale."""
    if raw in (None, NO_SCORE):
        return None
    if raw in {str(value) for value in ScoreValue.values}:
        return int(raw)
    raise ValidationError(_("Choose one of the options."))


def cell_name(goal: int, part: str) -> str:
    return f"s-{goal}-{part}"


class DayScoresForm(DomainErrorsMixin, forms.Form):
    """All cells of one day: a radio group (no score, not yet, partly, succeeded) per goal and
    day part, named `s-<goal slot>-<day part>`."""

    def __init__(self, *args, card: BehaviourCard, **kwargs):
        super().__init__(*args, **kwargs)
        for slot, _text in card.goal_slots():
            for code, _label in card.parts():
                self.fields[cell_name(slot, code)] = forms.TypedChoiceField(
                    choices=score_choices(),
                    coerce=int,
                    empty_value=None,
                    required=False,
                    widget=forms.RadioSelect,
                )

    def scores(self) -> dict[tuple[int, str], int | None]:
        found = {}
        for name, value in self.cleaned_data.items():
            _prefix, slot, part = name.split("-", 2)
            found[(int(slot), part)] = value
        return found


class ProgrammeForm(DomainErrorsMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": TITLE_MAX_LENGTH, "autocomplete": "off"}),
        help_text=_("Printed large at the top, for example “My day” or “Tuesday”."),
    )
    version = WholeNumberField(widget=forms.HiddenInput)


class BlockForm(forms.Form):
    starts_at = forms.TimeField(
        label=_("Start time"),
        required=False,
        input_formats=TIME_FORMATS,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time as HH:MM, for example 08:30.")},
    )
    label = forms.CharField(
        label=_("What happens"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": LABEL_MAX_LENGTH, "autocomplete": "off"}),
    )
    pictogram = forms.ChoiceField(
        label=_("Pictogram"),
        required=False,
        choices=[("", pgettext_lazy("pictogram", "none")), *Pictogram.choices],
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("starts_at") or data.get("label", "").strip() or data.get("pictogram"))


BlockFormSet = forms.formset_factory(
    BlockForm,
    extra=0,
    max_num=MAX_BLOCKS,
    absolute_max=MAX_BLOCKS,
    validate_max=True,
    can_delete=True,
)


def block_rows(blocks) -> list[dict]:
    """Initial rows for the block form: the blocks plus empty rows to add new ones (at most 12
    rows, at least 6, and always room for 3 more while there is space)."""
    rows = [{"starts_at": b.starts_at, "label": b.label, "pictogram": b.pictogram} for b in blocks]
    wanted = min(MAX_BLOCKS, max(6, len(rows) + 3))
    return rows + [{} for _n in range(wanted - len(rows))]
