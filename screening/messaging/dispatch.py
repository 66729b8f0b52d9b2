"""Dispatching the outbox: claim due texts, send each at most once, reconcile those whose
outcome is unknown with the provider's log, never repeat one blindly
(docs/decisions/0004-sms-outbox.md)."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from screening.integrations.sms import get_gateway
from screening.integrations.sms.base import (
    INVALID_NUMBER_CODES,
    OPTED_OUT_CODES,
    Found,
    GatewayError,
    PermanentError,
    RetryableError,
    SendResult,
    SmsGateway,
    ThrottledError,
)
from screening.messaging import send_times
from screening.messaging.numbers import (
    blocked_numbers,
    held_task_create,
    held_words,
    number_mark_invalid,
    number_opt_out,
    recipient_words,
)
from screening.messaging.reply_links import body_to_send
from screening.models import (
    AdminTask,
    Message,
    MessagePurpose,
    MessageStatus,
    VisitStatus,
)
from screening.outbox import OutboxReport, claim_rows, finish_claimed, new_owner, retry_delay
from screening.wording import forbidden_words_in
from screening.worktray.services import admin_task_create
from screening.worktray.words import said

logger = logging.getLogger(__name__)

P = MessagePurpose
S = MessageStatus
RECONCILE_TRIES = 3
# A 429 holds an unpaced worker's sends back this long, is tried again for this long,
# and after that goes back to the queue, due again this much later (never an attempt).
THROTTLE_PAUSE_SECONDS = 0.1
THROTTLE_GIVE_UP_SECONDS = 60
THROTTLE_REPLAN_SECONDS = 30


@dataclass
class DispatchReport(OutboxReport):
    """What one dispatch pass did: the outbox counts, and the texts' own."""

    withdrawn: int = 0
    held: int = 0
    unknown: int = 0
    reconciled: int = 0
    released: int = 0
    throttled: int = 0


def _claim(*, owner: str, size: int, where: Q, count_attempt: bool) -> list[int]:
    """Claim due texts for this owner (screening.outbox.claim_rows), oldest due first."""
    return claim_rows(
        Message,
        owner=owner,
        size=size,
        where=where,
        order_by=("next_attempt_at", "id"),
        count_attempt=count_attempt,
        also={"status_changed_at": timezone.now()},
    )


def _finish(message: Message, owner: str, **values) -> bool:
    """Record an outcome if this worker still holds the claim (a callback may have been
    faster, or the lease may have been taken over)."""
    values.setdefault("status_changed_at", timezone.now())
    return finish_claimed(Message, message.pk, owner, **values)


def status_callback_url(message: Message) -> str:
    """The public address Twilio reports delivery to; `m` names the row even when the
    answer to the send was lost."""
    return f"{settings.PUBLIC_BASE_URL}{_status_webhook_path()}?m={message.pk}"


@functools.cache
def _status_webhook_path() -> str:
    return reverse("twilio-status-webhook")


def _stale_reason(message: Message, now: dt.datetime, blocked: set[str]) -> str:
    visit = message.visit
    if visit is not None:
        if message.visit_version != visit.version:
            return "visit changed since this text was planned"
        wanted = VisitStatus.CANCELLED if message.purpose == P.CANCELLED else VisitStatus.BOOKED
        if visit.status != wanted:
            return f"visit is {visit.status}"
        if visit.start <= now:
            return "visit already started"
    if message.to in blocked:
        return "number opted out or cannot receive texts"
    return ""


def _valid_for(message: Message, now: dt.datetime) -> int:
    if message.visit is None:
        return 3600
    return max(1, int((message.visit.start - now).total_seconds()))


def _permanent(message: Message, owner: str, error: PermanentError, report) -> None:
    # The number's state, the outcome and the task in one transaction: a failure writing
    # any of them leaves the text claimed, and the recovery decides it again.
    with transaction.atomic():
        if error.code in OPTED_OUT_CODES:
            number_opt_out(number=message.to, via=f"provider error {error.code}")
            kind = AdminTask.Kind.OPTED_OUT
        elif error.code in INVALID_NUMBER_CODES:
            number_mark_invalid(number=message.to, reason=f"provider error {error.code}")
            kind = AdminTask.Kind.INVALID_NUMBER
        else:
            kind = AdminTask.Kind.FAILED
        if _finish(message, owner, status=S.FAILED, last_error=error.reason[:1000]):
            report.failed += 1
            admin_task_create(
                kind=kind,
                visit=message.visit,
                message=message,
                wording=said(
                    gettext_noop("A text to %(recipient)s was refused: %(reason)s. Phone them."),
                    recipient=recipient_words(message),
                    reason=error.reason[:200],
                ),
            )


