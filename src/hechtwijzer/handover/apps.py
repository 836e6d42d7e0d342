from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoverConfig(AppConfig):
    name = "hechtwijzer.handover"
    verbose_name = _("Warm handover")
