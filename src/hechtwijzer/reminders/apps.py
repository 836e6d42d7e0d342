from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "hechtwijzer.reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        from . import kinds  # noqa: F401  (registers the reminder kinds)
