"""Personal API tokens: what a script or another system sends as `Authorization: Bearer …`.

A token is `hw_<prefix>_<secret>`. Only the prefix (to find the row) and the SHA-256 of the whole
token are stored; the token itself is shown once, when it is made. A token belongs to one user,
acts with exactly that user's access (hechtwijzer.access), reads only or also writes, and
expires (at most `MAX_DAYS` after it was made). A revoked or expired token stays in its owner's
list for a while; the daily retention run deletes it later (`tokens.purge_ended`).

The rate limit counts requests per token in the row itself (a fixed window), so several app
servers agree without a shared cache (README "Several app servers").
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_DAYS = 90
MAX_DAYS = 365


class Scope(models.TextChoices):
    READ = "read", _("read only")
    WRITE = "write", _("read and write")


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)  # SHA-256 of the whole token, hex
    scope = models.CharField(_("access"), max_length=10, choices=Scope.choices)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # The rate limit's fixed window: when the current one started and how many requests it saw.
    window_start = models.DateTimeField(null=True, blank=True)
    window_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"API token {self.prefix} of user {self.user_id}"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def may_write(self) -> bool:
        return self.scope == Scope.WRITE
