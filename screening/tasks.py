"""Celery tasks (used when CELERY_BROKER_URL is set; config/celery.py schedules them)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="screening.dispatch_due_messages", ignore_result=True)
def dispatch_due_messages() -> dict[str, int]:
    """Send every text that is due; any number of workers may run this at once."""
    from dataclasses import asdict

    from screening.services.messages import messages_dispatch_due

    return asdict(messages_dispatch_due())


@shared_task(name="screening.refresh_calendars", ignore_result=True)
def refresh_calendars() -> dict[str, int]:
    """Reload the imported calendar addresses that are due (each at most once an interval)."""
    from dataclasses import asdict

    from screening.services.calendars import calendar_imports_refresh

    return asdict(calendar_imports_refresh())


@shared_task(name="screening.send_due_invites", ignore_result=True)
def send_due_invites() -> dict[str, int]:
    """Email every calendar invite that is due; any number of workers may run this at once."""
    from dataclasses import asdict

    from screening.services.invites import invites_send_due

    return asdict(invites_send_due())
