"""Text messages: planning the outbox, dispatching it, following it up, reading replies.

The outbox table is the truth (DESIGN.md "Scale path"). Rows are planned inside the
booking transaction (the `visit_changed` receiver), so a rolled-back booking plans
nothing. Dispatchers claim due rows in batches (SKIP LOCKED on PostgreSQL; SQLite's
IMMEDIATE transactions serialise claims), mark them `sending`, and send each at most
once: a send whose outcome is unknown is reconciled with the provider's log, never
repeated blindly (docs/decisions/0004-sms-outbox.md).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import re
import socket
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from screening import fixed_sql as sql
from screening import message_times
from screening.integrations.sms import get_gateway
from screening.integrations.sms.base import (
    INVALID_NUMBER_CODES,
    OPTED_OUT_CODES,
    Found,
    GatewayError,
    PermanentError,
    RetryableError,
    SmsGateway,
)
from screening.message_text import check_template, local_date_words, local_time_words
from screening.models import (
    AdminTask,
    InboundMessage,
    Message,
    MessagePurpose,
    MessageStatus,
    MessageTemplate,
    NumberStatus,
    RecipientKind,
    Visit,
    VisitStatus,
    YoungPerson,
)
from screening.outbox import claim_rows, finish_claimed, kick_task, retry_delay
from screening.phone import mask_mobile

logger = logging.getLogger(__name__)

P = MessagePurpose
S = MessageStatus
REMINDERS = {P.DAY_BEFORE, P.MORNING}
# Rows the recipient may have received: they know about the visit.
REACHED = [S.SENDING, S.SENT, S.DELIVERED, S.UNDELIVERED, S.OUTCOME_UNKNOWN]
RECONCILE_TRIES = 3

# --- templates -------------------------------------------------------------------------------


def message_template_save(
    *, purpose: str, language: str, easy_read: bool, body: str, by: User | None = None
) -> MessageTemplate:
    """Create or replace the wording of one variant; raises ValidationError naming `body`."""
    check_template(purpose=purpose, body=body)
    template, _ = MessageTemplate.objects.update_or_create(
        purpose=purpose,
        language=language,
        easy_read=easy_read,
        defaults={"body": body, "updated_at": timezone.now(), "updated_by": by},
    )
    return template


class Wording(NamedTuple):
    """One message template's wording, as planning reads it."""

    id: int
    purpose: str
    language: str
    easy_read: bool
    body: str


def _templates(purposes: Iterable[str], language: str) -> dict[tuple[str, str, bool], Wording]:
    """Wordings by (purpose, language, easy read), of the given purposes in the given
    language and in English (the fallback)."""
    rows = sql.fetch(
        "SELECT id, purpose, language, easy_read, body FROM screening_messagetemplate "
        "WHERE purpose IN (%s) AND language IN (%s)",
        [sql.Many(set(purposes)), sql.Many({language, "en"})],
    )
    return {
        (purpose, lang, sql.flag(easy)): Wording(pk, purpose, lang, sql.flag(easy), body)
        for pk, purpose, lang, easy, body in rows
    }


def _pick(templates, purpose: str, language: str, easy_read: bool) -> Wording | None:
    for key in [
        (purpose, language, easy_read),
        (purpose, language, False),
        (purpose, "en", easy_read),
        (purpose, "en", False),
    ]:
        if key in templates:
            return templates[key]
    return None


def _place(visit: Visit) -> str:
    venue = visit.room.venue
    first_line = re.split(r"[,\n]", venue.address.strip(), maxsplit=1)[0].strip()
    return f"{venue.name}, {first_line}" if first_line else venue.name


def _context(*, person: YoungPerson, start: dt.datetime, visit: Visit, language: str) -> dict:
    return {
        "service": settings.SMS_SERVICE_NAME,
        "first_name": person.given_name,
        "date": local_date_words(start, language),
        "time": local_time_words(start, language),
        "place": _place(visit),
    }


# --- numbers and admin tasks -----------------------------------------------------------------


# A number that opted out or cannot receive texts.
BLOCKED = Q(opted_out_at__isnull=False) | Q(invalid_at__isnull=False)


