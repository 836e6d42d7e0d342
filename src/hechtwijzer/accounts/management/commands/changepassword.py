"""`hechtwijzer changepassword USERNAME`: Django's command (the operator sets a staff member's
password at the console), with the audit entry `auth.password_reset` it lacks.

The entry is written right after Django's command saved the password, not in one transaction
with it: the command asks for the password at the console, and a transaction held open while
someone types would hold SQLite's write lock for everyone.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import changepassword

from hechtwijzer.audit.models import record


class Command(changepassword.Command):
    help = "Set a staff member's password at the console (audited as auth.password_reset)."

    def handle(self, *args, **options):
        result = super().handle(*args, **options)
        user_model = get_user_model()
        user = user_model._default_manager.using(options["database"]).get(
            **{user_model.USERNAME_FIELD: options["username"] or self._current_os_user()}
        )
        record(
            action="auth.password_reset",
            object_type="user",
            object_id=user.pk,
            details={"username": user.get_username(), "by": "operator (changepassword)"},
        )
        return result

    @staticmethod
    def _current_os_user() -> str:
        import getpass

        return getpass.getuser()
