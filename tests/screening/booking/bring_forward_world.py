"""A small YOT for bring-forward tests: one practitioner per agency working Tuesdays and
Thursdays 10:00-17:00, one room; now is Monday 1 March 2027 08:00 (London)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from agencies.models import Agency, Interpreter, Practitioner
from screening.booking.options import visit_options
from screening.booking.services import SessionRequest, visit_book
from screening.models import Case, Room, Venue, Visit
from screening.scheduling.expand import from_minutes
from screening.venues.services import venue_create
from tests.factories import make_case, make_room, make_working_practitioner, make_young_person

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 3, 1, 8, 0, tzinfo=LONDON)
CODES = ["speech_language", "health", "education", "social_care"]
# An order starting Monday 1 March 2027 makes the visit due Monday 8 March 2027.
ORDER_START = dt.date(2027, 3, 1)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2027, 3, day, hour, minute, tzinfo=LONDON)


def make_world(monkeypatch) -> Room:
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(dt.UTC))
    for code in CODES:
        make_working_practitioner(agency=code, weekdays=(1, 3), hours=(10, 17))
    return make_room()


def sessions_of(option) -> tuple[Room | None, list[SessionRequest]]:
    """The option's room (None at a venue that needs none: see venue_of) and sessions."""
    agencies = {a.code: a for a in Agency.objects.all()}
    people = Practitioner.objects.in_bulk([s.practitioner for s in option.sessions])
    room = Room.objects.get(pk=option.room) if option.room > 0 else None
    return room, [
        SessionRequest(
            agency=agencies[s.agency],
            practitioner=people[s.practitioner],
            start=from_minutes(s.start),
            end=from_minutes(s.end),
        )
        for s in option.sessions
    ]


def venue_of(option) -> Venue | None:
    """The home or school venue of an option that needs no room (the engine's place id is
    minus the venue's id), else None: the room says where it is."""
    return Venue.objects.get(pk=-option.room) if option.room < 0 else None


def make_home(travel_minutes: int = 20) -> Venue:
    """The young person's home, as the demo has it: one venue for every family's home (the
    address is on the case record), `travel_minutes` from the practitioners' base."""
    return venue_create(
        name="Young person's home",
        address="The address on the case record",
        kind="home",
        text_name="your home",
        travel_minutes=travel_minutes,
    )


def interpreter_of(option) -> Interpreter | None:
    """The interpreter the option holds (None: the young person needs none)."""
    return None if option.interpreter is None else Interpreter.objects.get(pk=option.interpreter)


def book_at(case: Case, start: dt.datetime, *, venue: Venue | None = None) -> Visit:
    """Book the case's earliest option from `start` (which must start then), with the
    interpreter it holds; at `venue` (a home or school) when given, else in a room."""
    found = visit_options(
        case=case,
        not_before=start,
        count=1,
        respect_unavailable=True,
        venues=None if venue is None else [venue],
    )
    option = (found.options or found.after_deadline)[0]
    assert from_minutes(option.start) == start
    room, sessions = sessions_of(option)
    return visit_book(
        case=case,
        room=room,
        venue=venue_of(option),
        sessions=sessions,
        late_reason="test: late",
        interpreter=interpreter_of(option),
    )


def new_case(order_start: dt.date = ORDER_START, *, interpreter: str | None = None) -> Case:
    """A case from `order_start`; its young person needs an interpreter for `interpreter`
    (an ISO 639-1 code), or none."""
    if interpreter is None:
        return make_case(order_start_date=order_start)
    person = make_young_person(interpreter_needed=True, interpreter_language=interpreter)
    return make_case(young_person=person, order_start_date=order_start)
