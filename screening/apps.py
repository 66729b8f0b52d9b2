from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate

from screening.booking.guards import install_booking_guards


def reinstall_booking_guards(sender, using, **kwargs) -> None:
    """Migrations that rebuild a SQLite table drop its triggers: put them back."""
    install_booking_guards(connections[using])


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = "Screening"

    def ready(self) -> None:
        from screening import checks  # noqa: F401 (registers the start-up checks)

        post_migrate.connect(
            reinstall_booking_guards, sender=self, dispatch_uid="screening.reinstall_booking_guards"
        )
