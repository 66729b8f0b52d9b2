"""Interpreters through the API: the pool (admins write, managers read), their working
patterns and leave as practitioners', young people's need, options and visits holding one."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import Role
from tests.conftest import client_for
from tests.factories import make_case, make_room, make_user, make_working_practitioner

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 2, 23, 9, 0, tzinfo=LONDON)  # Tuesday


@pytest.fixture
def admin(db, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(dt.UTC))
    return client_for(make_user(role=Role.YOT_ADMIN))


def create_interpreter(admin, **extra):
    body = {"name": "Ola Nowak", "languages": ["pl"], "email": "ola@example.org", **extra}
    response = admin.post("/api/v1/interpreters/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_an_admin_adds_an_interpreter_with_patterns_and_leave(admin):
    created = create_interpreter(admin)
    assert created["languages"] == ["pl"] and created["is_active"] is True
    base = f"/api/v1/interpreters/{created['id']}"
    pattern = admin.post(
        f"{base}/working-patterns/",
        {
            "weekdays": [0, 1],
            "start_time": "09:00",
            "end_time": "17:00",
            "valid_from": "2027-03-01",
        },
        format="json",
    )
    assert pattern.status_code == 201, pattern.content
    leave = admin.post(
        f"{base}/leave/",
        {"start": "2027-03-02T09:00:00Z", "end": "2027-03-02T17:00:00Z"},
        format="json",
    )
    assert leave.status_code == 201, leave.content
    assert len(admin.get(f"{base}/working-patterns/").json()) == 1
    assert len(admin.get(f"{base}/leave/").json()) == 1
    changed = admin.patch(f"{base}/", {"languages": ["pl", "ro"]}, format="json")
    assert changed.status_code == 200 and changed.json()["languages"] == ["pl", "ro"]


def test_an_unknown_language_is_refused_naming_the_field(admin):
    response = admin.post(
        "/api/v1/interpreters/",
        {"name": "X", "languages": ["xx"], "email": "x@example.org"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"languages.0": ['"xx" is not a valid choice.']}


def test_case_managers_do_not_see_the_pool(admin):
    create_interpreter(admin)
    manager = client_for(make_user(role=Role.CASE_MANAGER))
    assert manager.get("/api/v1/interpreters/").status_code == 403
    yot_manager = client_for(make_user(role=Role.YOT_MANAGER))
    assert yot_manager.get("/api/v1/interpreters/").status_code == 200
    assert yot_manager.post("/api/v1/interpreters/", {}, format="json").status_code == 403


def test_an_option_holds_an_interpreter_and_the_visit_books_with_them(admin):
    interpreter = create_interpreter(admin)
    admin.post(
        f"/api/v1/interpreters/{interpreter['id']}/working-patterns/",
        {"weekdays": [1], "start_time": "09:00", "end_time": "17:00", "valid_from": "2027-03-01"},
        format="json",
    )
    make_working_practitioner(agency="health")
    make_room()
    case = make_case()
    person = admin.patch(
        f"/api/v1/young-people/{case.young_person_id}/",
        {"interpreter_needed": True, "interpreter_language": "pl"},
        format="json",
    )
    assert person.status_code == 200, person.content
    assert person.json()["interpreter_needed"] is True
    found = admin.get(f"/api/v1/cases/{case.pk}/visit-options/?agencies=health&count=2").json()
    option = found["options"][0]
    assert option["interpreter"] == {"id": interpreter["id"], "name": "Ola Nowak"}
    # The first Tuesday from the order's start (Monday 1 March 2027): 2 March, 09:00.
    assert dt.datetime.fromisoformat(option["start"]).astimezone(LONDON) == dt.datetime(
        2027, 3, 2, 9, 0, tzinfo=LONDON
    )
    body = {
        "case": case.pk,
        "room": option["room"],
        "sessions": [
            {"agency": "health", "practitioner": s["practitioner"], "start": s["start"]}
            for s in option["sessions"]
        ],
    }
    missing = admin.post("/api/v1/visits/", body, format="json")
    assert missing.status_code == 400
    assert list(missing.json()["errors"]) == ["interpreter"]
    booked = admin.post(
        "/api/v1/visits/", {**body, "interpreter": interpreter["id"]}, format="json"
    )
    assert booked.status_code == 201, booked.content
    assert booked.json()["interpreter"] == interpreter["id"]
    assert booked.json()["interpreter_name"] == "Ola Nowak"
    # A second case needing her at the same time, in another room: 409 naming her.
    other = make_case()
    admin.patch(
        f"/api/v1/young-people/{other.young_person_id}/",
        {"interpreter_needed": True, "interpreter_language": "pl"},
        format="json",
    )
    make_working_practitioner(agency="health")
    second_room = make_room()
    free_nurse = admin.get("/api/v1/practitioners/?agency=health").json()
    nurse = [p for p in free_nurse["results"] if p["id"] != option["sessions"][0]["practitioner"]]
    taken = admin.post(
        "/api/v1/visits/",
        {
            **body,
            "case": other.pk,
            "room": second_room.pk,
            "interpreter": interpreter["id"],
            "sessions": [
                {
                    "agency": "health",
                    "practitioner": nurse[0]["id"],
                    "start": body["sessions"][0]["start"],
                }
            ],
        },
        format="json",
    )
    assert taken.status_code == 409, taken.content
    assert "interpreter Ola Nowak" in taken.json()["detail"]


def test_the_interpreter_feed_holds_each_visit_for_its_whole_span(admin):
    import icalendar

    from agencies.models import Interpreter
    from screening.booking.services import SessionRequest, visit_book
    from screening.calendars.feeds import visit_uid
    from tests.factories import make_interpreter, make_young_person

    interpreter = make_interpreter(name="Ola Nowak")
    nurse = make_working_practitioner(agency="health")
    person = make_young_person(interpreter_needed=True, interpreter_language="pl")
    start = dt.datetime(2027, 3, 2, 10, 0, tzinfo=LONDON)
    visit = visit_book(
        case=make_case(young_person=person),
        room=make_room(),
        interpreter=interpreter,
        sessions=[SessionRequest(agency=nurse.agency, practitioner=nurse, start=start)],
    )
    anonymous = admin.__class__()
    response = anonymous.get(
        f"/calendars/interpreters/{interpreter.pk}.ics?token={interpreter.feed_token}"
    )
    assert response.status_code == 200
    [event] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["UID"]) == visit_uid(visit.pk)
    assert event.decoded("DTSTART") == start
    assert person.given_name not in response.content.decode()
    wrong = anonymous.get(f"/calendars/interpreters/{interpreter.pk}.ics?token=nope")
    assert wrong.status_code == 404
    Interpreter.objects.filter(pk=interpreter.pk).update(is_active=False)
    assert (
        anonymous.get(
            f"/calendars/interpreters/{interpreter.pk}.ics?token={interpreter.feed_token}"
        ).status_code
        == 404
    )
