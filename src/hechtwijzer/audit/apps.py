from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "hechtwijzer.audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from . import (
            append_only,  # noqa: F401  (the SQLite flush marker, see there)
            signals,  # noqa: F401  (connects the log-in/log-out receivers)
        )
