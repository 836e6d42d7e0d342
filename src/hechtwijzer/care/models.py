"""Care records kept by the care coordinator: risk and protective factors per pupil.

Dutch support plans (OPP) call them belemmerende en bevorderende factoren; Flemish schools say
risico- en beschermende factoren. The catalog holds the factors and the weighting rules.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hechtwijzer.fields import EncryptedTextField
from hechtwijzer.schools.models import Pupil


class FactorKind(models.TextChoices):
    RISK = "risk", _("risk factor")
    PROTECTIVE = "protective", _("protective factor")


class PupilFactor(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="factors")
    kind = models.CharField(max_length=12, choices=FactorKind.choices)
    code = models.CharField(max_length=64)
    noted_on = models.DateField(_("date"), null=True, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("factor")
        verbose_name_plural = _("factors")
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "kind", "code"], name="factor_once_per_pupil")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"
