"""Shared set-up for the calendar tests: a bookable world at a fixed time, a booking
helper, and a local HTTP server on 127.0.0.1 that serves calendars."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from agencies.models import Agency, Practitioner
from agencies.services import working_pattern_create
from screening.booking.services import SessionRequest, visit_book
from screening.models import Case, Room, Visit
from tests.factories import make_case, make_practitioner, make_room, make_young_person

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 3, 1, 8, 0, tzinfo=LONDON)  # a Monday
CODES = ["speech_language", "health", "education", "social_care"]


@dataclass
class World:
    people: dict[str, Practitioner]
    room: Room
    case: Case
    extra: dict = field(default_factory=dict)


def make_world(monkeypatch, now: dt.datetime = NOW) -> World:
    """Four practitioners working weekdays 09:00-17:00, a room, and a case of a young
    person called Jordan Quickfall, with the clock stopped at `now`."""
    monkeypatch.setattr(timezone, "now", lambda: now.astimezone(dt.UTC))
    people = {}
    for code in CODES:
        p = make_practitioner(agency=code, name=f"{code.title()} Practitioner")
        working_pattern_create(
            practitioner=p,
            weekdays=[0, 1, 2, 3, 4],
            start_time=dt.time(9),
            end_time=dt.time(17),
            valid_from=dt.date(2026, 1, 1),
        )
        people[code] = p
    young_person = make_young_person(given_name="Jordan", family_name="Quickfall")
    case = make_case(young_person=young_person, order_start_date=now.date())
    return World(people=people, room=make_room(), case=case)


@pytest.fixture
def world(db, monkeypatch) -> World:
    return make_world(monkeypatch)


def sessions_from(world: World, start: dt.datetime, people: dict | None = None) -> list:
    """The four sessions back to back from `start`, 5 minutes apart."""
    people = people or world.people
    requests, t = [], start
    for code in CODES:
        agency = Agency.objects.get(code=code)
        requests.append(SessionRequest(agency=agency, practitioner=people[code], start=t))
        t += dt.timedelta(minutes=agency.default_duration_minutes + 5)
    return requests


def book(world: World, start: dt.datetime) -> Visit:
    return visit_book(
        case=world.case,
        room=world.room,
        sessions=sessions_from(world, start),
        late_reason="The family asked for this date.",
    )


def second_practitioner(code: str = "health") -> Practitioner:
    """Another practitioner of `code`, working Tuesdays 09:00-17:00."""
    new = make_practitioner(agency=code, email=f"second.{code}@agency.example.org")
    working_pattern_create(
        practitioner=new,
        weekdays=[1],
        start_time=dt.time(9),
        end_time=dt.time(17),
        valid_from=dt.date(2027, 1, 1),
    )
    return new


def replace_practitioner(world: World, visit: Visit, code: str = "health"):
    """Reschedule `visit` at the same times with a second practitioner of `code` (who
    works Tuesdays 09:00-17:00); returns (the visit after the change, old, new)."""
    from screening.booking.services import visit_reschedule

    new = second_practitioner(code)
    visit = visit_reschedule(
        visit=visit,
        room=world.room,
        sessions=sessions_from(world, visit.start, people={**world.people, code: new}),
    )
    return visit, world.people[code], new


class _Handler(BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self) -> None:
        route = self.server.routes.get(self.path.split("?")[0])  # type: ignore[attr-defined]
        if route is None:
            self.send_response(404)
            self.end_headers()
            return
        status, headers, body = route
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if "Content-Length" not in headers and not callable(body):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if callable(body):
            body(self.wfile)
        elif body:
            self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


class IcsServer:
    def __init__(self) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.routes = {}  # type: ignore[attr-defined]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def serve(self, path: str, body, *, status: int = 200, headers: dict | None = None) -> str:
        self.httpd.routes[path] = (  # type: ignore[attr-defined]
            status,
            headers or {"Content-Type": "text/calendar; charset=utf-8"},
            body,
        )
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"


@pytest.fixture
def ics_server(settings):
    """A calendar server on 127.0.0.1, with private addresses allowed for the test."""
    settings.CALENDAR_IMPORT = {**settings.CALENDAR_IMPORT, "allow_private": True}
    server = IcsServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
    server.thread.join(timeout=5)


def vcalendar(*components: str, extra: str = "") -> bytes:
    """An iCalendar file around some components, with CRLF line ends."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tests//Calendar//EN"]
    if extra:
        lines.append(extra)
    text = "\r\n".join(lines) + "\r\n"
    for component in components:
        text += "\r\n".join(line.strip() for line in component.strip().splitlines()) + "\r\n"
    return (text + "END:VCALENDAR\r\n").encode()


def event(uid: str, *lines: str) -> str:
    return "\n".join(
        ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20270101T000000Z", *lines, "END:VEVENT"]
    )


# A weekly Tuesday meeting 10:00-11:00 London from 2 March 2027: not on 9 March (EXDATE),
# and the 16 March one moved to Wednesday 17 March 14:00-15:00 (RECURRENCE-ID).
WEEKLY_MEETING = vcalendar(
    event(
        "team-meeting@example.org",
        "SUMMARY:Team meeting",
        "DTSTART;TZID=Europe/London:20270302T100000",
        "DTEND;TZID=Europe/London:20270302T110000",
        "RRULE:FREQ=WEEKLY;BYDAY=TU",
        "EXDATE;TZID=Europe/London:20270309T100000",
    ),
    event(
        "team-meeting@example.org",
        "SUMMARY:Team meeting (moved)",
        "RECURRENCE-ID;TZID=Europe/London:20270316T100000",
        "DTSTART;TZID=Europe/London:20270317T140000",
        "DTEND;TZID=Europe/London:20270317T150000",
    ),
)

# A few bytes that repeat every minute: millions of occurrences if ever expanded.
MINUTELY = vcalendar(
    event("tick@example.org", "DTSTART:20270301T090000Z", "DURATION:PT1M", "RRULE:FREQ=MINUTELY")
)
EVERY_MINUTE = (
    "The calendar repeats every minute (RRULE FREQ=MINUTELY); only hourly or slower repeats "
    "can be imported."
)