def _retry(message: Message, owner: str, error: GatewayError, report, now) -> None:
    if message.attempts >= settings.SMS_MAX_ATTEMPTS:
        with transaction.atomic():  # failed and its task, or neither
            if _finish(message, owner, status=S.FAILED, last_error=error.reason[:1000]):
                report.failed += 1
                admin_task_create(
                    kind=AdminTask.Kind.FAILED,
                    visit=message.visit,
                    message=message,
                    wording=said(
                        gettext_noop(
                            "A text to %(recipient)s could not be sent after %(tries)s tries. "
                            "Phone them."
                        ),
                        recipient=recipient_words(message),
                        tries=message.attempts,
                    ),
                )
        return
    when = send_times.next_allowed(now + retry_delay(message.attempts, first_seconds=30))
    if _finish(
        message, owner, status=S.PLANNED, next_attempt_at=when, last_error=error.reason[:1000]
    ):
        report.retried += 1


def _forbidden_in(message: Message) -> list[str]:
    """The forbidden words in the text as it would go out, leaving out the young person's
    own first name (planning checks the same; this holds texts planned before it did)."""
    bad = forbidden_words_in(message.body)
    if bad and message.young_person_id and message.young_person.given_name:
        bad = forbidden_words_in(message.body.replace(message.young_person.given_name, ""))
    return bad


def _hold(message: Message, owner: str, bad: list[str], report) -> None:
    with transaction.atomic():  # held and its task, or neither
        message.last_error = held_words(bad)
        if _finish(message, owner, status=S.HELD, last_error=message.last_error):
            report.held += 1
            held_task_create(message)


class Pacer:
    """One worker's pace for one sender: sends start at most `rate` a second (none when 0),
    and a 429 holds every thread back one interval (THROTTLE_PAUSE_SECONDS when unpaced).
    Shared by the sending threads."""

    def __init__(self, rate: float) -> None:
        self.interval = 1 / rate if rate else 0.0
        self.pause = self.interval or THROTTLE_PAUSE_SECONDS
        self.next = 0.0
        self.lock = threading.Lock()

    def wait(self) -> None:
        with self.lock:
            now = time.monotonic()
            # A thread woken late may take the slot it missed (one interval back at most),
            # so small delays do not add up to a slower pace.
            start = max(now - self.interval, self.next)
            self.next = start + self.interval
        if start > now:
            time.sleep(start - now)

    def throttled(self) -> None:
        with self.lock:
            self.next = max(self.next, time.monotonic() + self.pause)


def sending_limits(gateway: SmsGateway) -> tuple[float, int]:
    """(texts a second, requests in flight) for the gateway's sender: SMS_SENDER_LIMITS
    for a named sender, else SMS_RATE_PER_SECOND and SMS_IN_FLIGHT; in flight is capped
    by what the gateway allows (one at a time unless it says otherwise)."""
    sender = getattr(gateway, "sender", "")
    rate, in_flight = settings.SMS_SENDER_LIMITS.get(
        sender, (settings.SMS_RATE_PER_SECOND, settings.SMS_IN_FLIGHT)
    )
    allowed = getattr(gateway, "max_in_flight", 1)
    return float(rate), max(1, in_flight if allowed is None else min(in_flight, allowed))


def _send_paced(gateway: SmsGateway, pacer: Pacer, options: dict) -> SendResult:
    """Send at the worker's pace; a 429 proves nothing was queued, so it is tried again
    (after a pause) for up to THROTTLE_GIVE_UP_SECONDS, then raised. Runs on a sending
    thread: no database here."""
    give_up = time.monotonic() + THROTTLE_GIVE_UP_SECONDS
    while True:
        pacer.wait()
        try:
            return gateway.send(**options)
        except ThrottledError:
            if time.monotonic() >= give_up:
                raise
            pacer.throttled()


def _prepare(message: Message, owner: str, report, blocked, now) -> dict | None:
    """The send's arguments for a claimed text, or None when it was decided without
    sending (withdrawn or held)."""
    reason = _stale_reason(message, now, blocked)
    if reason:
        if _finish(message, owner, status=S.WITHDRAWN, last_error=reason):
            report.withdrawn += 1
        return None
    bad = _forbidden_in(message)
    if bad:
        _hold(message, owner, bad, report)
        return None
    return {
        "to": message.to,
        "body": body_to_send(message),
        "status_callback": status_callback_url(message),
        "valid_for_seconds": _valid_for(message, now),
    }


