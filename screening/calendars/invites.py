"""Sending the calendar invites planned when a visit is booked, moved or cancelled, through
the invite outbox (docs/decisions/0005-calendars.md).

Planning is in `invite_planning` (inside the booking transaction). Sending:
`invites_send_due` (the background worker: `run_dispatcher`, or the Celery task
`screening.send_due_invites`) claims due rows, builds each message from the rows as they
are then (SEQUENCE is the visit's version) and emails it. A row whose visit has changed
again since is superseded: the newer change's rows carry the current state. A failed
email is retried with backoff, then marked failed with a task for the YOT admins.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from agencies.local_time import day_at_time_words, yot_zone
from screening.calendars.feeds import session_entry, who
from screening.integrations.email import Invite, send_invite
from screening.integrations.ical import build_calendar
from screening.models import AdminTask, InviteEmail, InviteStatus, Session
from screening.outbox import claim_rows, finish_claimed, new_owner, retry_delay
from screening.worktray.services import admin_task_create

logger = logging.getLogger(__name__)

S = InviteStatus
K = InviteEmail.Kind
REQUEST, CANCEL = InviteEmail.Method.REQUEST, InviteEmail.Method.CANCEL
HEADINGS = {K.BOOKED: "Screening session", K.MOVED: "Moved", K.CANCELLED: "Cancelled"}


# --- the message -----------------------------------------------------------------------------


def _invite(session: Session, *, to: str, method: str, heading: str, now: dt.datetime) -> Invite:
    cancelled = method == CANCEL
    entry = session_entry(session, cancelled=cancelled, attendee=to)
    visit = session.visit
    venue = visit.room.venue
    when = day_at_time_words(session.start)
    text = (
        f"{heading}\n\n"
        f"{session.agency.name} screening session with {who(visit)}\n"
        f"When: {when} to {session.end.astimezone(yot_zone()):%H:%M}\n"
        f"Where: {venue.name}, {visit.room.name}\n{venue.address}\n\n"
        + (
            "Your calendar will remove this session.\n"
            if cancelled
            else "The attached invitation adds it to your calendar.\n"
        )
    )
    return Invite(
        to=to,
        subject=f"{heading}: {session.agency.name}, {when} ({who(visit)})",
        text=text,
        calendar=build_calendar(
            method=method,
            entries=[entry],
            organizer=settings.DEFAULT_FROM_EMAIL,
            zone=yot_zone(),
            now=now,
        ),
        method=method,
    )


# --- sending ---------------------------------------------------------------------------------


@dataclass
class InviteReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    superseded: int = 0


def _load(ids: list[int]) -> list[InviteEmail]:
    return list(
        InviteEmail.objects.filter(pk__in=ids)
        .select_related(
            "practitioner",
            "session__agency",
            "session__visit__case__young_person",
            "session__visit__room__venue",
        )
        .order_by("next_attempt_at", "id")
    )


def _stale_reason(invite: InviteEmail, now: dt.datetime) -> str:
    visit = invite.session.visit
    if visit.version != invite.visit_version:
        return f"visit changed since (now version {visit.version}); its newer invites stand"
    if visit.end <= now:
        return "visit already ended"
    return ""


def _describe(invite: InviteEmail) -> str:
    session = invite.session
    what = "cancellation" if invite.method == CANCEL else "invitation"
    return (
        f"The calendar {what} for {invite.practitioner.name} ({session.agency.name} session "
        f"on {day_at_time_words(session.start)}, visit of {who(session.visit)})"
    )


def _fail(invite: InviteEmail, owner: str, error: str, report: InviteReport) -> None:
    with transaction.atomic():
        if not finish_claimed(InviteEmail, invite.pk, owner, status=S.FAILED, last_error=error):
            return
        report.failed += 1
        admin_task_create(
            kind=AdminTask.Kind.INVITE_FAILED,
            visit=invite.session.visit,
            text=f"{_describe(invite)} could not be emailed to "
            f"{invite.practitioner.email or 'them (no email address recorded)'} after "
            f"{invite.attempts} tries: {error[:200]}. Tell them by phone, and check their "
            "email address and the mail server.",
        )


def _retry(invite: InviteEmail, owner: str, error: str, report: InviteReport) -> None:
    if invite.attempts >= settings.INVITE_MAX_ATTEMPTS:
        _fail(invite, owner, error, report)
        return
    later = timezone.now() + retry_delay(
        invite.attempts, first_seconds=settings.INVITE_RETRY_SECONDS
    )
    if finish_claimed(
        InviteEmail, invite.pk, owner, status=S.PLANNED, next_attempt_at=later, last_error=error
    ):
        report.retried += 1


def _send_one(invite: InviteEmail, owner: str, report: InviteReport) -> None:
    now = timezone.now()
    reason = _stale_reason(invite, now)
    if reason:
        if finish_claimed(InviteEmail, invite.pk, owner, status=S.SUPERSEDED, last_error=reason):
            report.superseded += 1
        return
    address = invite.practitioner.email
    if not address:
        _fail(invite, owner, "the practitioner has no email address", report)
        return
    try:
        send_invite(
            _invite(
                invite.session,
                to=address,
                method=invite.method,
                heading=HEADINGS[K(invite.kind)],
                now=now,
            )
        )
    except Exception as exc:  # any mail server or network fault: try again later
        logger.warning("calendar invite %s to %s not sent: %r", invite.pk, address, exc)
        _retry(invite, owner, f"{type(exc).__name__}: {exc}"[:1000], report)
        return
    if finish_claimed(
        InviteEmail, invite.pk, owner, status=S.SENT, sent_at=timezone.now(), last_error=""
    ):
        report.sent += 1


def invites_send_due(
    *, owner: str | None = None, batch_size: int | None = None, max_batches: int | None = None
) -> InviteReport:
    """Claim and email due invites batch by batch until none is due (or `max_batches`):
    planned rows whose time has come, and rows a worker claimed but left past its lease
    (it stopped). Any number of workers may run this at once; each row goes to one."""
    owner = owner or new_owner()
    size = batch_size or settings.INVITE_BATCH_SIZE
    report = InviteReport()
    batches = 0
    while max_batches is None or batches < max_batches:
        now = timezone.now()
        abandoned = now - dt.timedelta(seconds=settings.INVITE_LEASE_SECONDS)
        due = Q(status=S.PLANNED, next_attempt_at__lte=now) | Q(
            status=S.SENDING, claimed_at__lt=abandoned
        )
        ids = claim_rows(
            InviteEmail, owner=owner, size=size, where=due, order_by=("next_attempt_at", "id")
        )
        if not ids:
            break
        batches += 1
        report.claimed += len(ids)
        for invite in _load(ids):
            _send_one(invite, owner, report)
    return report
