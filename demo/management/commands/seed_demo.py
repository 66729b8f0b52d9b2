"""Load the fictional demo YOT (refuses to run with a real SMS provider)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import seed as demo


class Command(BaseCommand):
    help = "Build a fictional YOT for the demo; running it again changes nothing."

    def handle(self, *args, **options) -> None:
        try:
            result = demo.build(log=lambda line: self.stdout.write(line))
        except demo.DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        if result.created:
            self.stdout.write(self.style.SUCCESS("Demo data created."))
            for name, count in result.counts.items():
                self.stdout.write(f"  {name}: {count}")
        else:
            self.stdout.write("Demo data already present; nothing changed.")
        self.stdout.write(
            f"Sign in at {settings.PUBLIC_BASE_URL}/sign-in/ (or get an API token); password "
            f"for every demo login: {demo.DEMO_PASSWORD}"
        )
        for role, username in result.logins:
            self.stdout.write(f"  {role:<46} {username}")
