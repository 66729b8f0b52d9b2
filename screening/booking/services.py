"""Booking the one visit: book, reschedule, cancel, attendance, rebooking a missed session.

Every write is atomic: a visit books all its sessions or none. Availability is re-checked
inside the transaction, after queueing behind other bookings of the same practitioners
and room (SQLite serialises writers at BEGIN; PostgreSQL takes advisory locks, see
booking_guards), and the database guards stay the last word: a guard violation becomes
SlotTaken naming the resource.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accounts.models import User
from agencies.local_time import check_date_window, date_words_here
from agencies.models import Agency, Interpreter, Practitioner
from screening import fixed_sql as sql
from screening.booking import availability, queries, taken_words
from screening.booking.availability import SessionToBook
from screening.booking.freed import freed_slot_record
from screening.booking.guards import (
    INTERPRETER_CONSTRAINT,
    SESSION_CONSTRAINT,
    VISIT_CONSTRAINT,
    guard_violated,
    hold_resources,
)
from screening.calendars.invite_planning import invites_plan_for_change
from screening.errors import CaseAlreadyBooked, NotAllowed, SlotTaken, words_when_shown
from screening.messaging.planning import messages_plan_for_visit
from screening.models import (
    LIVE_VISIT,
    Case,
    FreedSlot,
    Review,
    ReviewStatus,
    Room,
    Session,
    Venue,
    Visit,
    VisitHistory,
    VisitStatus,
)
from screening.people.deadlines import closure_days, findings_due_by
from screening.people.workdays import add_working_days
from screening.scheduling.search import GRID_MINUTES


@dataclass(frozen=True)
class SessionRequest:
    agency: Agency
    practitioner: Practitioner
    start: dt.datetime
    end: dt.datetime | None = None


# Documented maximums (README "Limits on input"): each agency is seen once, so a visit
# never has more sessions than this; reasons are a sentence or two for the record.
SESSIONS_LIMIT = 20
REASON_LIMIT = 1000


def _check_reasons(**reasons: str) -> None:
    """Each reason given is at most REASON_LIMIT characters; raises ValidationError naming it."""
    for name, text in reasons.items():
        if len(text) > REASON_LIMIT:
            raise ValidationError(
                {
                    name: [
                        gettext("Write at most %(limit)s characters.")
                        % {"limit": f"{REASON_LIMIT:,}"}
                    ]
                }
            )


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def check_place(*, room: Room | None, venue: Venue | None) -> tuple[Room | None, Venue]:
    """Where a visit is: a room (its venue the room's), or a venue that needs no room (a
    home or school visit). Raises ValidationError naming `room` or `venue`."""
    if room is not None:
        if not room.is_active:
            raise ValidationError({"room": [gettext("This room is no longer in use.")]})
        if venue is not None and venue.pk != room.venue_id:
            raise ValidationError(
                {
                    "room": [
                        gettext("%(room)s is not at %(venue)s.")
                        % {"room": room, "venue": venue.name}
                    ]
                }
            )
        return room, room.venue
    if venue is None:
        raise ValidationError({"room": [gettext("Choose a room, or a home or school venue.")]})
    # Its kind as stored, locked: a change of kind (venue_update) waits for this booking,
    # and then sees its visit (docs/decisions/0024).
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    if venue.needs_room:
        raise ValidationError(
            {
                "room": [
                    gettext("A visit at %(venue)s needs a room there: choose one.")
                    % {"venue": venue.name}
                ]
            }
        )
    return None, venue


def check_sessions(
    *, sessions: Sequence[SessionRequest], room: Room | None, min_gap: int, max_gap: int
) -> list[SessionToBook]:
    """Shape rules of a visit: each agency once, its own practitioner, on the 5-minute grid,
    back to back with gaps in [min_gap, max_gap]; raises ValidationError naming the session."""
    if not sessions:
        raise ValidationError({"sessions": [gettext("A visit needs at least one session.")]})
    if len(sessions) > SESSIONS_LIMIT:
        raise ValidationError(
            {"sessions": [gettext("Give at most %(limit)s sessions.") % {"limit": SESSIONS_LIMIT}]}
        )
    if room is not None and not room.is_active:
        raise ValidationError({"room": [gettext("This room is no longer in use.")]})
    seen: set[str] = set()
    rows: list[SessionToBook] = []
    for index, request in enumerate(sessions):
        name = f"sessions.{index}"
        agency, practitioner = request.agency, request.practitioner
        if agency.code in seen:
            raise ValidationError(
                {f"{name}.agency": [gettext("%(agency)s appears twice.") % {"agency": agency.name}]}
            )
        seen.add(agency.code)
        if practitioner.agency_id != agency.pk:
            raise ValidationError(
                {
                    f"{name}.practitioner": [
                        gettext("%(name)s does not work for %(agency)s.")
                        % {"name": practitioner.name, "agency": agency.name}
                    ]
                }
            )
        if not practitioner.is_active:
            raise ValidationError(
                {
                    f"{name}.practitioner": [
                        gettext("%(name)s is no longer active.") % {"name": practitioner.name}
                    ]
                }
            )
        start = request.start
        if start.tzinfo is None:
            raise ValidationError(
                {f"{name}.start": [gettext("Give the time with its UTC offset.")]}
            )
        check_date_window(**{f"{name}.start": start, f"{name}.end": request.end})
        end = request.end or start + dt.timedelta(minutes=agency.default_duration_minutes)
        if start.second or start.microsecond or start.minute % GRID_MINUTES:
            raise ValidationError(
                {f"{name}.start": [gettext("Sessions start on a 5-minute grid.")]}
            )
        if end <= start:
            raise ValidationError({f"{name}.end": [gettext("A session must end after it starts.")]})
        if end.second or end.microsecond:
            raise ValidationError({f"{name}.end": [gettext("Give the end in whole minutes.")]})
        rows.append(SessionToBook(agency=agency, practitioner=practitioner, start=start, end=end))
    rows.sort(key=lambda row: row.start)
    for before, after in itertools.pairwise(rows):
        gap = (after.start - before.end).total_seconds() / 60
        if not min_gap <= gap <= max_gap:
            agency = after.agency
            index = next(i for i, r in enumerate(sessions) if r.agency == agency)
            raise ValidationError(
                {
                    f"sessions.{index}.start": [
                        gettext(
                            "The gap before the %(agency)s session must be %(least)s to "
                            "%(most)s minutes, not %(gap)s."
                        )
                        % {
                            "agency": agency.name,
                            "least": min_gap,
                            "most": max_gap,
                            "gap": f"{gap:g}",
                        }
                    ]
                }
            )
    return rows


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def _snapshot(visit: Visit, sessions: Sequence[Session] | None = None) -> dict:
    """The visit and its sessions as a history row keeps them (times in UTC); `sessions`
    are the rows just written, when the caller has them, else they are read."""
    if sessions is None:
        sessions = visit.sessions.select_related("agency").order_by("start")
    return {
        "room": visit.room_id,
        "venue": visit.venue_id,
        "interpreter": visit.interpreter_id,
        "start": _iso(visit.start),
        "end": _iso(visit.end),
        "status": visit.status,
        "sessions": [
            {
                "id": s.pk,
                "agency": s.agency.code,
                "practitioner": s.practitioner_id,
                "start": _iso(s.start),
                "end": _iso(s.end),
                "cancelled": s.cancelled,
            }
            for s in sorted(sessions, key=lambda s: s.start)
        ],
    }


def _record(
    visit: Visit,
    *,
    kind: str,
    by: User | None,
    reason: str = "",
    late_reason: str = "",
    sessions: Sequence[Session] | None = None,
    plan_messages: bool = True,
) -> None:
    previous = None
    # Only a move or a cancellation compares with what the visit was (texts to withdraw,
    # invites to cancel); a new booking has no history yet, attendance changes no time.
    if kind in (VisitHistory.Kind.RESCHEDULED, VisitHistory.Kind.CANCELLED):
        previous = visit.history.order_by("-at", "-id").values_list("snapshot", flat=True).first()
    snapshot = _snapshot(visit, sessions)
    VisitHistory.objects.create(
        visit=visit,
        version=visit.version,
        kind=kind,
        by=by,
        reason=reason,
        late_reason=late_reason,
        snapshot=snapshot,
    )
    # The change's side effects, planned in the same transaction so they commit or roll
    # back with it; the outboxes' workers send them after it commits.
    if plan_messages:
        messages_plan_for_visit(visit=visit, kind=kind, previous=previous)
    invites_plan_for_change(visit=visit, kind=kind, previous=previous, snapshot=snapshot)


def _taken_words(
    rows: Sequence[SessionToBook], room: Room | None, interpreter: Interpreter | None = None
) -> dict[str, str]:
    """What each guard's refusal of this visit names, worked out before the write: once a
    guard has refused it, the transaction takes no more queries (not even for the room's
    venue, which its name includes)."""
    names = ", ".join(sorted({r.practitioner.name for r in rows}))
    words = {
        SESSION_CONSTRAINT: words_when_shown(gettext_lazy("practitioner (%(names)s)"), names=names)
    }
    if room is not None:
        words[VISIT_CONSTRAINT] = taken_words.room_taken(room, rows[0].start)
    if interpreter is not None:
        words[INTERPRETER_CONSTRAINT] = taken_words.interpreter_taken(interpreter, rows[0].start)
    return words


def needed_language(case: Case) -> str | None:
    """The language a visit of this case needs an interpreter for, or None."""
    person = case.young_person
    return person.interpreter_language if person.interpreter_needed else None


class _Keep:
    """visit_reschedule's default: the visit keeps its interpreter (re-checked)."""


