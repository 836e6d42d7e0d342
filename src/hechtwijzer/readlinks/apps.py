from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadLinksConfig(AppConfig):
    name = "hechtwijzer.readlinks"
    verbose_name = _("Read links")
