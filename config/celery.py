"""The Celery app for deployments beyond one machine (CELERY_BROKER_URL, e.g. Redis).

    celery -A config.celery worker --loglevel=INFO
    celery -A config.celery beat --loglevel=INFO

Beat puts `screening.dispatch_due_messages` on the queue every
SMS_DISPATCH_INTERVAL_SECONDS, and `screening.send_due_invites` (calendar invite emails)
`screening.send_due_alert_emails` (urgent-alert emails) and `screening.send_due_work_emails`
(work-list emails) on the same interval (the
outboxes' row claims make any number of workers safe),
`screening.load_requested_calendars` on the same interval too (the calendars practitioners
asked to import; also queued the moment one is asked for), and `screening.refresh_calendars`
every few minutes (it reloads only the imported calendar addresses last loaded more than
CALENDAR_IMPORT_REFRESH_MINUTES ago); `screening.notify_overdue_plan_actions` once a day
(owners of plan actions that became overdue are emailed, once each); `screening.retention_daily`
once a day (texts' bodies past MESSAGE_BODY_RETENTION_DAYS cleared, the cases due under the
retention schedule put up for a YOT manager's approval).
"""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# How often to look for imported calendars that are due; each is reloaded once an interval.
CALENDAR_CHECK_SECONDS = 300

app = Celery("yot_screening")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(
    ["screening.messaging", "screening.calendars", "screening.assessment", "screening.governance"]
)


@app.on_after_finalize.connect
def schedule_dispatch(sender: Celery, **kwargs) -> None:
    sender.add_periodic_task(
        float(settings.SMS_DISPATCH_INTERVAL_SECONDS),
        sender.signature("screening.dispatch_due_messages"),
        name="dispatch due text messages",
    )
    sender.add_periodic_task(
        float(settings.SMS_DISPATCH_INTERVAL_SECONDS),
        sender.signature("screening.send_due_invites"),
        name="send due calendar invites",
    )
    sender.add_periodic_task(
        float(settings.SMS_DISPATCH_INTERVAL_SECONDS),
        sender.signature("screening.send_due_alert_emails"),
        name="send due urgent alert emails",
    )
    sender.add_periodic_task(
        float(settings.SMS_DISPATCH_INTERVAL_SECONDS),
        sender.signature("screening.send_due_work_emails"),
        name="send due work list emails",
    )
    # Daily, early morning: owners of plan actions that became overdue are emailed once.
    sender.add_periodic_task(
        crontab(hour=6, minute=30),
        sender.signature("screening.notify_overdue_plan_actions"),
        name="email owners of overdue plan actions",
    )
    # Daily, early morning: texts' old bodies cleared; what the retention schedule makes due
    # is put up for a YOT manager's approval (nothing is disposed of without it).
    sender.add_periodic_task(
        crontab(hour=5, minute=45),
        sender.signature("screening.retention_daily"),
        name="retention: clear old texts, propose disposal",
    )
    sender.add_periodic_task(
        float(settings.SMS_DISPATCH_INTERVAL_SECONDS),
        sender.signature("screening.load_requested_calendars"),
        name="load requested calendar imports",
    )
    sender.add_periodic_task(
        float(CALENDAR_CHECK_SECONDS),
        sender.signature("screening.refresh_calendars"),
        name="refresh imported calendars",
    )
