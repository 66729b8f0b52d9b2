"""Celery tasks of the calendars (used when CELERY_BROKER_URL is set; config/celery.py
schedules them). The names are the ones beat and running workers already know."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from screening.calendars.imports import calendar_imports_refresh
from screening.calendars.invites import invites_send_due


@shared_task(name="screening.refresh_calendars", ignore_result=True)
def refresh_calendars() -> dict[str, int]:
    """Reload the imported calendar addresses that are due (each at most once an interval)."""
    return asdict(calendar_imports_refresh())


@shared_task(name="screening.send_due_invites", ignore_result=True)
def send_due_invites() -> dict[str, int]:
    """Email every calendar invite that is due; any number of workers may run this at once."""
    return asdict(invites_send_due())
