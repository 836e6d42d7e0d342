from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParentsConfig(AppConfig):
    name = "hechtwijzer.parents"
    verbose_name = _("Parents")

    def ready(self) -> None:
        # The parents' printout is a kind of read link, and the consent a section of the
        # focus card page: both registries sit below this app (readlinks, plans).
        from hechtwijzer.plans import panels
        from hechtwijzer.readlinks import kinds

        from . import printout, sections

        kinds.register(printout.KIND)
        panels.register(sections.consent_panel)
