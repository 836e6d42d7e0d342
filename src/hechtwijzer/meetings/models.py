"""The care-team meeting (leerlingbespreking / zorgteam in a Dutch school, MDO or klassenraad
in a Flemish one): the care coordinator plans it, puts pupils on the agenda, and writes per
pupil the minutes and the decisions (who does what by when).

A meeting belongs to one school; its attendees are staff of that school. Everything said
about a pupil (the question on the agenda, the minutes, a decision's text) is free text about
a child and is encrypted at rest. Decisions carry an owner and a due date in plain columns, so
the work lists and reminders can find them (`meetings.queries.open_decisions`).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hechtwijzer.fields import EncryptedTextField
from hechtwijzer.schools.models import Pupil, School


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")


class Meeting(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("date and time"))
    # A title such as "Leerlingbespreking groep 3": no pupil's name belongs here.
    title = models.CharField(_("title"), max_length=120)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="care_meetings",
        verbose_name=_("attendees"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("care-team meeting")
        verbose_name_plural = _("care-team meetings")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["school", "starts_at"])]

    def __str__(self) -> str:
        return f"meeting {self.uid} of {self.starts_at:%Y-%m-%d}"

    @property
    def is_planned(self) -> bool:
        return self.status == MeetingStatus.PLANNED


class AgendaSource(models.TextChoices):
    WORK_LIST = "work_list", _("from the work list")
    EVALUATION = "evaluation", _("from an evaluation")
    MANUAL = "manual", _("added by hand")


class AgendaItem(models.Model):
    """One pupil on a meeting's agenda: the question to discuss, and the minutes about them."""

    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="agenda_items")
    question = EncryptedTextField(_("reason or question"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(
        _("source"), max_length=12, choices=AgendaSource.choices, default=AgendaSource.MANUAL
    )
    # The evaluation whose decision was "discuss in the care team", when it came from one.
    # Both are the same pupil's record and go together (erasure deletes both anyway).
    evaluation = models.ForeignKey(
        "plans.Evaluation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)
    minutes = EncryptedTextField(_("minutes"), blank=True)
    # Optimistic locking of the minutes (hechtwijzer.locking): two writers never overwrite.
    minutes_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "pupil"], name="pupil_once_per_agenda")
        ]

    def __str__(self) -> str:
        return f"agenda item {self.uid}"


class MeetingDecision(models.Model):
    """What the care team agreed about a pupil: what, who does it (a staff account), by when."""

    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    what = EncryptedTextField(_("what"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="care_team_decisions",
        verbose_name=_("who"),
    )
    due_on = models.DateField(_("by when"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["owner", "done_at", "due_on"]),
            models.Index(fields=["done_at", "due_on"]),
        ]

    def __str__(self) -> str:
        return f"decision {self.uid} due {self.due_on}"

    @property
    def is_open(self) -> bool:
        return self.done_at is None
