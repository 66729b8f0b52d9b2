"""Issue a two-factor setup code from the command line: for the first administrator, who has
nobody to issue one (recorded as done from the command line)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from accounts.two_factor import has_confirmed_device, setup_code_issue, two_factor_reset


class Command(BaseCommand):
    help = "Print a one-time code for setting up a login's authenticator app."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--reset", action="store_true", help="remove the login's authenticator apps first"
        )

    def handle(self, *args, username: str, reset: bool, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No login is called {username!r}.")
        if has_confirmed_device(user=user) and not reset:
            raise CommandError(f"{username} already has an authenticator app: add --reset.")
        row, code = (two_factor_reset if reset else setup_code_issue)(user=user, by=None)
        until = timezone.localtime(row.expires)
        self.stdout.write(f"{code} (works once, until {until:%d %B %Y %H:%M})")
