"""Observations: what a teacher or other informant noticed about a pupil, on a day.

An observation holds one or more catalog signal codes (`ObservationSignal` rows, which carry
the pupil, day and signal group as well, so overviews aggregate in SQL without joins), the
situation, and an optional note that is encrypted at rest. Changes go through
`hechtwijzer.observations.actions`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hechtwijzer.fields import EncryptedTextField
from hechtwijzer.schools.models import Pupil


class Informant(models.TextChoices):
    """Who the observation comes from. Informants are shown side by side, never summed."""

    GROUP_TEACHER = "group_teacher", _("group teacher")
    OTHER_STAFF = "other_staff", _("other staff member")
    CARE_COORDINATOR = "care_coordinator", _("care coordinator")
    PARENT = "parent", _("parent (reported)")
    PUPIL = "pupil", pgettext_lazy("informant", "pupil (reported)")


# The school's own informants: what they log makes the school's picture (profile, overviews,
# charts). Reports of parents and the pupil are shown beside it, never summed into it; the
# engine knows the same split (engine.REPORT_INFORMANTS), which a test keeps in step.
SCHOOL_INFORMANTS = (Informant.GROUP_TEACHER, Informant.OTHER_STAFF, Informant.CARE_COORDINATOR)
REPORT_INFORMANTS = (Informant.PARENT, Informant.PUPIL)


class CountedQuerySet(models.QuerySet):
    """`counted(start, end)`: the rows that make the school's picture in figures (heat maps,
    charts, evaluation figures), written once: not withdrawn, logged by the school's own
    informants, observed from `start` to `end` (both included)."""

    withdrawn_filter: dict = {}

    def counted(self, start, end):
        return self.filter(
            **self.withdrawn_filter,
            informant__in=SCHOOL_INFORMANTS,
            observed_on__gte=start,
            observed_on__lte=end,
        )


class ObservationQuerySet(CountedQuerySet):
    withdrawn_filter = {"withdrawn_at__isnull": True}


class SignalQuerySet(CountedQuerySet):
    withdrawn_filter = {"withdrawn": False}


class Setting(models.TextChoices):
    STRUCTURED = "structured", _("structured lesson")
    FREE = "free", _("free time")


class Company(models.TextChoices):
    ADULT = "adult", _("with an adult")
    PEERS = "peers", _("with peers")


class Moment(models.TextChoices):
    TRANSITION = "transition", _("transition")
    BREAK = "break", _("break")
    SUBSTITUTE = "substitute", _("substitute teacher")
    AFTER_WEEKEND = "after_weekend", _("after a weekend")
    OTHER = "other", _("other")


class WithdrawReason(models.TextChoices):
    MISTAKE = "mistake", _("saved by mistake")
    WRONG_PUPIL = "wrong_pupil", _("logged for the wrong pupil")
    DUPLICATE = "duplicate", _("logged twice")
    NOT_ACCURATE = "not_accurate", _("on reflection it is not what happened")
    OTHER = "other", _("another reason")


class Observation(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    # No index of its own: the (pupil, observed_on) index below serves every lookup by pupil.
    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="observations", db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="observations"
    )
    informant = models.CharField(_("informant"), max_length=20, choices=Informant.choices)
    observed_on = models.DateField(_("day"))
    setting = models.CharField(_("setting"), max_length=20, choices=Setting.choices, blank=True)
    company = models.CharField(_("with whom"), max_length=20, choices=Company.choices, blank=True)
    moment = models.CharField(_("moment"), max_length=20, choices=Moment.choices, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Optimistic locking: a save based on an older version is refused.
    withdraw_reason = models.CharField(
        _("reason for withdrawing"), max_length=20, choices=WithdrawReason.choices, blank=True
    )
    withdraw_explanation = EncryptedTextField(_("explanation"), blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = ObservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["-observed_on", "-created_at"]
        indexes = [models.Index(fields=["pupil", "observed_on"])]

    def __str__(self) -> str:
        return f"observation {self.uid} of {self.observed_on}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def signal_codes(self) -> list[str]:
        return [row.code for row in self.signal_rows.all()]


class ObservationSignal(models.Model):
    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="signal_rows"
    )
    code = models.CharField(max_length=64)
    # Copies of the observation's pupil and day and of the catalog's group for this code
    # (catalog codes never change), so overviews count in SQL over one table. The pupil has no
    # index of its own: with one, PostgreSQL read every signal a pupil ever had and filtered
    # the window out of them; the (pupil, observed_on) index reads only the window (bench/).
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+", db_index=False)
    observed_on = models.DateField()
    signal_group = models.CharField(max_length=20)
    informant = models.CharField(max_length=20, choices=Informant.choices)
    withdrawn = models.BooleanField(default=False)

    objects = SignalQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "code"], name="signal_once_per_observation"
            )
        ]
        indexes = [
            # Covering on PostgreSQL (the overviews and charts read these columns only, so the
            # index answers them without the table); a plain index elsewhere.
            models.Index(
                fields=["pupil", "observed_on"],
                include=["signal_group", "informant", "withdrawn"],
                name="obs_signal_pupil_day",
            ),
            models.Index(fields=["observed_on", "pupil"]),
            # The care coordinator's "waiting for a decision" list looks up the rare direct
            # safety signals of a school over all time (care.worklist): by code first, it reads
            # those rows only, however many years of observations the school has.
            models.Index(fields=["code", "pupil"], name="obs_signal_code_pupil"),
        ]

    def __str__(self) -> str:
        return self.code