KEEP = _Keep()


def _raise_taken(error: IntegrityError | OperationalError, taken: dict[str, str]) -> None:
    """A guard's refusal becomes SlotTaken naming the resource; any other error stands."""
    guard = guard_violated(error)
    if guard in taken:
        raise SlotTaken(resource=taken[guard]) from error
    raise error


def visit_deadline(
    *, case: Case, rebook_of: Session | None = None, review: Review | None = None
) -> tuple[dt.date, str]:
    """The day a visit must end by, and whose deadline it is: a rebooking of a missed
    session has its own (rebook_due_by), a review visit the review's due date, any other
    visit the case's visit deadline. The options search and the booking both read it."""
    if rebook_of is not None:
        return rebook_due_by(session=rebook_of), "the missed session's rebooking"
    if review is not None:
        return review.due_by, "the review's"
    return case.visit_due_by, "the case's"


def check_review(*, case: Case, review: Review | None) -> None:
    """A review visit is for an open review of its own case."""
    if review is None:
        return
    if review.case_id != case.pk:
        raise ValidationError({"review": [gettext("This review is not the case's.")]})
    if review.status == ReviewStatus.SIGNED_OFF:
        raise ValidationError(
            {"review": [gettext("This review is signed off: book for an open one.")]}
        )


# The late-reason error, by whose deadline it is (visit_deadline's second value).
_AFTER_DEADLINE = {
    "the case's": gettext_lazy(
        "This visit is after the case's deadline of %(day)s: say why, for the timeliness report."
    ),
    "the review's": gettext_lazy(
        "This visit is after the review's deadline of %(day)s: say why, for the timeliness report."
    ),
    "the missed session's rebooking": gettext_lazy(
        "This visit is after the missed session's rebooking deadline of %(day)s: say why, for "
        "the timeliness report."
    ),
}


