from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "hechtwijzer.reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        from hechtwijzer.privacy.retention import register_purge

        from . import kinds  # noqa: F401  (registers the reminder kinds)
        from .sending import purge_sent

        # The daily retention run deletes the rows of reminders that can no longer recur.
        register_purge("sent_reminders", purge_sent)
