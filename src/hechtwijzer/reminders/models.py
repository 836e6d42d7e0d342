"""What the reminders remember: who switched which kind off, and which reminders were sent.

`SentReminder` makes `hechtwijzer daily` idempotent: a reminder is one row per (user, kind,
key), where the key says what it was about (a focus card's uid and its evaluation date, or a
school and an ISO week for the weekly digest), so running the command twice, or twice at once,
sends it once. The rows name no pupil: a card's uid, never a name. The daily retention run
deletes the rows that can no longer matter (`sending.purge_sent`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderOptOut(models.Model):
    """The user does not want reminders of this kind (`kinds.KINDS`). No row: they do."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_opt_outs"
    )
    kind = models.CharField(_("kind of reminder"), max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder switched off")
        verbose_name_plural = _("reminders switched off")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_opt_out_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} switched off {self.kind}"


class SentReminder(models.Model):
    """One reminder that went out (or, for a bundled mail, one of its items)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_reminders"
    )
    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=100)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key"], name="one_reminder_per_key")
        ]
        indexes = [models.Index(fields=["kind", "key"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} to {self.user_id}"