def _check_deadline(
    *,
    case: Case,
    rebook_of: Session | None,
    end: dt.datetime,
    late_reason: str,
    review: Review | None = None,
) -> None:
    """A visit after its deadline (visit_deadline) needs a late reason."""
    due_by, whose = visit_deadline(case=case, rebook_of=rebook_of, review=review)
    if _local_date(end) > due_by and not late_reason.strip():
        raise ValidationError(
            {
                "late_reason": [
                    _AFTER_DEADLINE.get(whose, _AFTER_DEADLINE["the case's"])
                    % {"day": date_words_here(due_by)}
                ]
            }
        )


def _check_notice(*, start: dt.datetime) -> None:
    minutes = settings.SCREENING_SCHEDULING["minimum_notice_minutes"]
    notice = dt.timedelta(minutes=minutes)
    if start < timezone.now() + notice:
        raise ValidationError(
            {
                "sessions.0.start": [
                    gettext("A visit needs at least %(minutes)s minutes' notice.")
                    % {"minutes": minutes}
                ]
            }
        )


def _write_sessions(
    visit: Visit, rows: Sequence[SessionToBook], keep: dict[str, Session]
) -> list[Session]:
    """Write the visit's sessions: kept ones (a reschedule keeps their ids) are updated,
    new ones inserted in one statement; the database guards check every row either way."""
    new, written = [], []
    for row in rows:
        session = keep.get(row.agency.code) or Session(visit=visit, agency=row.agency)
        session.practitioner = row.practitioner
        session.start, session.end = row.start, row.end
        session.buffer_minutes = row.practitioner.buffer_minutes
        session.hold()  # bulk_create does not call save()
        session.cancelled = False
        if session.pk is None:
            new.append(session)
        else:
            session.save()
        written.append(session)
    Session.objects.bulk_create(new)
    return written


