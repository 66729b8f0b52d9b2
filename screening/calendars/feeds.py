"""What the calendars show: stable UIDs, the text of each event, and the feeds.

Nothing sensitive leaves through a calendar: the young person's initials and case
reference, the agency, the venue and the room; never a full name, never a finding.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext

from agencies.local_time import yot_zone
from agencies.models import Interpreter, Practitioner
from screening.integrations.email import staff_language
from screening.integrations.ical import CalendarEntry, build_calendar
from screening.models import Room, Session, Venue, Visit, VisitStatus

FEED_PAST = dt.timedelta(days=30)
FEED_FUTURE = dt.timedelta(days=365)


def uid_domain() -> str:
    return urlsplit(settings.PUBLIC_BASE_URL).hostname or "localhost"


def session_uid(session_id: int) -> str:
    """One UID for the life of a session, whatever changes (RFC 5545 3.8.4.7)."""
    return f"session-{session_id}@{uid_domain()}"


def visit_uid(visit_id: int) -> str:
    return f"visit-{visit_id}@{uid_domain()}"


@dataclass(frozen=True)
class HeldAs:
    """A session's time and room as a practitioner taken off it was sent them (`venue`
    for a visit with no room: a home or school visit)."""

    start: dt.datetime
    end: dt.datetime
    room: Room | None
    venue: Venue | None = None

    @property
    def place(self) -> Venue:
        """The venue: the room's, or the roomless visit's."""
        return self.room.venue if self.room is not None else self.venue


def _where(room: Room | None, venue: Venue | None = None) -> tuple[str, str]:
    if room is None:  # a home or school visit: the venue alone
        location = f"{venue.name}, {' '.join(venue.address.split())}"
        return location, gettext("Venue: %(venue)s\nAddress: %(address)s") % {
            "venue": venue.name,
            "address": venue.address,
        }
    venue = room.venue
    location = f"{venue.name}, {room.name}, {' '.join(venue.address.split())}"
    return location, gettext("Venue: %(venue)s\nRoom: %(room)s\nAddress: %(address)s") % {
        "venue": venue.name,
        "room": room.name,
        "address": venue.address,
    }


def _hhmm(moment: dt.datetime) -> str:
    return f"{moment.astimezone(yot_zone()):%H:%M}"


def who(visit: Visit) -> str:
    """How a calendar names the young person: initials and case reference only."""
    return f"{visit.case.young_person.initials} {visit.case.reference}"


def session_entry(
    session: Session,
    *,
    cancelled: bool | None = None,
    attendee: str | None = None,
    held_as: HeldAs | None = None,
) -> CalendarEntry:
    """A session as a calendar event; SEQUENCE is the visit's version, which rises with
    every reschedule and cancellation. `held_as` gives the time and room a practitioner
    taken off the session had (their cancellation names those, not the new ones)."""
    visit = session.visit
    if cancelled is None:
        cancelled = session.cancelled or visit.status == VisitStatus.CANCELLED
    held = held_as or HeldAs(
        start=session.start, end=session.end, room=visit.room, venue=visit.venue
    )
    location, where = _where(held.room, held.venue)
    span = (
        ""
        if held_as
        else "\n"
        + gettext("The whole visit runs %(start)s to %(end)s.")
        % {"start": _hhmm(visit.start), "end": _hhmm(visit.end)}
    )
    names = {"agency": session.agency.name, "who": who(visit)}
    summary = (
        gettext("Cancelled: Screening (%(agency)s): %(who)s")
        if cancelled
        else gettext("Screening (%(agency)s): %(who)s")
    )
    return CalendarEntry(
        uid=session_uid(session.pk),
        sequence=visit.version,
        start=held.start,
        end=held.end,
        summary=summary % names,
        description=(
            gettext("One-visit screening, %(agency)s session with %(who)s.") % names
            + f"\n{where}{span}"
            + ("\n" + gettext("This session is cancelled.") if cancelled else "")
        ),
        location=location,
        cancelled=cancelled,
        attendee_email=attendee,
    )


def visit_entry(visit: Visit) -> CalendarEntry:
    """A visit as the room sees it: held from the first session's start to the last's end."""
    cancelled = visit.status == VisitStatus.CANCELLED
    location, where = _where(visit.room, visit.venue)
    agencies = ", ".join(s.agency.name for s in visit.sessions.all() if not s.cancelled)
    return CalendarEntry(
        uid=visit_uid(visit.pk),
        sequence=visit.version,
        start=visit.start,
        end=visit.end,
        summary=(
            gettext("Cancelled: Screening visit: %(who)s")
            if cancelled
            else gettext("Screening visit: %(who)s")
        )
        % {"who": who(visit)},
        description=gettext("One-visit screening with %(who)s.") % {"who": who(visit)}
        + "\n"
        + gettext("Sessions: %(agencies)s.") % {"agencies": agencies or gettext("none")}
        + "\n"
        + where,
        location=location,
        cancelled=cancelled,
    )


def _window(now: dt.datetime) -> Q:
    return Q(start__gte=now - FEED_PAST, start__lte=now + FEED_FUTURE)


def _sessions() -> QuerySet[Session]:
    return Session.objects.select_related(
        "agency", "visit__case__young_person", "visit__room__venue"
    ).order_by("start", "id")


def practitioner_for_feed(*, practitioner_id: int, token: str) -> Practitioner | None:
    """The active practitioner whose feed secret this is, or None (compared in constant
    time, so the answer's timing says nothing about the secret)."""
    practitioner = Practitioner.objects.filter(pk=practitioner_id, is_active=True).first()
    expected = practitioner.feed_token if practitioner else "x" * 32
    if not hmac.compare_digest(expected.encode(), (token or "").encode()) or not practitioner:
        return None
    return practitioner


def room_for_feed(*, room_id: int, token: str) -> Room | None:
    """The room whose feed secret this is, or None (constant-time comparison)."""
    room = Room.objects.select_related("venue").filter(pk=room_id).first()
    expected = room.feed_token if room else "x" * 32
    if not hmac.compare_digest(expected.encode(), (token or "").encode()) or not room:
        return None
    return room


def _in_english(entry, rows) -> list[CalendarEntry]:
    """Feeds with no one person's choice to go by (a room's) are in the service's language,
    whatever the calendar app asked for."""
    with translation.override(settings.LANGUAGE_CODE):
        return [entry(row) for row in rows]


def practitioner_feed(*, practitioner: Practitioner, now: dt.datetime | None = None) -> bytes:
    """The practitioner's sessions from 30 days back to a year ahead; cancelled ones stay,
    marked CANCELLED, so subscribed calendars remove them."""
    now = now or timezone.now()
    sessions = _sessions().filter(_window(now), practitioner=practitioner)
    with translation.override(staff_language(practitioner)):  # the practitioner's choice
        entries = [session_entry(s) for s in sessions]
    return build_calendar(
        method="PUBLISH",
        entries=entries,
        organizer=settings.DEFAULT_FROM_EMAIL,
        zone=yot_zone(),
        name=f"Screening sessions: {practitioner.agency.name}",
        now=now,
    )


def room_feed(*, room: Room, now: dt.datetime | None = None) -> bytes:
    """The room's visits (each held for its whole span), cancelled ones marked CANCELLED."""
    now = now or timezone.now()
    visits = (
        Visit.objects.filter(_window(now), room=room)
        .select_related("case__young_person", "room__venue", "venue")
        .prefetch_related("sessions__agency")
        .order_by("start", "id")
    )
    return build_calendar(
        method="PUBLISH",
        entries=_in_english(visit_entry, visits),
        organizer=settings.DEFAULT_FROM_EMAIL,
        zone=yot_zone(),
        name=f"Screening visits: {room.venue.name}, {room.name}",
        now=now,
    )


def interpreter_for_feed(*, interpreter_id: int, token: str) -> Interpreter | None:
    """The active interpreter whose feed secret this is, or None (constant-time comparison)."""
    interpreter = Interpreter.objects.filter(pk=interpreter_id, is_active=True).first()
    expected = interpreter.feed_token if interpreter else "x" * 32
    if not hmac.compare_digest(expected.encode(), (token or "").encode()) or not interpreter:
        return None
    return interpreter


def interpreter_feed(*, interpreter: Interpreter, now: dt.datetime | None = None) -> bytes:
    """The visits the interpreter is held for (each for its whole span, gaps included), as
    the room sees them; cancelled ones stay, marked CANCELLED. A visit moved to another
    interpreter leaves this feed, and subscribed calendars drop it."""
    now = now or timezone.now()
    visits = (
        Visit.objects.filter(_window(now), interpreter=interpreter)
        .select_related("case__young_person", "room__venue", "venue")
        .prefetch_related("sessions__agency")
        .order_by("start", "id")
    )
    with translation.override(staff_language(interpreter)):  # their invite language
        entries = [visit_entry(v) for v in visits]
    return build_calendar(
        method="PUBLISH",
        entries=entries,
        organizer=settings.DEFAULT_FROM_EMAIL,
        zone=yot_zone(),
        name="Screening visits: interpreting",
        now=now,
    )
