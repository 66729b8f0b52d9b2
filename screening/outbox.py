"""What every outbox table shares: claiming due rows for one worker, recording an outcome
only while that worker still holds the claim, retry delays, worker identity, kicking a
Celery task, and the one sending loop of the email outboxes (`EmailOutbox`).

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
from dataclasses import dataclass
from typing import Generic, TypeVar

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


@dataclass
class OutboxReport:
    """What one pass over an outbox did."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0


Row = TypeVar("Row", bound=models.Model)
Report = TypeVar("Report", bound=OutboxReport)


class EmailOutbox(Generic[Row, Report]):
    """One pass of an email outbox's sender for one worker (`owner`). `send_due` claims due
    rows batch by batch (claim_due_batches) and, for each, skips it if it must not go any
    more (`stale`), fails it at once when its recipient has no address, or emails it. A
    refused email is retried with growing delays (retry_later); after the last attempt
    the row fails together with its admin task. A subclass says what is particular to its
    outbox: the table, the settings, the report, how rows are loaded and emailed, and the
    admin task."""

    model: type[Row]
    # The settings read are <prefix>_BATCH_SIZE, _LEASE_SECONDS, _MAX_ATTEMPTS and
    # _RETRY_SECONDS, each when it is needed (tests change them).
    settings_prefix: str
    report_class: type[Report]
    no_address: str  # the error a row fails with when its recipient has no address

    def __init__(self, owner: str | None = None) -> None:
        self.owner = owner or new_owner()
        self.report = self.report_class()

    # --- what each outbox says ---

    def load(self, ids: list[int]) -> list[Row]:
        """The claimed rows, with everything sending them reads."""
        raise NotImplementedError

    def address(self, row: Row) -> str:
        """The recipient's address as it is now ("" when none is recorded)."""
        raise NotImplementedError

    def send(self, row: Row, address: str, now: dt.datetime) -> None:
        """Email the row to `address`; raises when the mail server did not take it."""
        raise NotImplementedError

    def refused(self, row: Row, address: str, exc: Exception) -> None:
        """Log a refused send (it will be retried or failed)."""
        raise NotImplementedError

    def open_failed_task(self, row: Row, error: str) -> None:
        """The admin task that says the row failed, in the transaction that fails it."""
        raise NotImplementedError

    def stale(self, row: Row, now: dt.datetime) -> bool:
        """Whether the row was decided without sending (it must not go any more)."""
        return False

    def record_sent(self, row: Row, sent_at: dt.datetime) -> bool:
        """Record the row sent, if this worker still holds it. A subclass that records more
        with it overrides this, in one transaction with `super().record_sent`."""
        return self.finish(row, status=SENT, sent_at=sent_at, last_error="")

    # --- the loop every email outbox shares ---

    def setting(self, name: str) -> int:
        """This outbox's setting `name` (e.g. INVITE_MAX_ATTEMPTS), read as it is now."""
        return getattr(settings, f"{self.settings_prefix}_{name}")

    def finish(self, row: Row, **values) -> bool:
        """Record an outcome while this worker still holds the row (finish_claimed)."""
        return finish_claimed(self.model, row.pk, self.owner, **values)

    def send_due(self, *, batch_size: int | None = None, max_batches: int | None = None) -> Report:
        """Claim and email due rows batch by batch until none is due (or `max_batches`),
        taking over rows a stopped worker left past its lease; returns what happened."""
        for ids in claim_due_batches(
            self.model,
            owner=self.owner,
            size=batch_size or self.setting("BATCH_SIZE"),
            lease_seconds=self.setting("LEASE_SECONDS"),
            max_batches=max_batches,
        ):
            self.report.claimed += len(ids)
            for row in self.load(ids):
                self._send_one(row)
        return self.report

    def _send_one(self, row: Row) -> None:
        now = timezone.now()
        if self.stale(row, now):
            return
        address = self.address(row)
        if not address:
            self.fail(row, self.no_address)
            return
        try:
            self.send(row, address, now)
        except Exception as exc:  # any mail server or network fault: try again later
            self.refused(row, address, exc)
            self._retry(row, f"{type(exc).__name__}: {exc}"[:1000])
            return
        if self.record_sent(row, timezone.now()):
            self.report.sent += 1

    def _retry(self, row: Row, error: str) -> None:
        if row.attempts >= self.setting("MAX_ATTEMPTS"):
            self.fail(row, error)
        elif retry_later(
            self.model,
            row.pk,
            self.owner,
            attempts=row.attempts,
            first_seconds=self.setting("RETRY_SECONDS"),
            error=error,
        ):
            self.report.retried += 1

    def fail(self, row: Row, error: str) -> None:
        with transaction.atomic():  # failed and its admin task, or neither
            if self.finish(row, status=FAILED, last_error=error):
                self.report.failed += 1
                self.open_failed_task(row, error)


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
