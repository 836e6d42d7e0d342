"""Transfer to another school (overstap; in the Netherlands the onderwijskundig rapport, in
Flanders the transfer of pupil data between schools): what the sending school prepares, and
what the receiving school keeps of it.

Sending side: one `Transfer` per pupil, the report being prepared. What travels by default is
the support given (the focus-card versions with their measures and periods), what worked, the
current plan, the evaluation figures and the pupil's voice (`transfer.report`). The
safeguarding record, the family's risk factors and observation notes never travel, unless the
care coordinator deliberately includes one item after weighing it (`IncludedItem`, with a
written reason). The parents' viewing is recorded on the transfer: in the Netherlands their
view (added to the report), in Flanders their objection and the parts left out because of it.

Receiving side: a `ReceivedPlan` is the imported report, read-only history, never a live
focus card; the receiving care coordinator accepts it (then it shows with the pupil's plans)
or declines it. Its content, free text about a child, is kept encrypted at rest.
"""

from __future__ import annotations

import json
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hechtwijzer.fields import EncryptedTextField
from hechtwijzer.schools.models import Pupil, School


class Transfer(models.Model):
    """The transfer report being prepared for one pupil, and the parents' viewing of it."""

    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="transfer")
    receiving_school = models.CharField(_("receiving school"), max_length=200, blank=True)
    # The day the parents saw the report (None: not yet).
    parents_viewed_on = models.DateField(_("the parents saw the report on"), null=True, blank=True)
    # The Netherlands: the parents may add their view, which travels with the report.
    parents_view = EncryptedTextField(_("the parents' view, in their words"), blank=True)
    # Flanders: the parents may object; what they objected to, and the parts left out for it
    # (section codes of transfer.report.SECTIONS).
    objection = EncryptedTextField(_("the parents' objection"), blank=True)
    left_out = models.JSONField(default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)  # optimistic locking (hechtwijzer.locking)

    class Meta:
        verbose_name = _("transfer report")
        verbose_name_plural = _("transfer reports")

    def __str__(self) -> str:
        return f"transfer of pupil {self.pupil_id}"


class ItemKind(models.TextChoices):
    SAFEGUARDING = "safeguarding", _("safeguarding concern")
    FACTOR = "factor", _("risk or protective factor")
    OBSERVATION = "observation", _("observation note")


class IncludedItem(models.Model):
    """One item the care coordinator deliberately included after weighing it, with the reason."""

    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=16, choices=ItemKind.choices)
    source_uid = models.UUIDField()  # the concern's, factor's or observation's uid
    reason = EncryptedTextField(_("why it travels"))
    included_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    included_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["included_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["transfer", "kind", "source_uid"], name="transfer_item_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_uid}"


class ReceivedStatus(models.TextChoices):
    PENDING = "pending", _("waiting for the care coordinator")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")


class ReceivedPlan(models.Model):
    """A transfer report imported at the receiving school: read-only history of the pupil's
    support at the previous school (never a live focus card)."""

    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="received_plans")
    # The export's own id: the same report is received once per school.
    transfer_id = models.UUIDField()
    sending_school = models.CharField(_("previous school"), max_length=200)
    sending_country = models.CharField(max_length=2)
    exported_on = models.DateField(_("made on"))
    format_version = models.PositiveSmallIntegerField()
    # The report as received (validated, transfer.schema), JSON, encrypted at rest.
    content_json = EncryptedTextField()
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReceivedStatus.choices,
        default=ReceivedStatus.PENDING,
    )
    received_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("received plan")
        verbose_name_plural = _("received plans")
        ordering = ["-exported_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "transfer_id"], name="received_once_per_school"
            )
        ]

    def __str__(self) -> str:
        return f"received plan {self.uid}"

    @property
    def content(self) -> dict:
        return json.loads(self.content_json)
