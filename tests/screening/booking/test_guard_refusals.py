"""Each database guard alone, with the re-check out of the way, refuses a clash as the
slot taken and names it, without touching the transaction it broke; and the re-check
itself finds a room held by another visit before the guard has to."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import Agency
from screening.booking import availability
from screening.booking.services import SessionRequest, visit_book, visit_reschedule
from screening.errors import SlotTaken
from screening.models import Room, Session, Visit
from tests.factories import make_case, make_room, make_working_practitioner
from tests.screening.booking.databases import each_database  # noqa: F401 - a fixture

LONDON = ZoneInfo("Europe/London")
# Tuesday 2 March 2027, a working day; "now" is frozen a week earlier.
DAY = dt.date(2027, 3, 2)
NOW = dt.datetime(2027, 2, 23, 9, 0, tzinfo=LONDON)

pytestmark = pytest.mark.usefixtures("each_database")


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(hour, minute), tzinfo=LONDON)


@pytest.fixture
def setting(db, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(dt.UTC))
    return Agency.objects.get(code="health"), make_room()


def one_session(agency, practitioner, start):
    return [SessionRequest(agency=agency, practitioner=practitioner, start=start)]


def without_recheck(monkeypatch):
    """Take the re-check out of the way, so only the database can refuse."""
    monkeypatch.setattr(availability, "check_bookable", lambda **kwargs: None)


def as_a_request_gives_it(room: Room) -> Room:
    """The room freshly read, as a request gives it: its venue not read yet."""
    return Room.objects.get(pk=room.pk)


def test_the_room_guard_alone_refuses_another_visit_in_the_room(setting, monkeypatch):
    health, room = setting
    visit_book(
        case=make_case(),
        room=room,
        sessions=one_session(health, make_working_practitioner(), at(10)),
    )
    without_recheck(monkeypatch)
    before = (Visit.objects.count(), Session.objects.count())
    with pytest.raises(SlotTaken) as taken:
        visit_book(
            case=make_case(),
            room=as_a_request_gives_it(room),
            sessions=one_session(health, make_working_practitioner(), at(10, 15)),
        )
    assert taken.value.resource == f"room {room} at 10:15 on Tuesday 2 March 2027"
    assert (Visit.objects.count(), Session.objects.count()) == before


def test_the_practitioner_guard_alone_refuses_a_second_session(setting, monkeypatch):
    health, room = setting
    practitioner = make_working_practitioner(name="Priya Okafor")
    visit_book(case=make_case(), room=room, sessions=one_session(health, practitioner, at(10)))
    without_recheck(monkeypatch)
    before = (Visit.objects.count(), Session.objects.count())
    with pytest.raises(SlotTaken) as taken:
        visit_book(
            case=make_case(),
            room=as_a_request_gives_it(make_room()),
            sessions=one_session(health, practitioner, at(10, 15)),
        )
    assert taken.value.resource == "practitioner (Priya Okafor)"
    assert (Visit.objects.count(), Session.objects.count()) == before


def refused_before_writing(book) -> SlotTaken:
    """Run a booking that must be refused by the re-check: nothing is written, so the
    guard was never asked. Returns the refusal."""
    with CaptureQueriesContext(connection) as queries, pytest.raises(SlotTaken) as taken:
        book()
    written = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().startswith(("INSERT", "UPDATE"))
        and ('"screening_visit"' in q["sql"] or '"screening_session"' in q["sql"])
    ]
    assert written == [], "the re-check, not the guard, should have refused"
    return taken.value


def test_the_recheck_finds_the_room_held_by_another_visit_before_writing(setting):
    health, room = setting
    visit_book(
        case=make_case(),
        room=room,
        sessions=one_session(health, make_working_practitioner(), at(10)),
    )
    case = make_case()
    taken = refused_before_writing(
        lambda: visit_book(
            case=case,
            room=as_a_request_gives_it(room),
            sessions=one_session(health, make_working_practitioner(), at(10, 15)),
        )
    )
    assert taken.resource == f"room {room} at 10:15 on Tuesday 2 March 2027"


def test_the_recheck_holds_the_room_for_the_visits_whole_span(setting):
    health, room = setting
    education = Agency.objects.get(code="education")
    visit_book(
        case=make_case(),
        room=room,
        sessions=one_session(health, make_working_practitioner(), at(12)),
    )
    # From 10:45 to 12:20: neither session's own times but the visit's span meets the
    # visit in the room from 12:00 (the room is held between sessions too).
    people = [make_working_practitioner(agency=code) for code in ("health", "education")]
    sessions = [
        SessionRequest(agency=health, practitioner=people[0], start=at(10, 45)),
        SessionRequest(agency=education, practitioner=people[1], start=at(11, 50)),
    ]
    case = make_case()
    taken = refused_before_writing(
        lambda: visit_book(case=case, room=room, sessions=sessions, max_gap=60)
    )
    assert taken.resource == f"room {room} at 10:45 on Tuesday 2 March 2027"


def test_a_visit_moved_keeps_its_own_room_but_not_anothers(setting):
    health, room = setting
    other_room = make_room()
    practitioner = make_working_practitioner()
    moving = visit_book(
        case=make_case(), room=room, sessions=one_session(health, practitioner, at(10))
    )
    visit_book(
        case=make_case(),
        room=other_room,
        sessions=one_session(health, make_working_practitioner(), at(11)),
    )
    # Over its own old time in its own room: the re-check leaves the moved visit out.
    moved = visit_reschedule(
        visit=moving, room=room, sessions=one_session(health, practitioner, at(10, 15))
    )
    assert moved.start == at(10, 15)
    taken = refused_before_writing(
        lambda: visit_reschedule(
            visit=moving,
            room=as_a_request_gives_it(other_room),
            sessions=one_session(health, practitioner, at(10, 40)),
        )
    )
    assert taken.resource == f"room {other_room} at 10:40 on Tuesday 2 March 2027"
