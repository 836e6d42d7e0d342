from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hechtwijzer.accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import middleware  # noqa: F401  (connects the log-in signal receiver)
