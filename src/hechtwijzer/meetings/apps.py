from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "hechtwijzer.meetings"
    verbose_name = _("Care-team meetings")
