"""The warm handover (warme overdracht): before the summer, the teacher writes for a pupil with
a card what to start with on the first day of the new year; the handover page adds what works
(measures rated "worked" in the latest evaluation, the behaviour card's goals). The next teacher
meets it on the pupil page until they acknowledge it (per user).

The text is about a child, so it is encrypted at rest; the audit trail holds ids, never text.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hechtwijzer.fields import EncryptedTextField
from hechtwijzer.schools.models import Pupil, school_year_label


class Handover(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="handovers")
    # The school year it was written in: the year that ends (first calendar year).
    school_year = models.PositiveSmallIntegerField(_("school year"))
    start_with = EncryptedTextField(_("what to start with on the first day"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)  # optimistic locking (hechtwijzer.locking)

    class Meta:
        verbose_name = _("warm handover")
        verbose_name_plural = _("warm handovers")
        ordering = ["-school_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "school_year"], name="one_handover_per_pupil_and_year"
            )
        ]

    def __str__(self) -> str:
        return f"handover {self.pk} of pupil {self.pupil_id}"

    @property
    def school_year_label(self) -> str:
        return school_year_label(self.school_year)


class Acknowledgement(models.Model):
    """That one staff member read the handover: it no longer greets them on the pupil page."""

    handover = models.ForeignKey(
        Handover, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["handover", "user"], name="one_ack_per_user")
        ]

    def __str__(self) -> str:
        return f"acknowledgement {self.pk}"
