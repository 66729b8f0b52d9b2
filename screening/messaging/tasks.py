"""Celery tasks of the texts (used when CELERY_BROKER_URL is set; config/celery.py
schedules them). The name is the one beat and running workers already know."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from screening.messaging.dispatch import messages_dispatch_due


@shared_task(name="screening.dispatch_due_messages", ignore_result=True)
def dispatch_due_messages() -> dict[str, int]:
    """Send every text that is due; any number of workers may run this at once."""
    return asdict(messages_dispatch_due())