def blocked_numbers(numbers: list[str]) -> set[str]:
    """Numbers that opted out or cannot receive texts."""
    return set(
        NumberStatus.objects.filter(BLOCKED, number__in=numbers).values_list("number", flat=True)
    )


def _withdraw_planned_to(number: str, reason: str) -> None:
    Message.objects.filter(to=number, status=S.PLANNED).update(
        status=S.WITHDRAWN, last_error=reason, status_changed_at=timezone.now()
    )


@transaction.atomic
def number_opt_out(*, number: str, via: str) -> NumberStatus:
    """STOP: no further texts to this number; planned ones are withdrawn."""
    status, _ = NumberStatus.objects.get_or_create(number=number)
    status.opted_out_at, status.note = timezone.now(), f"opted out via {via}"[:200]
    status.save()
    _withdraw_planned_to(number, f"number opted out ({via})")
    return status


@transaction.atomic
def number_opt_in(*, number: str, via: str) -> NumberStatus:
    """START: texts may go to this number again (later plans only)."""
    status, _ = NumberStatus.objects.get_or_create(number=number)
    status.opted_out_at, status.opted_in_at = None, timezone.now()
    status.note = f"opted in via {via}"[:200]
    status.save()
    return status


@transaction.atomic
def number_mark_invalid(*, number: str, reason: str) -> NumberStatus:
    status, _ = NumberStatus.objects.get_or_create(number=number)
    status.invalid_at, status.note = timezone.now(), reason[:200]
    status.save()
    _withdraw_planned_to(number, f"number cannot receive texts ({reason})")
    return status


