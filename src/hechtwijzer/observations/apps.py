from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservationsConfig(AppConfig):
    name = "hechtwijzer.observations"
    verbose_name = _("Observations")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the start-up checks)
