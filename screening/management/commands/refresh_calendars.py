"""Load the calendars practitioners asked to import, and reload imported calendar
addresses that are due (what the background worker does, by hand)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from screening.calendars.loading import calendar_imports_load_requested, calendar_imports_refresh


class Command(BaseCommand):
    help = (
        "Load requested calendar imports, and reload imported calendar addresses last "
        "loaded more than a refresh interval ago."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--all",
            action="store_true",
            help="Reload every calendar address now, whenever it was last loaded.",
        )

    def handle(self, *args, **options) -> None:
        requested = calendar_imports_load_requested()
        self.stdout.write(
            f"Requested imports loaded: {requested.loaded}; failed: {requested.failed}."
        )
        due_before = timezone.now() + dt.timedelta(seconds=1) if options["all"] else None
        result = calendar_imports_refresh(due_before=due_before)
        self.stdout.write(
            f"Calendars refreshed: {result.refreshed}; failed (last good copy kept): "
            f"{result.failed}."
        )