def admin_task_create(
    *,
    kind: str,
    text: str,
    visit: Visit | None = None,
    message: Message | None = None,
    inbound: InboundMessage | None = None,
) -> AdminTask:
    """Open a task for the YOT admins; one open task per (kind, message) at most."""
    if message is not None:
        open_task = AdminTask.objects.filter(kind=kind, message=message, done_at=None).first()
        if open_task is not None:
            return open_task
    return AdminTask.objects.create(
        kind=kind,
        text=text,
        visit=visit,
        case_id=visit.case_id if visit is not None else None,
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


def _about(message: Message) -> str:
    who = "parent or carer" if message.recipient == RecipientKind.PARENT_CARER else "young person"
    text = f"the {who}'s number ({mask_mobile(message.to)})"
    if message.visit_id:
        text += f", about the visit on {local_date_words(message.visit.start, 'en')}"
    return text


# --- planning --------------------------------------------------------------------------------


def _consenting(person: YoungPerson) -> list[tuple[str, str]]:
    """(recipient kind, number) of each number that consented to texts."""
    found: list[tuple[str, str]] = []
    if person.mobile and person.sms_consent:
        found.append((RecipientKind.YOUNG_PERSON, person.mobile))
    if (
        person.parent_carer_mobile
        and person.parent_carer_sms_consent
        and person.parent_carer_mobile != person.mobile
    ):
        found.append((RecipientKind.PARENT_CARER, person.parent_carer_mobile))
    return found


# Each (number, state) once: "texted" when a text to it was not withdrawn, "blocked" when
# it opted out or cannot receive texts (BLOCKED).
_NUMBER_STATES_SQL = """
SELECT "to", 'texted' FROM screening_message WHERE "to" IN (%s) AND status <> %s
UNION
SELECT number, 'blocked' FROM screening_numberstatus WHERE number IN (%s)
 AND (opted_out_at IS NOT NULL OR invalid_at IS NOT NULL)"""


def _number_states(numbers: list[str]) -> tuple[set[str], set[str]]:
    """(blocked, texted before) among `numbers`, in one query. A number texted before has
    a text that was not withdrawn, so its next one needs no introduction."""
    states: dict[str, set[str]] = {"blocked": set(), "texted": set()}
    for number, state in sql.fetch(
        _NUMBER_STATES_SQL, [sql.Many(numbers), S.WITHDRAWN.value, sql.Many(numbers)]
    ):
        states[state].add(number)
    return states["blocked"], states["texted"]


def _plan_one(
    *,
    visit: Visit,
    person: YoungPerson,
    purpose: str,
    recipient: str,
    number: str,
    send_at: dt.datetime,
    templates,
    introduce: bool,
) -> Message | None:
    """The unsaved text of one purpose to one number (introduced by the service's
    introduction when `introduce`), or None, with an admin task, when no wording exists."""
    language = person.language
    easy_read = recipient == RecipientKind.YOUNG_PERSON and bool(person.communication_needs.strip())
    template = _pick(templates, purpose, language, easy_read)
    if template is None:
        admin_task_create(
            kind=AdminTask.Kind.FAILED,
            visit=visit,
            text=f"No wording for the {purpose} text: add it under message templates, then "
            f"phone {mask_mobile(number)}.",
        )
        return None
    context = _context(person=person, start=visit.start, visit=visit, language=template.language)
    body = template.body.format(**context)
    intro = _pick(templates, P.INTRODUCTION, language, easy_read) if introduce else None
    if intro is not None:
        body = f"{intro.body.format(**context)} {body}"
    return Message(
        visit=visit,
        visit_version=visit.version,
        young_person=person,
        purpose=purpose,
        recipient=recipient,
        to=number,
        body=body,
        language=template.language,
        easy_read=template.easy_read,
        template_id=template.id,
        send_at=send_at,
        next_attempt_at=send_at,
    )


def _withdraw_old(visit: Visit, reason: str) -> None:
    Message.objects.filter(visit=visit, status=S.PLANNED).exclude(
        visit_version=visit.version
    ).update(status=S.WITHDRAWN, last_error=reason, status_changed_at=timezone.now())


def _schedule(*, kind: str, visit: Visit, reached: bool, now: dt.datetime):
    """(purpose, send at) of the texts a change calls for, to one number."""
    if kind == "cancelled":
        return [(P.CANCELLED, message_times.next_allowed(now))] if reached else []
    first = P.RESCHEDULED if kind == "rescheduled" and reached else P.CONFIRMATION
    schedule = [(first, message_times.next_allowed(now))]
    for purpose, at in [
        (P.DAY_BEFORE, message_times.day_before_at(visit.start)),
        (P.MORNING, message_times.morning_at(visit.start)),
    ]:
        if at is None:
            continue
        at = message_times.next_allowed(at)
        if now < at < visit.start:
            schedule.append((purpose, at))
    return schedule


def messages_plan_for_visit(*, visit: Visit, kind: str, previous: dict | None) -> list[Message]:
    """Plan the texts a visit change calls for (booked: confirmation and reminders;
    rescheduled: a notice and new reminders; cancelled: a notice, only to numbers that were
    told of the visit), withdrawing planned texts of earlier versions. Runs inside the
    booking transaction; a new booking costs a fixed handful of queries."""
    now = timezone.now()
    if kind in {"attendance", "completed"}:
        Message.objects.filter(visit=visit, status=S.PLANNED, purpose__in=REMINDERS).update(
            status=S.WITHDRAWN, last_error="visit under way", status_changed_at=now
        )
        return []
    if kind not in {"booked", "rescheduled", "cancelled"}:
        return []
    person = visit.case.young_person
    reached: set[str] = set()
    if previous is not None:  # a new visit has no texts yet: nothing reached, nothing to withdraw
        reached = set(
            Message.objects.filter(visit=visit, status__in=REACHED).values_list("to", flat=True)
        )
        _withdraw_old(visit, f"visit {kind}")
    if kind == "rescheduled" and visit.confirmed_at is not None:
        Visit.objects.filter(pk=visit.pk).update(confirmed_at=None)
        visit.confirmed_at = None
    if visit.start <= now:
        return []
    consenting = _consenting(person)
    if not consenting:
        return []
    # A number's first text ever starts with the service's introduction.
    blocked, texted_before = _number_states([number for _, number in consenting])
    recipients = [
        (recipient, number, _schedule(kind=kind, visit=visit, reached=number in reached, now=now))
        for recipient, number in consenting
        if number not in blocked
    ]
    recipients = [row for row in recipients if row[2]]
    if not recipients:
        return []
    templates = _templates(
        {P.INTRODUCTION, *(purpose for _, _, schedule in recipients for purpose, _ in schedule)},
        person.language,
    )
    planned = []
    for recipient, number, schedule in recipients:
        introduce = number not in texted_before
        for purpose, at in schedule:
            row = _plan_one(
                visit=visit,
                person=person,
                purpose=purpose,
                recipient=recipient,
                number=number,
                send_at=at,
                templates=templates,
                introduce=introduce,
            )
            if row is not None:
                planned.append(row)
                introduce = False
    planned = Message.objects.bulk_create(planned)
    if planned:
        transaction.on_commit(kick_dispatch)
    return planned


def kick_dispatch() -> None:
    """Ask a Celery worker to send what is due now (a no-op without a broker)."""
    kick_task("dispatch_due_messages")


# --- dispatching -----------------------------------------------------------------------------


@dataclass
class DispatchReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    withdrawn: int = 0
    unknown: int = 0
    reconciled: int = 0
    released: int = 0

    def add(self, other: DispatchReport) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def new_owner() -> str:
    return (
        f"{socket.gethostname()[:30]}:{os.getpid()}:{threading.get_ident() % 10**6}:"
        + (uuid.uuid4().hex[:8])
    )


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
            text=f"A text to {_about(message)} was refused: {error.reason[:200]}. Phone them.",
        )


