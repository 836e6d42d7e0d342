"""Read links (leeslinks): one document about a pupil for someone without an account.

A link is a random token of 256 bits, shown once to the staff member who made it and stored
only as its SHA-256, so a copy of the database opens nothing. It names the kind of document
(`kinds.py`: the parents' printout; later the referral summary), the object it shows (a uid
and codes in `options`, never free text), the pupil, who made it and for whom (a label such as
"ouders van Eline"; no account), and when it stops working: at `expires_at` (14 days by
default, 30 at most) or when someone revokes it. Erasing the pupil deletes the pupil's links.
"""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hechtwijzer.fields import EncryptedTextField
from hechtwijzer.schools.models import Pupil


def token_hash(token: str) -> str:
    """What the database keeps of a token. The token is 256 random bits, so a plain SHA-256
    suffices (a slow hash protects guessable secrets such as passwords)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ReadLinkQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ReadLink(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    kind = models.CharField(_("kind of document"), max_length=32)
    # The object the document is made from (e.g. the focus-card version), by uid, and the
    # choices made when the link was made (codes and uids only, never free text).
    target = models.CharField(max_length=64)
    options = models.JSONField(default=dict, blank=True)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="read_links")
    # For whom: "ouders van Eline", "jeugdarts mw. De Vries". A name, so encrypted.
    recipient = EncryptedTextField(_("for whom"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("works until"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    views = models.PositiveIntegerField(default=0)
    last_viewed_at = models.DateTimeField(null=True, blank=True)

    objects = ReadLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("read link")
        verbose_name_plural = _("read links")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["pupil", "revoked_at", "expires_at"])]

    def __str__(self) -> str:
        return f"read link {self.uid} ({self.kind})"

    def is_active(self, now=None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())
