"""What every outbox table shares: claiming due rows for one worker, recording an outcome
only while that worker still holds the claim, retry delays, worker identity, and kicking a
Celery task.

A claim flips rows to `sending` with the worker's name and time in one short
transaction: `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, so workers never wait
for each other nor take the same row; SQLite's IMMEDIATE transactions serialise the
claims instead (docs/decisions/0004-sms-outbox.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import socket
import threading
import uuid
from collections.abc import Iterator

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone

logger = logging.getLogger(__name__)

PLANNED, SENDING, SENT, FAILED = "planned", "sending", "sent", "failed"


def new_owner() -> str:
    """A name for one worker (host, process, thread and a random part), unique enough that
    two workers never hold the same claim."""
    return (
        f"{socket.gethostname()[:30]}:{os.getpid()}:{threading.get_ident() % 10**6}:"
        + (uuid.uuid4().hex[:8])
    )


def claim_rows(
    model: type[models.Model],
    *,
    owner: str,
    size: int,
    where: Q,
    order_by: tuple[str, ...],
    count_attempt: bool = True,
    also: dict | None = None,
) -> list[int]:
    """Flip up to `size` rows of `model` matching `where` to `sending` for `owner`,
    skipping rows another worker holds; the attempt is counted before anything is sent.
    `also` names further columns to set on the claimed rows. Returns the ids claimed."""
    now = timezone.now()
    with transaction.atomic():
        qs = model.objects.filter(where).order_by(*order_by)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        ids = list(qs.values_list("pk", flat=True)[:size])
        if ids:
            extra = {"attempts": F("attempts") + 1} if count_attempt else {}
            model.objects.filter(pk__in=ids).update(
                status=SENDING, claim_owner=owner, claimed_at=now, **extra, **(also or {})
            )
    return ids


def finish_claimed(model: type[models.Model], pk: int, owner: str, **values) -> bool:
    """Record an outcome only if `owner` still holds the row's claim (another worker may
    have taken it over after the lease ran out). Releases the claim."""
    values.setdefault("claim_owner", "")
    done = model.objects.filter(pk=pk, status=SENDING, claim_owner=owner).update(**values)
    return bool(done)


def retry_delay(attempts: int, *, first_seconds: int, cap_seconds: int = 3600) -> dt.timedelta:
    """Exponential backoff (first, 2x, 4x, ... up to the cap) with jitter, so rows that
    failed together do not all come back at the same moment."""
    delay = min(cap_seconds, first_seconds * 2 ** max(0, attempts - 1))
    return dt.timedelta(seconds=delay * random.uniform(0.5, 1.0))


def claim_due_batches(
    model: type[models.Model],
    *,
    owner: str,
    size: int,
    lease_seconds: int,
    max_batches: int | None = None,
) -> Iterator[list[int]]:
    """Claim batch after batch of due rows for `owner` (oldest due first) until none is
    due, or `max_batches`: planned rows whose time has come, and rows a worker claimed but
    left past its lease (it stopped). Yields each batch's ids."""
    batches = 0
    while max_batches is None or batches < max_batches:
        now = timezone.now()
        abandoned = now - dt.timedelta(seconds=lease_seconds)
        due = Q(status=PLANNED, next_attempt_at__lte=now) | Q(
            status=SENDING, claimed_at__lt=abandoned
        )
        ids = claim_rows(
            model, owner=owner, size=size, where=due, order_by=("next_attempt_at", "id")
        )
        if not ids:
            return
        batches += 1
        yield ids


def retry_later(
    model: type[models.Model], pk: int, owner: str, *, attempts: int, first_seconds: int, error: str
) -> bool:
    """Give a claimed row back as planned, due again after a growing delay (retry_delay),
    if `owner` still holds it."""
    later = timezone.now() + retry_delay(attempts, first_seconds=first_seconds)
    return finish_claimed(model, pk, owner, status=PLANNED, next_attempt_at=later, last_error=error)


def kick(task) -> None:
    """Ask a Celery worker to run `task` (a Celery task) now. Without a broker the embedded
    worker finds the rows within its interval; a broker that is down only delays them
    (beat queues the task on its schedule)."""
    if not settings.CELERY_BROKER_URL:
        return
    try:
        task.apply_async(retry=False)
    except Exception:
        logger.warning("could not reach the Celery broker to queue %s", task.name, exc_info=True)
