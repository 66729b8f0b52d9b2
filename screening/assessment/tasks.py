"""Celery tasks of the assessment context (used when CELERY_BROKER_URL is set;
config/celery.py schedules them)."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from screening.assessment.alert_emails import alert_emails_send_due
from screening.assessment.plans import plan_actions_notify_overdue
from screening.assessment.work_emails import work_emails_send_due


@shared_task(name="screening.send_due_alert_emails", ignore_result=True)
def send_due_alert_emails() -> dict[str, int]:
    """Send every urgent-alert email that is due; any number of workers may run this."""
    return asdict(alert_emails_send_due())


@shared_task(name="screening.send_due_work_emails", ignore_result=True)
def send_due_work_emails() -> dict[str, int]:
    """Send every work-list email that is due; any number of workers may run this."""
    return asdict(work_emails_send_due())


@shared_task(name="screening.notify_overdue_plan_actions", ignore_result=True)
def notify_overdue_plan_actions() -> dict[str, int]:
    """The daily job: email the owners of plan actions that became overdue (once each)."""
    return asdict(plan_actions_notify_overdue())