def _settle(message: Message, owner: str, report, now, outcome: Future, accepted: list) -> None:
    """Record what a send came to; an accepted one is added to `accepted` for
    _record_sent."""
    try:
        result = outcome.result()
    except ThrottledError as error:
        # Never an attempt: back in the queue, soon, with the attempt it was claimed with
        # given back.
        if _finish(
            message,
            owner,
            status=S.PLANNED,
            next_attempt_at=now + dt.timedelta(seconds=THROTTLE_REPLAN_SECONDS),
            attempts=F("attempts") - 1,
            last_error=error.reason[:1000],
        ):
            report.throttled += 1
    except RetryableError as error:
        _retry(message, owner, error, report, now)
    except PermanentError as error:
        _permanent(message, owner, error, report)
    except Exception as error:  # unknown outcome, or a fault we cannot prove harmless
        logger.warning("text %s: outcome unknown: %s", message.pk, error)
        if _finish(
            message,
            owner,
            status=S.OUTCOME_UNKNOWN,
            last_error=str(error)[:1000],
            next_attempt_at=now + dt.timedelta(seconds=settings.SMS_RECONCILE_AFTER_SECONDS),
        ):
            report.unknown += 1
    else:
        accepted.append((message.pk, result.provider_id, result.status))


def _record_sent(accepted: list[tuple[int, str, str]], *, owner: str, provider: str) -> int:
    """Record a batch's accepted texts in one statement. Until then they stay `sending`
    under this worker's claim: if it dies first, reconciliation finds them in the
    provider's log (docs/decisions/0004-sms-outbox.md)."""
    if not accepted:
        return 0
    # One UPDATE ... FROM (VALUES ...) (PostgreSQL, and SQLite from 3.33): the ORM's
    # CASE expression for a batch costs more than the sending it records.
    table = connection.ops.quote_name(Message._meta.db_table)
    rows = ", ".join(["(CAST(%s AS BIGINT), %s, %s)"] * len(accepted))
    # Only the table name is formatted in; every value is a parameter. VALUES columns
    # are named column1..3 by both PostgreSQL and SQLite.
    sql = (
        f"UPDATE {table} SET status = %s, provider = %s, provider_id = v.column2, "  # noqa: S608
        "provider_status = v.column3, sent_at = %s, status_changed_at = %s, "
        f"claim_owner = '', last_error = '' FROM (VALUES {rows}) AS v "
        f"WHERE {table}.id = v.column1 AND {table}.status = %s AND {table}.claim_owner = %s"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params: list[object] = [S.SENT, provider, now, now]
    for pk, sid, status in accepted:
        params += [pk, sid, status[:20]]
    params += [S.SENDING, owner]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _reconcile(message: Message, gateway: SmsGateway, owner: str, report) -> None:
    """Decide a text whose send may or may not have happened, from the provider's log."""
    others = set(
        Message.objects.filter(to=message.to)
        .exclude(provider_id="")
        .values_list("provider_id", flat=True)
    )
    # Every attempt was at or after send_at; other rows' provider ids are excluded.
    answer = gateway.find_sent(
        to=message.to, body=body_to_send(message), since=message.send_at, exclude_ids=others
    )
    if answer.found == Found.SENT:
        if _finish(
            message,
            owner,
            status=S.SENT,
            provider=gateway.name,
            provider_id=answer.provider_id,
            provider_status=answer.status,
            sent_at=timezone.now(),
        ):
            report.reconciled += 1
        return
    if answer.found == Found.NOT_SENT:
        # The provider's full log for the number has no such text: it never left, so it
        # goes back to the queue (still subject to every check before sending).
        if _finish(message, owner, status=S.PLANNED, next_attempt_at=timezone.now()):
            report.released += 1
        return
    tries = message.reconcile_attempts + 1
    later = timezone.now() + dt.timedelta(seconds=settings.SMS_RECONCILE_AFTER_SECONDS * 2**tries)
    # The last look and its task together: without the task the text stays claimed and is
    # looked up again after the lease, rather than given up on in silence.
    with transaction.atomic():
        if not _finish(
            message,
            owner,
            status=S.OUTCOME_UNKNOWN,
            reconcile_attempts=tries,
            next_attempt_at=later,
            last_error="the provider's log could not say whether this text was sent",
        ):
            return
        report.unknown += 1
        if tries >= RECONCILE_TRIES:
            admin_task_create(
                kind=AdminTask.Kind.OUTCOME_UNKNOWN,
                visit=message.visit,
                message=message,
                wording=said(
                    gettext_noop(
                        "Not known whether a text to %(recipient)s was sent; it will not be "
                        "sent again automatically. Phone them if it matters."
                    ),
                    recipient=recipient_words(message),
                ),
            )


def _load(ids: list[int]) -> list[Message]:
    return list(
        Message.objects.filter(pk__in=ids)
        .select_related("visit", "reply_link")
        .order_by("next_attempt_at", "id")
    )


def messages_recover(*, gateway: SmsGateway | None = None, owner: str | None = None):
    """Reconcile texts left `sending` by a worker that died (past the lease) and texts whose
    outcome is unknown and due for another look; nothing is resent without the log."""
    gateway = gateway or get_gateway()
    owner = owner or new_owner()
    report = DispatchReport()
    now = timezone.now()
    lease = now - dt.timedelta(seconds=settings.SMS_LEASE_SECONDS)
    where = Q(status=S.SENDING, claimed_at__lt=lease) | Q(
        status=S.OUTCOME_UNKNOWN,
        next_attempt_at__lte=now,
        reconcile_attempts__lt=RECONCILE_TRIES,
    )
    while True:
        ids = _claim(owner=owner, size=settings.SMS_BATCH_SIZE, where=where, count_attempt=False)
        if not ids:
            return report
        for message in _load(ids):
            _reconcile(message, gateway, owner, report)


def _run_now(fn, *args) -> Future:
    """`fn(*args)` on this thread, as a finished Future (one text at a time)."""
    future: Future = Future()
    try:
        future.set_result(fn(*args))
    except Exception as exc:
        future.set_exception(exc)
    return future


def messages_dispatch_due(
    *,
    gateway: SmsGateway | None = None,
    owner: str | None = None,
    batch_size: int | None = None,
    max_batches: int | None = None,
) -> DispatchReport:
    """Recover abandoned sends, then claim and send due texts batch by batch until none is
    due (or `max_batches`); returns what happened. Sends run on up to the sender's
    in-flight count of threads at its pace (sending_limits); the next batch is claimed
    while the last one's sends are still under way, so the pace never stops at a batch's
    end. Only the provider calls leave this thread: claims and outcomes are written here."""
    gateway = gateway or get_gateway()
    owner = owner or new_owner()
    size = batch_size or settings.SMS_BATCH_SIZE
    report = messages_recover(gateway=gateway, owner=owner)
    rate, in_flight = sending_limits(gateway)
    if rate:
        # About a second's sending a claim: workers sharing a sender end a backlog
        # together instead of one paced worker finishing the last big batches alone.
        size = min(size, max(in_flight, math.ceil(rate)))
    pacer = Pacer(rate)
    pool = ThreadPoolExecutor(in_flight, "sms-send") if in_flight > 1 else None
    # Sends under way, oldest first: (text, when it was prepared, its outcome).
    pending: deque[tuple[Message, dt.datetime, Future]] = deque()
    accepted: list[tuple[int, str, str]] = []
    batches = 0
    exhausted = False
    try:
        while True:
            waiting = sum(1 for _, _, f in pending if not f.running() and not f.done())
            if not exhausted and waiting < in_flight:
                if max_batches is not None and batches >= max_batches:
                    exhausted = True
                else:
                    due = Q(status=S.PLANNED, next_attempt_at__lte=timezone.now())
                    ids = _claim(owner=owner, size=size, where=due, count_attempt=True)
                    if not ids:
                        exhausted = True
                    else:
                        batches += 1
                        report.claimed += len(ids)
                        batch = _load(ids)
                        blocked = blocked_numbers(list({m.to for m in batch}))
                        for message in batch:
                            now = timezone.now()
                            options = _prepare(message, owner, report, blocked, now)
                            if options is None:
                                continue
                            if pool is None:
                                outcome = _run_now(_send_paced, gateway, pacer, options)
                            else:
                                outcome = pool.submit(_send_paced, gateway, pacer, options)
                            pending.append((message, now, outcome))
                        if pool is not None:
                            continue  # top up again before waiting
            if not pending:
                break
            if pool is not None:
                wait([pending[0][2]], timeout=None if exhausted else 0.05)
            while pending and pending[0][2].done():
                message, now, outcome = pending.popleft()
                _settle(message, owner, report, now, outcome, accepted)
            if len(accepted) >= size or (accepted and not pending):
                report.sent += _record_sent(accepted, owner=owner, provider=gateway.name)
                accepted = []
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    return report