def _retry(message: Message, owner: str, error: GatewayError, report, now) -> None:
    if message.attempts >= settings.SMS_MAX_ATTEMPTS:
        if _finish(message, owner, status=S.FAILED, last_error=error.reason[:1000]):
            report.failed += 1
            admin_task_create(
                kind=AdminTask.Kind.FAILED,
                visit=message.visit,
                message=message,
                text=f"A text to {_about(message)} could not be sent after "
                f"{message.attempts} tries. Phone them.",
            )
        return
    when = message_times.next_allowed(now + retry_delay(message.attempts, first_seconds=30))
    if _finish(
        message, owner, status=S.PLANNED, next_attempt_at=when, last_error=error.reason[:1000]
    ):
        report.retried += 1


def _send_one(
    message: Message, gateway: SmsGateway, owner: str, report, blocked, accepted: list
) -> None:
    """Send one claimed text; an accepted one is added to `accepted` for _record_sent."""
    now = timezone.now()
    reason = _stale_reason(message, now, blocked)
    if reason:
        if _finish(message, owner, status=S.WITHDRAWN, last_error=reason):
            report.withdrawn += 1
        return
    try:
        result = gateway.send(
            to=message.to,
            body=message.body,
            status_callback=status_callback_url(message),
            valid_for_seconds=_valid_for(message, now),
        )
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
        to=message.to, body=message.body, since=message.send_at, exclude_ids=others
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
    if _finish(
        message,
        owner,
        status=S.OUTCOME_UNKNOWN,
        reconcile_attempts=tries,
        next_attempt_at=later,
        last_error="the provider's log could not say whether this text was sent",
    ):
        report.unknown += 1
        if tries >= RECONCILE_TRIES:
            admin_task_create(
                kind=AdminTask.Kind.OUTCOME_UNKNOWN,
                visit=message.visit,
                message=message,
                text=f"Not known whether a text to {_about(message)} was sent; it will not be "
                "sent again automatically. Phone them if it matters.",
            )


