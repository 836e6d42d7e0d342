"""A referral to a care partner (verwijzing / aanmelding): who it goes to, the question, what
the summary includes, the parents' consent, and how it went.

What leaves the school is the referral summary (`summary.py`), a PDF made from the plan, the
evaluation figures and the observations the coordinator or teacher chose; the named
professional reads it through a time-limited read link (`readlinks`, kind
"referral_summary"). The safeguarding record is never in it unless the care coordinator
includes it with a written reason, and it does not leave the school before the parents'
consent is recorded, unless the care coordinator records why the Meldcode (NL) or the Flemish
route allows otherwise. Names, the question, the reasons and the answer are encrypted.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hechtwijzer.fields import EncryptedTextField
from hechtwijzer.schools.models import Pupil

from .partners import PARTNERS


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    SENT = "sent", _("sent")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed")


class ReferralConsent(models.TextChoices):
    NOT_ASKED = "not_asked", _("not asked yet")
    GIVEN = "given", _("consent given")
    NOT_GIVEN = "not_given", _("consent not given")


class Referral(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="referrals")
    partner = models.CharField(
        _("care partner"), max_length=32, choices=[(p.code, p.label) for p in PARTNERS]
    )
    professional = EncryptedTextField(_("named professional"))
    organisation = EncryptedTextField(_("organisation"), blank=True)
    question = EncryptedTextField(_("the question"))
    # The evaluation whose decision chose referral options from the knowledge base, if any:
    # shown beside the referral as background.
    evaluation = models.ForeignKey(
        "plans.Evaluation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evaluation"),
    )
    # What the summary includes. Observations only as chosen (none by default).
    observations = models.ManyToManyField(
        "observations.Observation", related_name="+", blank=True, verbose_name=_("observations")
    )
    include_notes = models.BooleanField(
        _("with the notes of the chosen observations"), default=False
    )
    include_plan = models.BooleanField(_("with the plan"), default=True)
    include_figures = models.BooleanField(_("with the evaluation figures"), default=True)
    include_safeguarding = models.BooleanField(_("with the safeguarding record"), default=False)
    safeguarding_reason = EncryptedTextField(
        _("why the safeguarding record is included"), blank=True
    )
    safeguarding_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The parents' consent to the referral, recorded before the summary leaves the school.
    consent = models.CharField(
        _("parents' consent"),
        max_length=16,
        choices=ReferralConsent.choices,
        default=ReferralConsent.NOT_ASKED,
    )
    consent_on = models.DateField(_("date of the consent"), null=True, blank=True)
    consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Sent without consent where the Meldcode or the Flemish route allows it.
    consent_exception = models.BooleanField(_("without the parents' consent"), default=False)
    consent_exception_reason = EncryptedTextField(
        _("why it goes without the parents' consent"), blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The read link of the last sending (revoked or expired links stay on the link's record).
    link = models.ForeignKey(
        "readlinks.ReadLink", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer = EncryptedTextField(_("the answer, in short"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)  # optimistic locking

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "sent_on"])]

    def __str__(self) -> str:
        return f"referral {self.uid} ({self.partner}, {self.status})"

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def may_leave_school(self) -> bool:
        """Whether the summary may leave the school: the parents consented, or the care
        coordinator recorded why the route allows otherwise."""
        return self.consent == ReferralConsent.GIVEN or self.consent_exception
