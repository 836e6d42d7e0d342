from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "hechtwijzer.api"
    verbose_name = _("REST API")

    def ready(self):
        from hechtwijzer.privacy.retention import register_purge

        from .tokens import purge_ended

        # The daily retention run deletes tokens that ended long ago (tokens.KEEP_ENDED). A
        # token ends at an instant, so the purge measures from now, not from the run's day.
        register_purge("api_tokens", lambda _today: purge_ended())
