from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BehaviourConfig(AppConfig):
    name = "hechtwijzer.behaviour"
    verbose_name = _("Behaviour card and day programme")
