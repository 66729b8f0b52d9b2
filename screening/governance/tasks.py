"""Celery task of governance (used when CELERY_BROKER_URL is set; config/celery.py schedules
it once a day)."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from screening.governance.disposal import retention_daily


@shared_task(name="screening.retention_daily", ignore_result=True)
def retention_daily_task() -> dict[str, int]:
    """The daily retention job: clear old texts' bodies, propose what is due for approval."""
    return asdict(retention_daily())
