"""Reload practitioners' imported calendar addresses that are due (run by the worker)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from screening.calendars.imports import calendar_imports_refresh


class Command(BaseCommand):
    help = "Reload imported calendar addresses last loaded more than a refresh interval ago."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--all",
            action="store_true",
            help="Reload every calendar address now, whenever it was last loaded.",
        )

    def handle(self, *args, **options) -> None:
        due_before = timezone.now() + dt.timedelta(seconds=1) if options["all"] else None
        result = calendar_imports_refresh(due_before=due_before)
        self.stdout.write(
            f"Calendars refreshed: {result.refreshed}; failed (last good copy kept): "
            f"{result.failed}."
        )
