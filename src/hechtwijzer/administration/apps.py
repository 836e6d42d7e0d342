from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdministrationConfig(AppConfig):
    """Running a school in Hechtwijzer: groups, staff, pupils' administrative records and who
    else may work with a pupil. The records themselves are `schools`' models; this app changes
    them, through domain functions that ask the access policy, and holds their pages."""

    name = "hechtwijzer.administration"
    verbose_name = _("School administration")