def _load(ids: list[int]) -> list[Message]:
    return list(
        Message.objects.filter(pk__in=ids).select_related("visit").order_by("next_attempt_at", "id")
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


def messages_dispatch_due(
    *,
    gateway: SmsGateway | None = None,
    owner: str | None = None,
    batch_size: int | None = None,
    max_batches: int | None = None,
) -> DispatchReport:
    """Recover abandoned sends, then claim and send due texts batch by batch until none is
    due (or `max_batches`); returns what happened."""
    gateway = gateway or get_gateway()
    owner = owner or new_owner()
    size = batch_size or settings.SMS_BATCH_SIZE
    report = messages_recover(gateway=gateway, owner=owner)
    batches = 0
    while max_batches is None or batches < max_batches:
        now = timezone.now()
        due = Q(status=S.PLANNED, next_attempt_at__lte=now)
        ids = _claim(owner=owner, size=size, where=due, count_attempt=True)
        if not ids:
            break
        batches += 1
        report.claimed += len(ids)
        batch = _load(ids)
        blocked = blocked_numbers(list({m.to for m in batch}))
        accepted: list[tuple[int, str, str]] = []
        for message in batch:
            _send_one(message, gateway, owner, report, blocked, accepted)
        report.sent += _record_sent(accepted, owner=owner, provider=gateway.name)
    return report


# --- delivery reports and replies ------------------------------------------------------------

PROVIDER_STATUS = {
    "accepted": S.SENT,
    "scheduled": S.SENT,
    "queued": S.SENT,
    "sending": S.SENT,
    "sent": S.SENT,
    "delivered": S.DELIVERED,
    "read": S.DELIVERED,
    "undelivered": S.UNDELIVERED,
    "failed": S.FAILED,
}
RANK = {
    S.PLANNED: 0,
    S.SENDING: 1,
    S.OUTCOME_UNKNOWN: 1,
    S.WITHDRAWN: 1,
    S.SENT: 2,
    S.DELIVERED: 3,
    S.UNDELIVERED: 3,
    S.FAILED: 3,
}


@transaction.atomic
def message_status_record(
    *, provider_id: str, provider_status: str, message_id: int | None = None, error_code: str = ""
) -> Message | None:
    """Apply a delivery report, only ever forwards (a late `sent` never undoes
    `delivered`); undelivered or failed opens a task to phone. Unknown ids are ignored."""
    ours = PROVIDER_STATUS.get(provider_status.lower())
    qs = Message.objects.select_for_update(of=("self",)).select_related("visit")
    message = None
    if message_id is not None:
        message = qs.filter(pk=message_id).first()
        if message is not None and message.provider_id not in ("", provider_id):
            message = None  # the id and the provider's id disagree: not ours to change
    if message is None and provider_id:
        message = qs.filter(provider_id=provider_id).first()
    if message is None or ours is None:
        return message
    if RANK[ours] <= RANK[S(message.status)] and message.status != S.WITHDRAWN:
        return message
    message.status = ours
    message.provider_id = provider_id or message.provider_id
    message.provider_status = provider_status.lower()[:20]
    message.status_changed_at = timezone.now()
    message.claim_owner = ""
    if message.sent_at is None:
        message.sent_at = message.status_changed_at
    if error_code:
        message.last_error = f"provider error {error_code}"[:1000]
    message.save()
    if ours in (S.UNDELIVERED, S.FAILED):
        admin_task_create(
            kind=AdminTask.Kind.UNDELIVERED if ours == S.UNDELIVERED else AdminTask.Kind.FAILED,
            visit=message.visit,
            message=message,
            text=f"A text to {_about(message)} was not delivered"
            + (f" (error {error_code})" if error_code else "")
            + ". Phone them.",
        )
    return message


# Twilio's keyword sets (a long code or Messaging Service answers STOP, START and HELP
# itself; these keep our records in step with its block list).
OPT_OUT_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
OPT_IN_WORDS = {"START", "UNSTOP", "YES"}
HELP_WORDS = {"HELP", "INFO"}
CONFIRM_WORDS = {"YES", "Y", "YEP", "YEAH", "IE", "OK"}
CHANGE_WORDS = {"NO", "N", "CHANGE", "NA", "NEWID"}


def classify_reply(body: str) -> str:
    """Opt-out, opt-in and help follow Twilio: the whole text is the keyword. YES, NO and
    CHANGE are read from the first word, so "Yes see you then" confirms."""
    words = re.findall(r"[A-Za-z]+", body.upper())
    whole = "".join(words)
    if len(words) == 1 and whole in OPT_OUT_WORDS:
        return InboundMessage.Kind.OPT_OUT
    if len(words) == 1 and whole in HELP_WORDS:
        return InboundMessage.Kind.HELP
    first = words[0] if words else ""
    if first in CONFIRM_WORDS:
        return InboundMessage.Kind.CONFIRM
    if len(words) == 1 and whole in OPT_IN_WORDS:
        return InboundMessage.Kind.OPT_IN
    if first in CHANGE_WORDS:
        return InboundMessage.Kind.CHANGE
    return InboundMessage.Kind.OTHER


def _match(number: str) -> tuple[YoungPerson | None, Visit | None]:
    """The young person and visit a reply is about: the latest visit texted to this
    number, else the person whose number it is and their next booked visit."""
    last = (
        Message.objects.filter(to=number, visit__isnull=False)
        .select_related("visit__case__young_person")
        .order_by("-created_at", "-id")
        .first()
    )
    person = last.visit.case.young_person if last else None
    if person is None:
        person = (
            YoungPerson.objects.filter(Q(mobile=number) | Q(parent_carer_mobile=number))
            .order_by("-created_at", "-id")
            .first()
        )
    if person is None:
        return None, None
    visit = last.visit if last and last.visit.status == VisitStatus.BOOKED else None
    if visit is None:
        visit = (
            Visit.objects.filter(
                case__young_person=person, status=VisitStatus.BOOKED, start__gt=timezone.now()
            )
            .order_by("start")
            .first()
        )
    return person, visit


@transaction.atomic
def inbound_record(*, provider_id: str, from_number: str, body: str) -> InboundMessage:
    """Store a reply once (the provider may deliver it twice) and act on it: YES confirms
    the visit, NO or CHANGE asks the admin to rearrange, STOP and START set the number's
    consent, HELP is answered, anything else goes to the admins' inbox."""
    existing = InboundMessage.objects.filter(provider_id=provider_id).first()
    if existing is not None:
        return existing
    person, visit = _match(from_number)
    kind = classify_reply(body)
    inbound = InboundMessage.objects.create(
        provider_id=provider_id,
        from_number=from_number,
        body=body[:1600],
        kind=kind,
        young_person=person,
        visit=visit,
        visit_version=visit.version if visit else None,
    )
    who = f"{mask_mobile(from_number)}" + (f" ({person.initials})" if person else "")
    K = InboundMessage.Kind
    if kind == K.OPT_OUT:
        number_opt_out(number=from_number, via=f"reply {body.strip()[:20]!r}")
        admin_task_create(
            kind=AdminTask.Kind.OPTED_OUT,
            visit=visit,
            inbound=inbound,
            text=f"{who} replied {body.strip()[:20]!r} and gets no more texts. Phone about "
            "appointments from now on.",
        )
    elif kind == K.OPT_IN:
        number_opt_in(number=from_number, via=f"reply {body.strip()[:20]!r}")
    elif kind == K.CONFIRM:
        status = NumberStatus.objects.filter(number=from_number).first()
        if status is not None and status.opted_out_at is not None:
            number_opt_in(number=from_number, via="reply YES")  # as Twilio does
        if visit is not None:
            Visit.objects.filter(pk=visit.pk, version=visit.version).update(
                confirmed_at=timezone.now()
            )
        else:
            admin_task_create(
                kind=AdminTask.Kind.REPLY,
                inbound=inbound,
                text=f"{who} replied YES but has no booked visit: check.",
            )
    elif kind == K.CHANGE:
        admin_task_create(
            kind=AdminTask.Kind.REARRANGE,
            visit=visit,
            inbound=inbound,
            text=f"{who} asked to rearrange: {body.strip()[:200]!r}. Phone to agree a new time.",
        )
    elif kind == K.HELP:
        _answer_help(inbound=inbound, person=person)
    else:
        admin_task_create(
            kind=AdminTask.Kind.REPLY,
            visit=visit,
            inbound=inbound,
            text=f"{who} replied: {body.strip()[:300]!r}",
        )
    return inbound


def _answer_help(*, inbound: InboundMessage, person: YoungPerson | None) -> None:
    if not settings.SMS_ANSWER_HELP or inbound.from_number in blocked_numbers(
        [inbound.from_number]
    ):
        return
    language = person.language if person else "en"
    template = _pick(_templates([P.HELP], language), P.HELP, language, False)
    if template is None:
        return
    at = message_times.next_allowed(timezone.now())
    Message.objects.create(
        young_person=person,
        purpose=P.HELP,
        to=inbound.from_number,
        body=template.body.format(service=settings.SMS_SERVICE_NAME),
        language=template.language,
        template_id=template.id,
        send_at=at,
        next_attempt_at=at,
        in_reply_to=inbound,
        recipient=RecipientKind.PARENT_CARER
        if person and person.parent_carer_mobile == inbound.from_number
        else RecipientKind.YOUNG_PERSON,
    )
    transaction.on_commit(kick_dispatch)
