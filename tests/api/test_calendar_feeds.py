"""Calendar feeds at /calendars/...ics?token=: the sessions, nothing sensitive, and a
secret address that stops working when rotated."""

import datetime as dt

import icalendar
import pytest
import vobject

from accounts.models import Role
from screening.booking.services import visit_cancel
from screening.calendars.feeds import session_uid, visit_uid
from tests.calendar_support import LONDON, book
from tests.conftest import client_for
from tests.factories import make_user

TUESDAY = dt.datetime(2027, 3, 2, 10, 0, tzinfo=LONDON)


def feed_path(kind: str, obj) -> str:
    return f"/calendars/{kind}/{obj.pk}.ics?token={obj.feed_token}"


def events(response) -> list:
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


def test_practitioner_feed_lists_their_sessions(world, client):
    visit = book(world, TUESDAY)
    nurse = world.people["health"]
    response = client.get(feed_path("practitioners", nurse))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    cal = icalendar.Calendar.from_ical(response.content)
    assert cal["METHOD"] == "PUBLISH" and cal["X-WR-CALNAME"]
    assert cal.decoded("REFRESH-INTERVAL") == dt.timedelta(hours=1)
    assert "X-PUBLISHED-TTL:PT1H" in response.content.decode()
    [event] = cal.walk("VEVENT")
    session = visit.sessions.get(practitioner=nurse)
    assert event["UID"] == session_uid(session.pk)
    assert event.decoded("DTSTART") == session.start
    assert world.case.reference in str(event["SUMMARY"])


def test_feeds_read_back_with_a_second_parser(world, client):
    book(world, TUESDAY)
    for kind, obj in [("practitioners", world.people["education"]), ("rooms", world.room)]:
        parsed = vobject.readOne(client.get(feed_path(kind, obj)).content.decode())
        assert parsed.method.value == "PUBLISH"
        assert len(parsed.vevent_list) == 1
        assert parsed.vevent.dtstart.value.tzinfo is not None


def test_room_feed_holds_each_visit_for_its_whole_span(world, client):
    visit = book(world, TUESDAY)
    [event] = events(client.get(feed_path("rooms", world.room)))
    assert event["UID"] == visit_uid(visit.pk)
    assert event.decoded("DTSTART") == visit.start and event.decoded("DTEND") == visit.end
    assert (visit.end - visit.start) == dt.timedelta(hours=2, minutes=30)


def test_feeds_never_show_full_names(world, client):
    book(world, TUESDAY)
    for kind, obj in [("practitioners", world.people["health"]), ("rooms", world.room)]:
        text = client.get(feed_path(kind, obj)).content.decode()
        assert "Jordan" not in text and "Quickfall" not in text
        assert f"JQ {world.case.reference}" in text


def test_cancelled_sessions_stay_in_the_feed_as_cancelled(world, client):
    visit = book(world, TUESDAY)
    visit_cancel(visit=visit, reason="Young person unwell")
    [event] = events(client.get(feed_path("practitioners", world.people["health"])))
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 2
    [room_event] = events(client.get(feed_path("rooms", world.room)))
    assert room_event["STATUS"] == "CANCELLED"


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (dt.datetime(2027, 3, 30, 10, 0, tzinfo=LONDON), "20270330T100000"),
        (dt.datetime(2027, 11, 2, 10, 0, tzinfo=LONDON), "20271102T100000"),
    ],
)
def test_feed_keeps_local_time_in_clock_change_weeks(world, client, start, expected):
    book(world, start)
    text = client.get(feed_path("practitioners", world.people["social_care"])).content.decode()
    assert "DTSTART;TZID=Europe/London:" in text
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/London" in text
    # Social care is the fourth session: 10:00 + 30 + 5 + 45 + 5 + 30 + 5 minutes.
    assert f"DTSTART;TZID=Europe/London:{expected[:9]}120000" in text


@pytest.mark.parametrize("token", ["", "wrong", "x" * 32])
def test_wrong_or_missing_token_answers_404(world, client, token):
    nurse = world.people["health"]
    for path in [
        f"/calendars/practitioners/{nurse.pk}.ics?token={token}",
        f"/calendars/rooms/{world.room.pk}.ics?token={token}",
    ]:
        response = client.get(path)
        assert response.status_code == 404
        assert b"VCALENDAR" not in response.content


def test_another_practitioners_token_answers_404(world, client):
    nurse, teacher = world.people["health"], world.people["education"]
    response = client.get(f"/calendars/practitioners/{nurse.pk}.ics?token={teacher.feed_token}")
    assert response.status_code == 404


def test_unknown_id_answers_the_same_404(world, client):
    wrong = client.get(f"/calendars/practitioners/{world.people['health'].pk}.ics?token=nope")
    unknown = client.get("/calendars/practitioners/999999.ics?token=nope")
    assert unknown.status_code == wrong.status_code == 404
    assert unknown.content == wrong.content


def test_rotated_practitioner_token_stops_the_old_address(world, client):
    nurse = world.people["health"]
    old = feed_path("practitioners", nurse)
    admin = client_for(make_user(role=Role.YOT_ADMIN))
    response = admin.post(f"/api/v1/practitioners/{nurse.pk}/calendar-token/rotate/")
    new = response.json()["calendar_feed_url"]
    assert client.get(old).status_code == 404
    assert new.startswith("http://testserver/calendars/practitioners/")
    assert client.get(new.removeprefix("http://testserver")).status_code == 200


def test_rotated_room_token_stops_the_old_address(world, client):
    old = feed_path("rooms", world.room)
    admin = client_for(make_user(role=Role.YOT_ADMIN))
    response = admin.post(f"/api/v1/rooms/{world.room.pk}/calendar-token/rotate/")
    assert response.status_code == 200
    new = response.json()["calendar_feed_url"]
    assert client.get(old).status_code == 404
    assert client.get(new.removeprefix("http://testserver")).status_code == 200


def test_feed_urls_from_the_api_answer(world, client):
    admin = client_for(make_user(role=Role.YOT_ADMIN))
    for path in [
        f"/api/v1/practitioners/{world.people['health'].pk}/",
        f"/api/v1/rooms/{world.room.pk}/",
    ]:
        url = admin.get(path).json()["calendar_feed_url"]
        assert client.get(url.removeprefix("http://testserver")).status_code == 200


def test_an_inactive_practitioners_feed_answers_404(world, client):
    nurse = world.people["health"]
    nurse.is_active = False
    nurse.save()
    assert client.get(feed_path("practitioners", nurse)).status_code == 404
