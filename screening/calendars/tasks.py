"""Celery tasks of the calendars (used when CELERY_BROKER_URL is set; config/celery.py
schedules them). The names are the ones beat and running workers already know."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from screening.calendars.invites import invites_send_due
from screening.calendars.loading import calendar_imports_load_requested, calendar_imports_refresh

# A backstop only: each calendar's download and reading have limits of their own.
CALENDAR_TASK_SECONDS = 600
CALENDAR_TASK = {
    "ignore_result": True,
    "time_limit": CALENDAR_TASK_SECONDS,
    "soft_time_limit": CALENDAR_TASK_SECONDS - 30,
}


@shared_task(name="screening.refresh_calendars", **CALENDAR_TASK)
def refresh_calendars() -> dict[str, int]:
    """Reload the imported calendar addresses that are due (each at most once an interval)."""
    return asdict(calendar_imports_refresh())


@shared_task(name="screening.load_requested_calendars", **CALENDAR_TASK)
def load_requested_calendars() -> dict[str, int]:
    """Load the calendar addresses and files practitioners asked for, each read in a child
    process with its own time and memory limits; any number of workers may run this."""
    return asdict(calendar_imports_load_requested())


@shared_task(name="screening.send_due_invites", ignore_result=True)
def send_due_invites() -> dict[str, int]:
    """Email every calendar invite that is due; any number of workers may run this at once."""
    return asdict(invites_send_due())
