"""Working with the parents: parent conversations (oudergesprekken) and the parents' view and
consent on each version of the focus card.

The attachment relationship is the parents'; the school talks with them, writes down what was
agreed, and asks their consent for the plan (in the Netherlands the OPP's action part needs
it; in Flanders consent matters for a referral to CLB-related care). Every free text here is
about a child and a family, so it is encrypted at rest. Who attended is free text (names and
roles): parents have no accounts.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hechtwijzer.fields import EncryptedTextField
from hechtwijzer.schools.models import Pupil


class ParentConversation(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="parent_conversations")
    held_on = models.DateField(_("date of the conversation"))
    attendees = EncryptedTextField(_("who attended"))
    at_home = EncryptedTextField(_("what the parents see at home"), blank=True)
    agreements = EncryptedTextField(_("what was agreed"), blank=True)
    # Optional: the focus-card version the conversation was about.
    card = models.ForeignKey(
        "plans.FocusCard",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="parent_conversations",
        verbose_name=_("focus card version"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)  # optimistic locking (hechtwijzer.locking)

    class Meta:
        verbose_name = _("parent conversation")
        verbose_name_plural = _("parent conversations")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"parent conversation {self.pk} of pupil {self.pupil_id}"


class Consent(models.TextChoices):
    NOT_ASKED = "not_asked", _("not asked yet")
    GIVEN = "given", _("consent given")
    NOT_GIVEN = "not_given", _("consent not given")


class PlanConsent(models.Model):
    """The parents' view and consent on one version of the focus card."""

    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    card = models.OneToOneField(
        "plans.FocusCard", on_delete=models.CASCADE, related_name="parent_consent"
    )
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="plan_consents")
    status = models.CharField(
        _("consent"), max_length=16, choices=Consent.choices, default=Consent.NOT_ASKED
    )
    decided_on = models.DateField(_("date"), null=True, blank=True)
    parents_view = EncryptedTextField(_("the parents' view, in their words"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("parents' consent on the plan")
        verbose_name_plural = _("parents' consent on the plan")

    def __str__(self) -> str:
        return f"consent on card {self.card_id}: {self.status}"
