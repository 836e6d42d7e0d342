from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "hechtwijzer.referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        # The referral summary is a kind of read link; the registry sits below this app.
        from hechtwijzer.readlinks import kinds

        from . import summary, worklist  # noqa: F401  (the work list registers itself)

        kinds.register(summary.KIND)