@transaction.atomic
def visit_book(
    *,
    case: Case,
    room: Room | None = None,
    sessions: Sequence[SessionRequest],
    booked_by: User | None = None,
    late_reason: str = "",
    min_gap: int | None = None,
    max_gap: int | None = None,
    rebook_of: Session | None = None,
    rebook_reason: str = "",
    record_past: bool = False,
    interpreter: Interpreter | None = None,
    review: Review | None = None,
    venue: Venue | None = None,
) -> Visit:
    """Book a visit (room, or a `venue` that needs none, plus one session per agency) or
    nothing; raises ValidationError
    for a visit that breaks a rule, SlotTaken when someone else took a part of it, and
    CaseAlreadyBooked (a SlotTaken) when the case has a booked visit with one of its
    agencies already.

    `record_past` records a visit that already took place (importing earlier records):
    only the minimum-notice rule is waived; every other rule still applies. A rebooking of
    the missed session `rebook_of` keeps `rebook_reason` apart from `late_reason`, which it
    needs only after its own rebooking deadline. A young person who needs an interpreter
    gets `interpreter` for the visit's whole span (availability.check_interpreter). A
    visit for `review` (an open review of the case) is due by the review's due date.
    """
    config = settings.SCREENING_SCHEDULING
    min_gap = config["min_gap_minutes"] if min_gap is None else min_gap
    max_gap = config["max_gap_minutes"] if max_gap is None else max_gap
    room, venue = check_place(room=room, venue=venue)
    rows = check_sessions(sessions=sessions, room=room, min_gap=min_gap, max_gap=max_gap)
    _check_reasons(late_reason=late_reason, reason=rebook_reason)
    start, end = rows[0].start, rows[-1].end
    if not record_past:
        _check_notice(start=start)
    check_review(case=case, review=review)
    _check_deadline(case=case, rebook_of=rebook_of, end=end, late_reason=late_reason, review=review)
    # Queued behind any other booking of this case too, the read below is settled.
    hold_resources(
        practitioners=[r.practitioner.pk for r in rows],
        room=room.pk if room is not None else None,
        case=case.pk,
        interpreter=interpreter.pk if interpreter is not None else None,
    )
    # A session marked missed holds its agency no longer: its rebooking is booked while
    # the rest of its visit may still be under way.
    live = sql.fetch(
        queries.CASE_AGENCIES_BOOKED,
        [case.pk, VisitStatus.BOOKED.value, False, sql.Many(r.agency.pk for r in rows), True],
    )
    if live:
        booked = {agency_id for (agency_id,) in live}
        raise CaseAlreadyBooked(
            reference=case.reference,
            agencies=", ".join(r.agency.name for r in rows if r.agency.pk in booked),
        )
    closures = closure_days()
    availability.check_bookable(room=room, venue=venue, sessions=rows, closures=closures)
    availability.check_interpreter(
        interpreter=interpreter, needed_language=needed_language(case), start=start, end=end
    )
    taken = _taken_words(rows, room, interpreter)
    try:
        # No savepoint: a guard violation ends this booking's transaction anyway (the
        # SlotTaken raised below rolls it back), so the extra round trips buy nothing.
        with transaction.atomic(savepoint=False):
            visit = Visit.objects.create(
                case=case,
                room=room,
                venue=venue,
                interpreter=interpreter,
                start=start,
                end=end,
                booked_by=booked_by,
                late_reason=late_reason,
                rebook_of=rebook_of,
                rebook_reason=rebook_reason,
                review=review,
            )
            written = _write_sessions(visit, rows, keep={})
    except (IntegrityError, OperationalError) as error:
        _raise_taken(error, taken)
    case.findings_due_by = findings_due_by(visit_date=_local_date(end), closures=closures)
    case.save(update_fields=["findings_due_by"])
    _record(
        visit,
        kind=VisitHistory.Kind.BOOKED,
        by=booked_by,
        reason=rebook_reason,
        late_reason=late_reason,
        sessions=written,
    )
    return visit


