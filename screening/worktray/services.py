"""Admin tasks: what a YOT admin must do by hand, opened by messaging, calendars and alerts."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from screening.models import (
    AdminTask,
    Case,
    InboundMessage,
    Message,
    MessagePurpose,
    MessageStatus,
    Visit,
)
from screening.worktray import words

logger = logging.getLogger(__name__)

P = MessagePurpose
S = MessageStatus


def admin_task_create(
    *,
    kind: str,
    text: str = "",
    wording: dict | None = None,
    visit: Visit | None = None,
    message: Message | None = None,
    inbound: InboundMessage | None = None,
    case: Case | None = None,
) -> AdminTask:
    """Open a task for the YOT admins, about the visit's case or the `case` given; one open
    task per (kind, message) at most. With `wording` (screening/worktray/words.py's `said`)
    its text is that wording in English, and the pages word it in the reader's language."""
    if wording is not None:
        text = words.english(wording)
    if message is not None:
        open_task = AdminTask.objects.filter(kind=kind, message=message, done_at=None).first()
        if open_task is not None:
            return open_task
    return AdminTask.objects.create(
        kind=kind,
        text=text,
        wording=wording or {},
        visit=visit,
        case_id=visit.case_id if visit is not None else (case.pk if case is not None else None),
        message=message,
        inbound=inbound,
    )


@transaction.atomic
def admin_task_done(*, task: AdminTask, by: User) -> AdminTask:
    """Mark a task done (once: a second call keeps the first time and person)."""
    task = AdminTask.objects.select_for_update().get(pk=task.pk)
    if task.done_at is None:
        task.done_at, task.done_by = timezone.now(), by
        task.save(update_fields=["done_at", "done_by"])
    return task
