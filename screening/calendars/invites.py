"""Sending the calendar invites planned when a visit is booked, moved or cancelled, through
the invite outbox (docs/decisions/0005-calendars.md).

Planning is in `invite_planning` (inside the booking transaction). Sending:
`invites_send_due` (the background worker: `run_dispatcher`, or the Celery task
`screening.send_due_invites`) claims due rows, builds each message from the rows as they
are then (SEQUENCE is the visit's version) and emails it. A row whose visit has changed
again since is superseded: the newer change's rows carry the current state. A
cancellation to a practitioner whose invitation never went (superseded before it was sent)
is withdrawn: nothing reached their calendar, so nothing is cancelled. A failed
email is retried with backoff, then marked failed with a task for the YOT admins.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from agencies.local_time import day_words_here, local, yot_zone
from screening.calendars.feeds import HeldAs, session_entry, visit_entry, who
from screening.integrations.email import Invite, send_invite, staff_language
from screening.integrations.ical import build_calendar
from screening.models import AdminTask, InviteEmail, InviteStatus, Session, Visit
from screening.outbox import EmailOutbox, OutboxReport
from screening.worktray.services import admin_task_create
from screening.worktray.words import moment, said

logger = logging.getLogger(__name__)

S = InviteStatus
K = InviteEmail.Kind
REQUEST, CANCEL = InviteEmail.Method.REQUEST, InviteEmail.Method.CANCEL
HEADINGS = {
    K.BOOKED: gettext_lazy("Screening session"),
    K.MOVED: gettext_lazy("Moved"),
    K.CANCELLED: gettext_lazy("Cancelled"),
}


def _when(moment: dt.datetime) -> str:
    """'Wednesday 24 February 2027 at 10:00', in the YOT's zone and the active language."""
    wall = local(moment)
    return gettext("%(day)s at %(time)s") % {
        "day": day_words_here(wall.date()),
        "time": f"{wall:%H:%M}",
    }


def _where_when(when: str, held: HeldAs) -> str:
    venue = held.place
    where = (
        gettext("Where: %(venue)s, %(room)s") % {"venue": venue.name, "room": held.room.name}
        if held.room is not None  # a home or school visit: the venue alone
        else gettext("Where: %(venue)s") % {"venue": venue.name}
    )
    return (
        gettext("When: %(when)s to %(end)s")
        % {"when": when, "end": f"{held.end.astimezone(yot_zone()):%H:%M}"}
        + "\n"
        + where
        + f"\n{venue.address}\n\n"
    )


# --- the message -----------------------------------------------------------------------------


