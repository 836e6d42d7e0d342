"""The focus card (focuskaart): a pupil's plan of classroom measures, evaluated on a set date.

A card has a number (version). Evaluating a card closes it, keeps it readable, and opens the
next version with the same measures ticked, so the plan lives on instead of being filled in
once. Catalog measures are stored sparsely: only rows with a tick or a note have a row here,
so a card costs the same to load however much is ticked. Free text is encrypted at rest.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hechtwijzer.fields import EncryptedTextField
from hechtwijzer.schools.models import Pupil


class FocusCard(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="focus_cards")
    number = models.PositiveSmallIntegerField(_("version"))
    period_start = models.DateField(_("start of the period"))
    evaluation_due = models.DateField(_("evaluation date"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    co_teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="co_focus_cards",
        verbose_name=_("co-teachers"),
    )
    reason = EncryptedTextField(_("reason for the card"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking for saves of the whole card (the form without JavaScript).
    lock_version = models.PositiveIntegerField(default=1)
    # The profile this version was based on when it started, and the catalog's version: codes
    # and counts, no free text (plans/snapshots.py). None for cards started before snapshots
    # were kept.
    profile_at_start = models.JSONField(_("profile at the start"), null=True, blank=True)

    class Meta:
        verbose_name = _("focus card")
        verbose_name_plural = _("focus cards")
        ordering = ["pupil", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "number"], name="card_number_per_pupil")
        ]
        indexes = [models.Index(fields=["closed_at", "evaluation_due"])]

    def __str__(self) -> str:
        return f"focus card {self.number} of pupil {self.pupil_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CardEntry(models.Model):
    """The state of one catalog measure on a card: the two columns and a personal note."""

    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    card = models.ForeignKey(FocusCard, on_delete=models.CASCADE, related_name="entries")
    measure_code = models.CharField(max_length=64)
    doing = models.BooleanField(_("what I already do"), default=False)
    trying = models.BooleanField(_("what I will try"), default=False)
    note = EncryptedTextField(_("note"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["card", "measure_code"], name="entry_once_per_card")
        ]

    def __str__(self) -> str:
        return self.measure_code


class OwnMeasure(models.Model):
    """A measure the teacher adds (the paper card's empty rows 30–36, as many as needed)."""

    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    card = models.ForeignKey(FocusCard, on_delete=models.CASCADE, related_name="own_measures")
    text = EncryptedTextField(_("measure"))
    doing = models.BooleanField(_("what I already do"), default=False)
    trying = models.BooleanField(_("what I will try"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"own measure {self.pk}"


class Decision(models.TextChoices):
    CONTINUE = "continue", _("continue")
    ADJUST = "adjust", _("adjust")
    CARE_TEAM = "care_team", _("discuss in the care team")
    REFER = "refer", _("refer")


class Outcome(models.TextChoices):
    WORKED = "worked", _("worked")
    PARTLY = "partly", _("partly worked")
    DID_NOT_WORK = "did_not_work", _("did not work")
    NOT_CARRIED_OUT = "not_carried_out", _("not carried out")


class Evaluation(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    card = models.OneToOneField(FocusCard, on_delete=models.CASCADE, related_name="evaluation")
    evaluated_on = models.DateField(_("evaluated on"))
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    referrals = models.JSONField(_("referral options"), default=list, blank=True)
    next_evaluation = models.DateField(_("next evaluation date"))
    summary = EncryptedTextField(_("summary"), blank=True)
    # The signals of the plan period and of the period before it, as they were when evaluated
    # (later corrections to observations do not rewrite the evaluation): version 2 (with
    # "version": 2) rates per observed school day over as many school days before the plan;
    # version 1 (no "version" key, before December 2026) counts over as many calendar days.
    # engine/evaluation.py has both shapes; plans/figures.py shows both.
    figures = models.JSONField(default=dict)
    # The profile on the evaluation day, as the start's (plans/snapshots.py); None for
    # evaluations made before snapshots were kept.
    profile_at_evaluation = models.JSONField(_("profile at the evaluation"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"evaluation of card {self.card_id}"


class MeasureOutcome(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="outcomes")
    measure_code = models.CharField(max_length=64, blank=True)
    own_measure = models.ForeignKey(OwnMeasure, on_delete=models.CASCADE, null=True, blank=True)
    outcome = models.CharField(_("how it went"), max_length=20, choices=Outcome.choices)
    note = EncryptedTextField(_("note"), blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.measure_code or f"own measure {self.own_measure_id}"


class VoiceKind(models.TextChoices):
    HELPS = "helps", _("what helps me")
    HINDERS = "hinders", _("what makes it hard for me")


class PupilVoice(models.Model):
    """The pupil's voice: what the pupil says helps or makes it hard ("wat helpt mij", "wat
    maakt het moeilijk"), in the pupil's own words, with the day it was said and who wrote it
    down, per version of the focus card. Offered from about 8 years (plans/voice.py); never
    required. The words are encrypted at rest; `at_evaluation` marks what the pupil said when
    the version was evaluated ("what does the pupil say now?")."""

    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    card = models.ForeignKey(FocusCard, on_delete=models.CASCADE, related_name="voices")
    kind = models.CharField(_("kind"), max_length=10, choices=VoiceKind.choices)
    text = EncryptedTextField(_("in the pupil's own words"))
    said_on = models.DateField(_("said on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at_evaluation = models.BooleanField(_("said at the evaluation"), default=False)
    # Optimistic locking for edits (hechtwijzer.locking).
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pupil's voice")
        verbose_name_plural = _("pupil's voice")
        ordering = ["said_on", "id"]

    def __str__(self) -> str:
        return f"pupil's voice {self.pk} on card {self.card_id}"
