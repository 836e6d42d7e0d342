"""`hechtwijzer api-token create --user USERNAME [--scope read|write] [--days N] [--name NAME]`
and `hechtwijzer api-token revoke PREFIX`: personal API tokens at the console.

`create` prints what the token may do and until when, then the token alone on the last line
(for scripts: `tail -n 1`); it is shown this once, only its digest is kept. Audit entries as on
the user's own page (`api_token.create`, `api_token.revoke`), with no actor: the operator.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hechtwijzer.api import tokens
from hechtwijzer.api.models import DEFAULT_DAYS, MAX_DAYS, ApiToken, Scope


class Command(BaseCommand):
    help = "Make or revoke a personal API token (README, 'REST API')."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="make a token; prints it on the last line")
        create.add_argument("--user", required=True, help="the username the token acts as")
        create.add_argument("--scope", choices=Scope.values, default=Scope.READ)
        create.add_argument(
            "--days", type=int, default=DEFAULT_DAYS, help=f"valid for 1 to {MAX_DAYS} days"
        )
        create.add_argument("--name", default="console", help="what the token is for")
        revoke = actions.add_parser("revoke", help="stop a token at once")
        revoke.add_argument("prefix", help="the part after hw_ and before the next _")

    def handle(self, *args, action: str, **options):
        if action == "create":
            self.create(options["user"], options["scope"], options["days"], options["name"])
        else:
            self.revoke(options["prefix"])

    def create(self, username: str, scope: str, days: int, name: str) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no account with username {username!r}")
        try:
            token, plain = tokens.create_token(
                actor=None, user=user, name=name, scope=scope, days=days
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        until = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
        self.stdout.write(f"{scope} token for {username}, valid until {until}; shown only now:")
        self.stdout.write(plain)

    def revoke(self, prefix: str) -> None:
        token = ApiToken.objects.filter(prefix=prefix).first()
        if token is None:
            raise CommandError(f"no token with prefix {prefix!r}")
        tokens.revoke_token(actor=None, token=token)
        self.stdout.write(f"token {prefix} of {token.user.get_username()} revoked")
