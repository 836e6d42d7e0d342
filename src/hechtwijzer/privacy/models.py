"""Retention settings per school and legal holds per pupil.

Retention (see `hechtwijzer.privacy.retention`): a pupil who left the school is archived (only
the care coordinator and the school administrator still reach the record); once the school's
retention period after the leaving date has passed, `hechtwijzer retention` erases everything
about the pupil. The period is `RetentionPolicy.days_after_leaving`, or when the school has not
set one, the country default (`DEFAULT_DAYS`).

A `RetentionHold` keeps a pupil's data past the retention period: for a Flemish school, a
decision about the pupil that is contested (a complaint or appeal against an attestation,
an orientation or a refusal); anywhere, a legal claim, an inspection or a request of the
authorities. While a pupil has a hold, neither the daily command nor "erase now" deletes
anything. The reason is free text about the pupil, so it is encrypted at rest.
"""

import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hechtwijzer.fields import EncryptedTextField
from hechtwijzer.schools.models import Country, Pupil, School

# Days after the leaving date. NL: two years, the common practice for the pupil file
# (leerlingdossier). BE: as soon as the pupil has left, unless a decision about the pupil is
# contested (a hold). Each school can set its own period.
DEFAULT_DAYS = {Country.NL: 730, Country.BE: 0}
MAX_DAYS = 20 * 366


class RetentionPolicy(models.Model):
    school = models.OneToOneField(
        School, on_delete=models.CASCADE, related_name="retention_policy", verbose_name=_("school")
    )
    days_after_leaving = models.PositiveIntegerField(
        _("keep for (days after leaving)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_DAYS)],
        help_text=_(
            "Leave empty for the country default: 730 days (two years) in the Netherlands, "
            "0 days in Flanders."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")

    def __str__(self) -> str:
        return str(self.school)

    @property
    def effective_days(self) -> int:
        if self.days_after_leaving is not None:
            return self.days_after_leaving
        return DEFAULT_DAYS.get(self.school.country, DEFAULT_DAYS[Country.NL])


class RetentionHold(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="retention_holds", verbose_name=_("pupil")
    )
    reason = EncryptedTextField(
        _("reason"),
        help_text=_("For example: the parents contest the orientation decision (appeal)."),
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hold on deletion")
        verbose_name_plural = _("holds on deletion")
        ordering = ["-placed_at"]

    def __str__(self) -> str:
        return f"hold {self.uid}"


# --- the access export: what it includes -------------------------------------------------------

# An approval is good for this long, and for one download of each format.
APPROVAL_DAYS = 14


class SafeguardingChoice(models.TextChoices):
    """The care coordinator's decision on the safeguarding record in one access export."""

    NOTHING = "nothing", _("there is no safeguarding record to weigh")
    INCLUDE = "include", _("included after weighing")
    WITHHOLD = "withhold", _("withheld after weighing")


class ExportApproval(models.Model):
    """A care coordinator's decision on what one access export of a pupil includes.

    Without one, an access export holds the pupil record only (privacy/export.py, PARTS). The
    care record is included when `include_care` is set; the safeguarding record only when the
    coordinator included it after weighing it, with a reason (a reason is also required to
    withhold it: the Meldcode allows withholding what would endanger the child). Usable by the
    coordinators and administrators of the pupil's school until `expires_at`, once per format
    (the printable page, the JSON download). Never part of the export itself: it is the school's
    internal decision; who approved and who used it is on the audit trail.
    """

    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="export_approvals", verbose_name=_("pupil")
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    include_care = models.BooleanField(_("include the care record"), default=False)
    safeguarding = models.CharField(
        _("safeguarding record"), max_length=10, choices=SafeguardingChoice.choices
    )
    safeguarding_reason = EncryptedTextField(_("why"), blank=True)
    page_used_at = models.DateTimeField(null=True, blank=True)
    json_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("approval of an access export")
        verbose_name_plural = _("approvals of access exports")
        ordering = ["-approved_at"]

    def __str__(self) -> str:
        return f"export approval {self.uid}"

    @property
    def include_safeguarding(self) -> bool:
        return self.safeguarding == SafeguardingChoice.INCLUDE

    def used_at(self, fmt: str) -> datetime.datetime | None:
        return self.page_used_at if fmt == "html" else self.json_used_at

    def usable(self, fmt: str, now: datetime.datetime | None = None) -> bool:
        return self.used_at(fmt) is None and (now or timezone.now()) < self.expires_at


class EncryptionKey(models.Model):
    """A key id that stored notes use, with its check value (`crypto.Keyring.check_value`: an
    HMAC of a fixed label under the key, never the key). Written when a key is first used to
    encrypt, at `migrate` and at rotation (`privacy/keys.py`); every server's start-up check
    verifies that it holds each key still in use and that each matches (hw.E203, hw.E204).
    `retired_at` is set once `hechtwijzer reencrypt` has left no value under the key."""

    key_id = models.CharField(max_length=64, unique=True)
    check_value = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"encryption key {self.key_id}"


class PendingWalRemoval(models.Model):
    """An erasure that is committed, but whose old pages could not yet be cleared from SQLite's
    write-ahead log (a reader held the log). The next `hechtwijzer retention` or erasure
    retries the checkpoint and reports it (`actions.complete_wal_removals`). Holds the pupil's
    public id only, as the audit trail does."""

    public_id = models.CharField(max_length=32)
    erased_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=200)
    attempts = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["erased_at", "pk"]

    def __str__(self) -> str:
        return f"pending removal from the write-ahead log: {self.public_id}"