@transaction.atomic
def visit_reschedule(
    *,
    visit: Visit,
    room: Room | None = None,
    sessions: Sequence[SessionRequest],
    changed_by: User | None = None,
    reason: str = "",
    late_reason: str = "",
    min_gap: int | None = None,
    max_gap: int | None = None,
    interpreter: Interpreter | _Keep | None = KEEP,
    venue: Venue | None = None,
) -> Visit:
    """Move a booked visit (to `room`, or to a `venue` that needs none); sessions keep
    their ids (and calendar UIDs), version rises.
    `reason` (why it moves) goes into the visit's history; `late_reason` is needed after the
    deadline (the case's, or a rebooking's own). The visit keeps its interpreter unless
    `interpreter` names another (or None); either way they are re-checked at the new time."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if not visit.is_changeable():
        raise NotAllowed(gettext("Only a booked visit that has not started can be rescheduled."))
    config = settings.SCREENING_SCHEDULING
    min_gap = config["min_gap_minutes"] if min_gap is None else min_gap
    max_gap = config["max_gap_minutes"] if max_gap is None else max_gap
    room, venue = check_place(room=room, venue=venue)
    rows = check_sessions(sessions=sessions, room=room, min_gap=min_gap, max_gap=max_gap)
    existing = {s.agency.code: s for s in visit.sessions.select_related("agency")}
    if set(existing) != {r.agency.code for r in rows}:
        raise ValidationError(
            {
                "sessions": [
                    gettext("A rescheduled visit keeps the same agencies: %(agencies)s.")
                    % {"agencies": ", ".join(sorted(existing))}
                ]
            }
        )
    _check_reasons(reason=reason, late_reason=late_reason)
    start, end = rows[0].start, rows[-1].end
    _check_notice(start=start)
    _check_deadline(
        case=visit.case,
        rebook_of=visit.rebook_of,
        end=end,
        late_reason=late_reason,
        review=visit.review,
    )
    if isinstance(interpreter, _Keep):
        interpreter = visit.interpreter
    hold_resources(
        practitioners=[r.practitioner.pk for r in rows],
        room=room.pk if room is not None else None,
        interpreter=interpreter.pk if interpreter is not None else None,
    )
    closures = closure_days()
    availability.check_bookable(
        room=room, venue=venue, sessions=rows, ignore_visit=visit, closures=closures
    )
    availability.check_interpreter(
        interpreter=interpreter,
        needed_language=needed_language(visit.case),
        start=start,
        end=end,
        ignore_visit=visit,
    )
    taken = _taken_words(rows, room, interpreter)
    freed_slot_record(visit=visit, cause=FreedSlot.Cause.RESCHEDULED)
    try:
        with transaction.atomic(savepoint=False):  # as in visit_book
            # Release the old holds first so the visit may overlap its own old times.
            Session.objects.filter(visit=visit).update(cancelled=True)
            visit.room, visit.venue, visit.start, visit.end = room, venue, start, end
            visit.interpreter = interpreter
            visit.version += 1
            # A YES confirmed the old time, not the new one.
            visit.confirmed_at = None
            if late_reason:
                visit.late_reason = late_reason
            visit.save()
            _write_sessions(visit, rows, keep=existing)
    except (IntegrityError, OperationalError) as error:
        _raise_taken(error, taken)
    visit.case.findings_due_by = findings_due_by(visit_date=_local_date(end), closures=closures)
    visit.case.save(update_fields=["findings_due_by"])
    _record(
        visit,
        kind=VisitHistory.Kind.RESCHEDULED,
        by=changed_by,
        reason=reason.strip(),
        late_reason=late_reason,
    )
    return visit


def _findings_due_again(*, case: Case) -> None:
    """The case's findings deadline after a visit is cancelled: from the last of its live
    visits (a rebooking's original visit), or none when no visit is left."""
    last = (
        Visit.objects.filter(case=case, status__in=LIVE_VISIT)
        .order_by("-end")
        .values_list("end", flat=True)
        .first()
    )
    case.findings_due_by = None if last is None else findings_due_by(visit_date=_local_date(last))
    case.save(update_fields=["findings_due_by"])


@transaction.atomic
def visit_cancel(*, visit: Visit, reason: str, cancelled_by: User | None = None) -> Visit:
    """Cancel a booked visit with a reason; its practitioners and room are free again."""
    if not reason or not reason.strip():
        raise ValidationError({"reason": [gettext("Say why the visit is cancelled.")]})
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != VisitStatus.BOOKED:
        raise NotAllowed(
            gettext("This visit is %(status)s.") % {"status": visit.get_status_display().lower()}
        )
    freed_slot_record(visit=visit, cause=FreedSlot.Cause.CANCELLED)
    visit.status = VisitStatus.CANCELLED
    visit.cancel_reason = reason.strip()
    visit.version += 1
    visit.save()
    visit.sessions.update(cancelled=True)
    _findings_due_again(case=visit.case)
    _record(visit, kind=VisitHistory.Kind.CANCELLED, by=cancelled_by, reason=visit.cancel_reason)
    return visit


@transaction.atomic
def session_record_attendance(
    *, session: Session, attended: bool, reason: str = "", recorded_by: User | None = None
) -> Session:
    """Record attended / did not attend (with a reason), not before the session starts;
    the visit is completed once every session has an outcome."""
    # The visit's sessions, locked and read once (the lock takes the visit's row with them,
    # as locking the one session did): the one recorded, both history rows, and whether
    # every session now has its outcome.
    sessions = list(
        Session.objects.select_for_update()
        .select_related("visit", "agency")
        .filter(visit_id=session.visit_id)
        .order_by("start")
    )
    session = next((s for s in sessions if s.pk == session.pk), None)
    if session is None:
        raise Session.DoesNotExist("The session was not found.")
    visit = session.visit
    if visit.status == VisitStatus.CANCELLED or session.cancelled:
        raise NotAllowed(gettext("This session was cancelled."))
    if timezone.now() < session.start:
        raise NotAllowed(gettext("Attendance can be recorded once the session has started."))
    if not attended and not reason.strip():
        raise ValidationError({"reason": [gettext("Say why the young person did not attend.")]})
    session.attended = attended
    session.attendance_reason = reason.strip()
    session.attendance_recorded_at = timezone.now()
    session.save(update_fields=["attended", "attendance_reason", "attendance_recorded_at"])
    _record(
        visit,
        kind=VisitHistory.Kind.ATTENDANCE,
        by=recorded_by,
        reason=f"{session.agency.code}: {'attended' if attended else 'did not attend'}",
        sessions=sessions,
    )
    if not any(not s.cancelled and s.attended is None for s in sessions):
        visit.status = VisitStatus.COMPLETED
        visit.save(update_fields=["status"])
        # The attendance row above has just withdrawn the visit's planned reminders, in
        # this transaction: completing it has none left to withdraw.
        _record(
            visit,
            kind=VisitHistory.Kind.COMPLETED,
            by=recorded_by,
            sessions=sessions,
            plan_messages=False,
        )
    return session


def rebook_due_by(*, session: Session) -> dt.date:
    """A missed session is rebooked within a set number of working days."""
    return add_working_days(
        _local_date(session.start),
        settings.SCREENING_DEADLINES["missed_visit_rebook_working_days"],
        closures=closure_days(),
    )


@transaction.atomic
def session_rebook(
    *,
    missed: Session,
    room: Room | None = None,
    practitioner: Practitioner,
    start: dt.datetime,
    end: dt.datetime | None = None,
    reason: str,
    late_reason: str = "",
    booked_by: User | None = None,
    interpreter: Interpreter | None = None,
    venue: Venue | None = None,
) -> Visit:
    """Book a one-session visit for the one agency whose session was missed, with why it is
    rebooked; after the rebooking deadline (rebook_due_by) also why so late, kept apart.
    The rest of the missed session's visit may still be to come."""
    if missed.attended is not False:
        raise NotAllowed(gettext("Only a session marked 'did not attend' is rebooked this way."))
    if missed.rebooked_by.filter(status=VisitStatus.BOOKED).exists():
        raise NotAllowed(gettext("This missed session is already rebooked."))
    if not reason.strip():
        raise ValidationError({"reason": [gettext("Say why the session is rebooked.")]})
    return visit_book(
        case=missed.visit.case,
        room=room,
        venue=venue,
        booked_by=booked_by,
        rebook_of=missed,
        sessions=[
            SessionRequest(agency=missed.agency, practitioner=practitioner, start=start, end=end)
        ],
        rebook_reason=reason.strip(),
        late_reason=late_reason.strip(),
        interpreter=interpreter,
    )
