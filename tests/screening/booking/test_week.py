"""Who is where: the week and day views and a venue's day sheet show each practitioner's and
room's sessions, leave, imported busy times and closed days as they are, with the free working
or opening time between them.

Dates worked out by hand: Monday 22 March 2027 starts the week before Easter; Friday 26 March
is Good Friday, Saturday 27 and Sunday 28 (Easter Day, the clocks go forward) follow, and
Monday 29 March is Easter Monday.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from agencies.models import Agency
from agencies.services import leave_create
from screening.booking.services import SessionRequest, visit_book
from screening.booking.week import day_sheet, week_view
from screening.calendars.imports import calendar_import_upload
from screening.calendars.loading import calendar_imports_load_requested
from tests import factories
from tests.calendar_support import event, vcalendar
from tests.messaging import freeze

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MONDAY = dt.date(2027, 3, 22)


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2027, month, day, hour, minute, tzinfo=LONDON)


def spans(stretches, kind: str | None = None) -> list[tuple[str, str, str]]:
    return [
        (s.kind, f"{s.start:%H:%M}", f"{s.end:%H:%M}")
        for s in stretches
        if kind is None or s.kind == kind
    ]


@pytest.fixture
def week(monkeypatch):
    """Now 09:00 on Monday 1 March 2027; Dana Nurse (health, weekdays 09:00-17:00) has a
    session at 10:00 on Tuesday 23 March in the Blue room at Riverside Hub (open weekdays
    08:30-18:00), leave all Wednesday 24 March, and 14:00-15:00 on Thursday 25 March busy in
    her own calendar."""
    freeze(monkeypatch, at(1, 9))  # Monday 1 March 2027, before everything shown
    venue = factories.make_venue(
        name="Riverside Hub",
        opening_hours=[
            {"weekday": d, "opens": dt.time(8, 30), "closes": dt.time(18, 0)} for d in range(5)
        ],
    )
    room = factories.make_room(venue=venue, name="Blue room")
    nurse = factories.make_working_practitioner(agency="health", name="Dana Nurse")
    person = factories.make_young_person(given_name="Priya", family_name="Halloran")
    case = factories.make_case(young_person=person, order_start_date=dt.date(2027, 3, 19))
    visit = visit_book(
        case=case,
        room=room,
        sessions=[
            SessionRequest(
                agency=Agency.objects.get(code="health"), practitioner=nurse, start=at(23, 10)
            )
        ],
    )
    leave_create(practitioner=nurse, start=at(24, 0), end=at(25, 0))
    calendar_import_upload(
        practitioner=nurse,
        data=vcalendar(event("gp", "DTSTART:20270325T140000Z", "DTEND:20270325T150000Z")),
    )
    calendar_imports_load_requested()
    return {"venue": venue, "room": room, "nurse": nurse, "case": case, "visit": visit}


def test_a_practitioners_week_shows_sessions_leave_busy_and_the_free_time_between(week):
    view = week_view(first_day=MONDAY, days=7)
    lane = next(p for p in view.practitioners if p.name == "Dana Nurse")
    monday, tuesday, wednesday, thursday, friday, saturday, sunday = lane.days
    assert spans(monday) == [("free", "09:00", "17:00")]
    health = Agency.objects.get(code="health").default_duration_minutes
    end = (at(23, 10) + dt.timedelta(minutes=health)).strftime("%H:%M")
    assert spans(tuesday) == [
        ("free", "09:00", "10:00"),
        ("session", "10:00", end),
        ("free", end, "17:00"),
    ]
    session = next(s for s in tuesday if s.kind == "session")
    assert session.visit_id == week["visit"].pk and week["case"].reference in session.label
    assert "Blue room (Riverside Hub)" in session.label
    # Leave covers the whole day: nothing of it is free.
    assert spans(wednesday) == [("leave", "00:00", "00:00")]
    # 14:00-15:00 UTC is 14:00-15:00 London in March before the clocks change.
    assert spans(thursday) == [
        ("free", "09:00", "14:00"),
        ("busy", "14:00", "15:00"),
        ("free", "15:00", "17:00"),
    ]
    # Good Friday and the weekend: nobody works, nothing is free.
    assert friday == () and saturday == () and sunday == ()


def test_the_days_say_why_nobody_works_on_them(week):
    view = week_view(first_day=MONDAY, days=8)
    closed = {d.date: d.closed for d in view.days}
    assert closed[dt.date(2027, 3, 25)] == ""
    assert closed[dt.date(2027, 3, 26)] == "Good Friday"
    assert closed[dt.date(2027, 3, 27)] == "Saturday"
    assert closed[dt.date(2027, 3, 28)] == "Sunday"
    assert closed[dt.date(2027, 3, 29)] == "Easter Monday"


def test_a_rooms_day_shows_its_visit_and_its_free_opening_time(week):
    view = week_view(first_day=dt.date(2027, 3, 23), days=1, venue=week["venue"])
    (lane,) = view.rooms
    assert lane.name == "Blue room" and lane.detail == "Riverside Hub"
    (tuesday,) = lane.days
    kinds = spans(tuesday)
    assert kinds[0] == ("free", "08:30", "10:00") and kinds[1][:2] == ("visit", "10:00")
    assert kinds[-1][0] == "free" and kinds[-1][2] == "18:00"


def test_a_cancelled_visit_frees_its_room_and_practitioner(week):
    from screening.booking.services import visit_cancel

    visit_cancel(visit=week["visit"], reason="Family moved away")
    view = week_view(first_day=dt.date(2027, 3, 23), days=1)
    nurse = next(p for p in view.practitioners if p.name == "Dana Nurse")
    assert spans(nurse.days[0]) == [("free", "09:00", "17:00")]
    room = next(r for r in view.rooms if r.name == "Blue room")
    assert spans(room.days[0]) == [("free", "08:30", "18:00")]


def test_the_view_keeps_to_the_agency_and_venue_asked(week):
    factories.make_working_practitioner(agency="education", name="Eli Teacher")
    factories.make_room(name="Annexe")
    view = week_view(
        first_day=MONDAY, days=1, agency=Agency.objects.get(code="education"), venue=week["venue"]
    )
    assert [p.name for p in view.practitioners] == ["Eli Teacher"]
    assert [r.name for r in view.rooms] == ["Blue room"]


def test_more_than_two_weeks_at_once_is_refused():
    with pytest.raises(ValueError, match="between 1 and 14"):
        week_view(first_day=MONDAY, days=15)


def test_the_day_sheet_lists_the_venues_visits_with_who_they_see(week):
    (visit,) = day_sheet(venue=week["venue"], day=dt.date(2027, 3, 23))
    assert visit.start == at(23, 10) and visit.room == "Blue room"
    assert visit.young_person == str(week["case"].young_person)
    assert [(s.agency, s.practitioner) for s in visit.sessions] == [("Health", "Dana Nurse")]
    assert day_sheet(venue=week["venue"], day=dt.date(2027, 3, 24)) == []
    assert day_sheet(venue=factories.make_venue(), day=dt.date(2027, 3, 23)) == []


def test_the_view_reads_the_same_few_queries_however_many_people_and_rooms(
    week, django_assert_max_num_queries
):
    for n in range(6):
        factories.make_working_practitioner(agency="education", name=f"Teacher {n}")
        factories.make_room(venue=week["venue"], name=f"Room {n}")
    with django_assert_max_num_queries(10):
        view = week_view(first_day=MONDAY, days=7)
    assert len(view.practitioners) == 7 and len(view.rooms) == 7