def _invite(
    session: Session,
    *,
    to: str,
    method: str,
    heading: str,
    now: dt.datetime,
    held_as: HeldAs | None = None,
) -> Invite:
    cancelled = method == CANCEL
    entry = session_entry(session, cancelled=cancelled, attendee=to, held_as=held_as)
    visit = session.visit
    held = held_as or HeldAs(
        start=session.start, end=session.end, room=visit.room, venue=visit.venue
    )
    when = _when(held.start)
    text = (
        f"{heading}\n\n"
        + gettext("%(agency)s screening session with %(who)s")
        % {"agency": session.agency.name, "who": who(visit)}
        + "\n"
        + _where_when(when, held)
        + (
            gettext("Your calendar will remove this session.")
            if cancelled
            else gettext("The attached invitation adds it to your calendar.")
        )
        + "\n"
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


def _visit_invite(
    visit: Visit,
    *,
    to: str,
    method: str,
    heading: str,
    now: dt.datetime,
    held_as: HeldAs | None = None,
) -> Invite:
    """An interpreter's invite: the whole visit, from its first session's start to its last
    session's end (they are held between sessions too)."""
    cancelled = method == CANCEL
    held = held_as or HeldAs(start=visit.start, end=visit.end, room=visit.room, venue=visit.venue)
    entry = replace(
        visit_entry(visit),
        start=held.start,
        end=held.end,
        cancelled=cancelled,
        attendee_email=to,
    )
    when = _when(held.start)
    text = (
        f"{heading}\n\n"
        + gettext("Interpreting for a screening visit with %(who)s, held for the whole visit")
        % {"who": who(visit)}
        + "\n"
        + _where_when(when, held)
        + (
            gettext("Your calendar will remove this visit.")
            if cancelled
            else gettext("The attached invitation adds it to your calendar.")
        )
        + "\n"
    )
    return Invite(
        to=to,
        subject=gettext("%(heading)s: interpreting, %(when)s (%(who)s)")
        % {"heading": heading, "when": when, "who": who(visit)},
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


def _recipient(invite: InviteEmail):
    """Who the invite is for: its practitioner, or the visit's interpreter."""
    return invite.interpreter if invite.interpreter_id else invite.practitioner


def _held_as(invite: InviteEmail) -> HeldAs | None:
    """The old time and room a cancellation to a practitioner taken off the session names."""
    if invite.previous_start is None or invite.previous_end is None or not invite.previous_room:
        return None
    return HeldAs(start=invite.previous_start, end=invite.previous_end, room=invite.previous_room)


# --- sending ---------------------------------------------------------------------------------


@dataclass
class InviteReport(OutboxReport):
    superseded: int = 0
    withdrawn: int = 0


# An earlier invitation in one of these states never reached the practitioner: it was
# superseded or withdrawn, or is still planned and will be superseded (its visit changed).
NEVER_SENT = [S.PLANNED, S.SUPERSEDED, S.WITHDRAWN]


def _was_invited(invite: InviteEmail) -> bool:
    """Whether an earlier invitation to this session may have reached this practitioner:
    sent, being sent now, or failed (the admins were asked to tell them by phone)."""
    return (
        InviteEmail.objects.filter(
            session_id=invite.session_id,
            practitioner_id=invite.practitioner_id,
            interpreter_id=invite.interpreter_id,
            method=REQUEST,
            visit_version__lt=invite.visit_version,
        )
        .exclude(status__in=NEVER_SENT)
        .exists()
    )


def _stale_reason(invite: InviteEmail, now: dt.datetime) -> str:
    session = invite.session
    visit = session.visit
    held = _held_as(invite)
    if held is not None:
        # Taken off the session: no newer change writes to them again, so their cancel
        # stands, unless a newer change put them back on it (its invitation stands).
        holder = visit.interpreter_id if invite.interpreter_id else session.practitioner_id
        if visit.version != invite.visit_version and holder == (
            invite.interpreter_id or invite.practitioner_id
        ):
            return f"put back on the session since (version {visit.version}); its invite stands"
        if held.end <= now:
            return "session already ended"
        return ""
    if visit.version != invite.visit_version:
        return f"visit changed since (now version {visit.version}); its newer invites stand"
    if visit.end <= now:
        return "visit already ended"
    return ""


# How a task names an invite that could not be emailed: (cancellation?, interpreting?).
DESCRIBED = {
    (False, False): gettext_noop(
        "The calendar invitation for %(name)s (%(agency)s session on %(when)s, visit of %(who)s)"
    ),
    (False, True): gettext_noop(
        "The calendar invitation for %(name)s (interpreting on %(when)s, visit of %(who)s)"
    ),
    (True, False): gettext_noop(
        "The calendar cancellation for %(name)s (%(agency)s session on %(when)s, visit of %(who)s)"
    ),
    (True, True): gettext_noop(
        "The calendar cancellation for %(name)s (interpreting on %(when)s, visit of %(who)s)"
    ),
}
NO_ADDRESS = gettext_noop("them (no email address recorded)")


def _describe(invite: InviteEmail) -> dict:
    """The invite, as a task's wording part."""
    session = invite.session
    held = _held_as(invite)
    interpreting = bool(invite.interpreter_id)
    parts = {
        "name": _recipient(invite).name,
        "when": moment(held.start if held else _start(invite), "day_year_at_time"),
        "who": who(session.visit),
    }
    if not interpreting:
        parts["agency"] = invite.session.agency.name
    return said(DESCRIBED[(invite.method == CANCEL, interpreting)], **parts)


def _start(invite: InviteEmail) -> dt.datetime:
    return invite.session.visit.start if invite.interpreter_id else invite.session.start


class _InviteOutbox(EmailOutbox[InviteEmail, InviteReport]):
    model = InviteEmail
    settings_prefix = "INVITE"  # INVITE_BATCH_SIZE, _LEASE_SECONDS, _MAX_ATTEMPTS, _RETRY_SECONDS
    report_class = InviteReport
    no_address = "the practitioner has no email address"

    def load(self, ids: list[int]) -> list[InviteEmail]:
        return list(
            InviteEmail.objects.filter(pk__in=ids)
            .select_related(
                "practitioner",
                "interpreter",
                "session__agency",
                "session__visit__case__young_person",
                "session__visit__room__venue",
                "session__visit__venue",
                "previous_room__venue",
            )
            .order_by("next_attempt_at", "id")
        )

    def stale(self, row: InviteEmail, now: dt.datetime) -> bool:
        """A row whose visit changed again, or ended, is superseded instead of sent; a
        cancellation to a practitioner never sent an invitation is withdrawn."""
        reason = _stale_reason(row, now)
        if reason:
            if self.finish(row, status=S.SUPERSEDED, last_error=reason):
                self.report.superseded += 1
            return True
        if row.method == CANCEL and not _was_invited(row):
            reason = "they were never sent an invitation to this session: nothing to cancel"
            if self.finish(row, status=S.WITHDRAWN, last_error=reason):
                self.report.withdrawn += 1
            return True
        return False

    def address(self, row: InviteEmail) -> str:
        return _recipient(row).email

    def send(self, row: InviteEmail, address: str, now: dt.datetime) -> None:
        with translation.override(staff_language(_recipient(row))):
            self._send(row, address, now)

    def _send(self, row: InviteEmail, address: str, now: dt.datetime) -> None:
        kind = K(row.kind)
        if kind == K.MOVED and not _was_invited(row):
            kind = K.BOOKED  # the invitation it moves never went: this one is the first
        heading = HEADINGS[kind]
        if row.interpreter_id:
            send_invite(
                _visit_invite(
                    row.session.visit,
                    to=address,
                    method=row.method,
                    heading=heading,
                    now=now,
                    held_as=_held_as(row),
                )
            )
            return
        send_invite(
            _invite(
                row.session,
                to=address,
                method=row.method,
                heading=heading,
                now=now,
                held_as=_held_as(row),
            )
        )

    def refused(self, row: InviteEmail, address: str, exc: Exception) -> None:
        logger.warning("calendar invite %s to %s not sent: %r", row.pk, address, exc)

    def open_failed_task(self, row: InviteEmail, error: str) -> None:
        admin_task_create(
            kind=AdminTask.Kind.INVITE_FAILED,
            visit=row.session.visit,
            wording=said(
                gettext_noop(
                    "%(invite)s could not be emailed to %(address)s after %(tries)s tries: "
                    "%(error)s. Tell them by phone, and check their email address and the mail "
                    "server."
                ),
                invite=_describe(row),
                address=_recipient(row).email or said(NO_ADDRESS),
                tries=row.attempts,
                error=error[:200],
            ),
        )


def invites_send_due(
    *, owner: str | None = None, batch_size: int | None = None, max_batches: int | None = None
) -> InviteReport:
    """Claim and email due invites batch by batch until none is due (or `max_batches`):
    planned rows whose time has come, and rows a worker claimed but left past its lease
    (it stopped). Any number of workers may run this at once; each row goes to one."""
    return _InviteOutbox(owner).send_due(batch_size=batch_size, max_batches=max_batches)
