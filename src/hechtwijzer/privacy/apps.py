from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

KEY_SETTINGS = {"ENCRYPTION_KEYS", "ENCRYPTION_KEYS_FILE", "DATA_DIR", "PRODUCTION"}


def _recheck_keys(**kwargs) -> None:
    from hechtwijzer import crypto

    crypto.recheck_before_next_write()


def _keys_setting_changed(setting, **kwargs) -> None:
    if setting in KEY_SETTINGS:
        from hechtwijzer import crypto

        crypto.forget_keyring()


def _record_keys(sender, using, **kwargs) -> None:
    from . import keys

    keys.record_on_migrate(using=using)


class PrivacyConfig(AppConfig):
    name = "hechtwijzer.privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from django.core.signals import request_started, setting_changed
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from hechtwijzer import crypto

        from . import (
            checks,  # noqa: F401  (registers the start-up checks)
            keys,
        )
        from .files import private_database_files

        # Check values of the encryption keys: written before the first encryption of each
        # request (and followed when another process rotated), and after `migrate`.
        crypto.set_write_guard(keys.before_write)
        request_started.connect(_recheck_keys, dispatch_uid="hechtwijzer.privacy.keys")
        post_migrate.connect(_record_keys, sender=self, dispatch_uid="hechtwijzer.privacy.keys")
        setting_changed.connect(_keys_setting_changed, dispatch_uid="hechtwijzer.privacy.keys")
        connection_created.connect(private_database_files, dispatch_uid="hechtwijzer.privacy.files")
