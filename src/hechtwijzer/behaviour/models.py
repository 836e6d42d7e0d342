"""Tools for the pupil's desk: the behaviour card and the visual day programme.

Behaviour card (gedragskaart, measure 29 of the focus card, `sticordi_29`): one to three
positively phrased goals agreed with the pupil, scored per school day and day part on a
three-point scale (not yet, partly, succeeded). A pupil has at most one current card; a card that
is stopped or replaced is archived with its scores, never deleted. Goals are free text about a
pupil, so they are encrypted at rest.

Day programme (measures 13 and 21, `sticordi_13` and `sticordi_21`): one visual day schedule per
pupil, a title and up to twelve time blocks with a short label and an optional pictogram. Title
and labels are encrypted at rest.

Changes go through `hechtwijzer.behaviour.actions`; the card and the programme carry a `version`
for optimistic locking.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hechtwijzer.fields import EncryptedTextField
from hechtwijzer.schools.models import Pupil

MAX_GOALS = 3


class DayPart(models.TextChoices):
    """The fixed set of day parts a card may be scored in, in the order of the day."""

    MORNING = "morning", pgettext_lazy("day part", "morning")
    BEFORE_BREAK = "before_break", pgettext_lazy("day part", "before the break")
    AFTER_BREAK = "after_break", pgettext_lazy("day part", "after the break")
    AFTERNOON = "afternoon", pgettext_lazy("day part", "afternoon")


DEFAULT_DAY_PARTS = (DayPart.MORNING, DayPart.AFTERNOON)


class ScoreValue(models.IntegerChoices):
    """The three-point scale, phrased for the pupil. Shown as a face *and* its label."""

    NOT_YET = 0, pgettext_lazy("behaviour score", "not yet")
    PARTLY = 1, pgettext_lazy("behaviour score", "partly")
    SUCCEEDED = 2, pgettext_lazy("behaviour score", "succeeded")


class BehaviourCard(models.Model):
    """A pupil's behaviour card.

    Goals sit in three fixed slots (`goal_1` … `goal_3`); a score names its slot, so rewording
    a goal keeps its scores. A slot that has scores cannot be emptied and a day part that has
    scores cannot be dropped: to change what the card is about, start a new card (the old one
    is archived with everything on it). `day_parts` holds the chosen codes of `DayPart`,
    comma-separated, in the order of the day.
    """

    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="behaviour_cards")
    goal_1 = EncryptedTextField(_("goal 1"))
    goal_2 = EncryptedTextField(_("goal 2"), blank=True)
    goal_3 = EncryptedTextField(_("goal 3"), blank=True)
    day_parts = models.CharField(_("day parts"), max_length=100)
    starts_on = models.DateField(_("start date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Optimistic locking: a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("behaviour card")
        verbose_name_plural = _("behaviour cards")
        ordering = ["-starts_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"],
                condition=Q(archived_at__isnull=True),
                name="one_current_behaviour_card",
            )
        ]

    def __str__(self) -> str:
        return f"behaviour card {self.uid}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def goal_slots(self) -> list[tuple[int, str]]:
        """(slot, text) of every goal written on the card, in slot order."""
        texts = (self.goal_1, self.goal_2, self.goal_3)
        return [(slot, text) for slot, text in enumerate(texts, start=1) if text]

    @property
    def part_codes(self) -> list[str]:
        return [code for code in self.day_parts.split(",") if code]

    def parts(self) -> list[tuple[str, str]]:
        """(code, label) of the card's day parts."""
        labels = dict(DayPart.choices)
        return [(code, labels.get(code, code)) for code in self.part_codes]


class Score(models.Model):
    """One score: goal slot x school day x day part. No free text, so nothing to encrypt."""

    card = models.ForeignKey(BehaviourCard, on_delete=models.CASCADE, related_name="scores")
    goal = models.PositiveSmallIntegerField()
    day = models.DateField()
    day_part = models.CharField(max_length=20, choices=DayPart.choices)
    value = models.PositiveSmallIntegerField(choices=ScoreValue.choices)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["card", "goal", "day", "day_part"], name="one_score_per_cell"
            ),
            models.CheckConstraint(
                condition=Q(goal__gte=1, goal__lte=MAX_GOALS), name="score_goal_slot"
            ),
            models.CheckConstraint(condition=Q(value__lte=2), name="score_value_range"),
        ]
        indexes = [models.Index(fields=["card", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.day_part} goal {self.goal}: {self.value}"


class Pictogram(models.TextChoices):
    """The fixed set of pictograms, drawn as inline SVG in `behaviour/_pictogram.html`."""

    ARRIVE = "arrive", _("arriving")
    CIRCLE = "circle", _("circle time")
    READ = "read", _("reading")
    WRITE = "write", _("writing")
    MATHS = "maths", _("maths")
    PLAY = "play", _("playtime")
    EAT = "eat", _("eating and drinking")
    GYM = "gym", _("gym")
    MUSIC = "music", _("music")
    CRAFT = "craft", _("drawing and crafts")
    QUIET = "quiet", _("quiet moment")
    HOME = "home", _("going home")


class DayProgramme(models.Model):
    """A pupil's visual day programme: a title and its blocks (`ProgrammeBlock`)."""

    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="day_programme")
    title = EncryptedTextField(_("title"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking: a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("day programme")
        verbose_name_plural = _("day programmes")

    def __str__(self) -> str:
        return f"day programme {self.uid}"


class ProgrammeBlock(models.Model):
    """One time block of a day programme; `position` follows the start times (strictly up)."""

    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    programme = models.ForeignKey(DayProgramme, on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveSmallIntegerField()
    starts_at = models.TimeField(_("start time"))
    label = EncryptedTextField(_("what"))
    pictogram = models.CharField(
        _("pictogram"), max_length=20, choices=Pictogram.choices, blank=True
    )

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "position"], name="block_position_once")
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%H:%M}"
