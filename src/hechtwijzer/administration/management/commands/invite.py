"""`hechtwijzer invite USERNAME [--base-url URL]`: the operator's invitation link for an account.

For the operator's own first account, a school administrator who lost theirs, or an account
whose mail did not arrive. Prints the link once (only its hash is stored); an account that has a
password loses it now, as with the school administrator's reset. Audit entries as for the
administrator's invitation (`invitation.create`, `staff.password_reset`), with no actor.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hechtwijzer.administration import invitations


class Command(BaseCommand):
    help = "Print a single-use link with which the account's owner chooses a password."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--base-url",
            default=None,
            help="the address in front of the link (default: the BASE_URL setting)",
        )

    def handle(self, *args, username: str, base_url: str | None, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no account with username {username!r}")
        if not user.is_active:
            raise CommandError(f"the account {username!r} is switched off; switch it on first")
        base = settings.BASE_URL if base_url is None else base_url.rstrip("/")
        issued = invitations.operator_invite(user=user, base_url=base)
        until = timezone.localtime(issued.invitation.expires_at).strftime("%Y-%m-%d %H:%M")
        self.stdout.write(issued.link)
        self.stdout.write(f"works once, until {until}; give it to {username} only")
        if not base:
            self.stderr.write("BASE_URL is not set: put the site's address in front of the path")
