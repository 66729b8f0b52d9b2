"""Visits over HTTP: book, 409 when taken, reschedule, cancel, attendance."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from agencies.services import working_pattern_create
from screening.models import Visit
from tests.conftest import client_for
from tests.factories import (
    make_case,
    make_practitioner,
    make_room,
    make_user,
    make_working_practitioner,
)
from tests.screening.booking.databases import each_database  # noqa: F401 - a fixture

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 2, 23, 9, 0, tzinfo=LONDON)


def at(hour, minute=0, day=dt.date(2027, 3, 2)):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON).isoformat()


@pytest.fixture
def setup(db, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(dt.UTC))
    health = make_practitioner(agency="health")
    education = make_practitioner(agency="education")
    for p in (health, education):
        working_pattern_create(
            practitioner=p,
            weekdays=[0, 1, 2, 3, 4],
            start_time=dt.time(9),
            end_time=dt.time(17),
            valid_from=dt.date(2027, 1, 1),
        )
    admin = make_user(role=Role.YOT_ADMIN)
    return {
        "health": health,
        "education": education,
        "room": make_room(),
        "admin": client_for(admin),
    }


def body(s, case, start_hour=10):
    return {
        "case": case.pk,
        "room": s["room"].pk,
        "sessions": [
            {"agency": "health", "practitioner": s["health"].pk, "start": at(start_hour)},
            {"agency": "education", "practitioner": s["education"].pk, "start": at(start_hour, 50)},
        ],
    }


def test_post_visit_books_and_returns_sessions(setup):
    case = make_case(order_start_date=dt.date(2027, 2, 26))
    response = setup["admin"].post("/api/v1/visits/", body(setup, case), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "booked" and data["version"] == 1
    assert [x["agency"] for x in data["sessions"]] == ["health", "education"]
    assert data["sessions"][0]["end"].startswith("2027-03-02T10:45")
    assert data["start"] == "2027-03-02T10:00:00Z"


def test_post_visit_answers_409_naming_the_taken_resource(setup):
    setup["admin"].post("/api/v1/visits/", body(setup, make_case()), format="json")
    response = setup["admin"].post("/api/v1/visits/", body(setup, make_case()), format="json")
    assert response.status_code == 409
    assert "room" in response.json()["resource"] or "practitioner" in response.json()["resource"]
    assert Visit.objects.count() == 1


def other_people(s):
    """The same visit with other practitioners, so only the room is shared."""
    return {
        **s,
        "health": make_working_practitioner(),
        "education": make_working_practitioner(agency="education"),
    }


@pytest.mark.usefixtures("each_database")
def test_post_visit_answers_409_naming_a_room_held_by_another_visit(setup):
    first = setup["admin"].post("/api/v1/visits/", body(setup, make_case()), format="json")
    assert first.status_code == 201, first.json()
    response = setup["admin"].post(
        "/api/v1/visits/", body(other_people(setup), make_case(), start_hour=11), format="json"
    )
    assert response.status_code == 409, response.content
    room = setup["room"]
    assert response.json()["resource"] == f"room {room} at 11:00 on Tuesday 2 March 2027"
    assert str(room) in response.json()["detail"]
    assert Visit.objects.count() == 1


@pytest.mark.usefixtures("each_database")
def test_the_room_guard_alone_answers_409_naming_the_room(setup, monkeypatch):
    from screening.booking import availability

    setup["admin"].post("/api/v1/visits/", body(setup, make_case()), format="json")
    # With the re-check out of the way, the database's room guard refuses the write.
    monkeypatch.setattr(availability, "check_bookable", lambda **kwargs: None)
    response = setup["admin"].post(
        "/api/v1/visits/", body(other_people(setup), make_case(), start_hour=11), format="json"
    )
    assert response.status_code == 409, response.content
    assert response.json()["resource"] == f"room {setup['room']} at 11:00 on Tuesday 2 March 2027"
    assert Visit.objects.count() == 1


def test_post_visit_for_a_case_already_booked_answers_409_naming_the_case(setup):
    case = make_case()
    setup["admin"].post("/api/v1/visits/", body(setup, case), format="json")
    response = setup["admin"].post(
        "/api/v1/visits/", body(other_people(setup), case, start_hour=14), format="json"
    )
    assert response.status_code == 409, response.content
    assert response.json()["resource"] == f"case {case.reference}"
    assert "already has a booked visit" in response.json()["detail"]
    assert Visit.objects.count() == 1


def test_post_visit_with_bad_input_names_the_field(setup):
    data = body(setup, make_case())
    data["sessions"][0]["agency"] = "astrology"
    response = setup["admin"].post("/api/v1/visits/", data, format="json")
    assert response.status_code == 400
    assert "sessions.0.agency" in response.json()["errors"]


def test_reschedule_keeps_session_ids_and_cancel_needs_reason(setup):
    case = make_case(order_start_date=dt.date(2027, 2, 26))
    created = setup["admin"].post("/api/v1/visits/", body(setup, case), format="json").json()
    data = body(setup, case, start_hour=13)
    del data["case"]
    moved = setup["admin"].post(f"/api/v1/visits/{created['id']}/reschedule/", data, format="json")
    assert moved.status_code == 200, moved.json()
    assert moved.json()["version"] == 2
    assert [x["id"] for x in moved.json()["sessions"]] == [x["id"] for x in created["sessions"]]
    no_reason = setup["admin"].post(f"/api/v1/visits/{created['id']}/cancel/", {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    cancelled = setup["admin"].post(
        f"/api/v1/visits/{created['id']}/cancel/", {"reason": "Family moved"}, format="json"
    )
    assert cancelled.json()["status"] == "cancelled"
    again = setup["admin"].post(
        f"/api/v1/visits/{created['id']}/cancel/", {"reason": "Again"}, format="json"
    )
    assert again.status_code == 409


def test_attendance_by_the_sessions_practitioner_only(setup, monkeypatch):
    created = setup["admin"].post("/api/v1/visits/", body(setup, make_case()), format="json").json()
    health_session = created["sessions"][0]["id"]
    education_session = created["sessions"][1]["id"]
    early = setup["admin"].post(
        f"/api/v1/sessions/{health_session}/attendance/", {"attended": True}, format="json"
    )
    assert early.status_code == 409
    monkeypatch.setattr(
        timezone, "now", lambda: dt.datetime(2027, 3, 2, 12, tzinfo=LONDON).astimezone(dt.UTC)
    )
    health_client = client_for(setup["health"].user)
    other = health_client.post(
        f"/api/v1/sessions/{education_session}/attendance/", {"attended": True}, format="json"
    )
    assert other.status_code == 404
    missing_reason = health_client.post(
        f"/api/v1/sessions/{health_session}/attendance/", {"attended": False}, format="json"
    )
    assert missing_reason.status_code == 400
    ok = health_client.post(
        f"/api/v1/sessions/{health_session}/attendance/",
        {"attended": False, "reason": "Did not arrive"},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["attended"] is False
    manager = client_for(make_user(role=Role.YOT_MANAGER))
    assert (
        manager.post(
            f"/api/v1/sessions/{education_session}/attendance/", {"attended": True}, format="json"
        ).status_code
        == 403
    )


def test_case_manager_sees_only_visits_of_their_cases(setup):
    manager = make_user(role=Role.CASE_MANAGER)
    mine = make_case(case_manager=manager)
    theirs = make_case()
    setup["admin"].post("/api/v1/visits/", body(setup, mine), format="json")
    other = (
        setup["admin"]
        .post("/api/v1/visits/", body(setup, theirs, start_hour=14), format="json")
        .json()
    )
    client = client_for(manager)
    listed = client.get("/api/v1/visits/").json()
    assert [v["case"] for v in listed["results"]] == [mine.pk]
    assert client.get(f"/api/v1/visits/{other['id']}/").status_code == 404
    assert client.post("/api/v1/visits/", body(setup, mine), format="json").status_code == 403


def test_reschedule_takes_the_body_of_post_visits_with_its_own_case_only(setup):
    """The contract's 'same body as POST visits': `case` is accepted when it is the visit's
    case; another case answers 400 naming `case`, and nothing moves."""
    case = make_case(order_start_date=dt.date(2027, 2, 26))
    created = setup["admin"].post("/api/v1/visits/", body(setup, case), format="json").json()
    url = f"/api/v1/visits/{created['id']}/reschedule/"
    other = setup["admin"].post(url, body(setup, make_case(), start_hour=13), format="json")
    assert other.status_code == 400
    assert list(other.json()["errors"]) == ["case"]
    assert Visit.objects.get(pk=created["id"]).version == 1
    moved = setup["admin"].post(url, body(setup, case, start_hour=13), format="json")
    assert moved.status_code == 200, moved.json()
    assert moved.json()["version"] == 2 and moved.json()["start"] == "2027-03-02T13:00:00Z"


def test_visit_history_says_who_when_what_changed_and_why(setup, monkeypatch):
    """A reschedule takes a `reason`; GET /visits/{id}/history/ lists each change oldest
    first: who, when, what changed and why, scoped as the visit is (its practitioners and
    staff who see all; 404 for anyone else)."""
    case = make_case(order_start_date=dt.date(2027, 2, 26))
    with time_machine.travel(NOW, tick=False):  # the history's `at` default reads the clock
        created = setup["admin"].post("/api/v1/visits/", body(setup, case), format="json").json()
    later = NOW + dt.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later.astimezone(dt.UTC))
    data = {**body(setup, case, start_hour=13), "reason": "The family asked for the afternoon."}
    url = f"/api/v1/visits/{created['id']}/"
    with time_machine.travel(later, tick=False):
        moved = setup["admin"].post(f"{url}reschedule/", data, format="json")
    assert moved.status_code == 200, moved.json()
    history = setup["admin"].get(f"{url}history/")
    assert history.status_code == 200, history.json()
    booked, rescheduled = history.json()["results"]
    admin = Visit.objects.get(pk=created["id"]).booked_by
    assert booked["kind"] == "booked" and booked["version"] == 1
    assert booked["at"] == "2027-02-23T09:00:00Z"
    assert rescheduled == {
        "version": 2,
        "kind": "rescheduled",
        "at": "2027-02-23T11:00:00Z",
        "by": admin.pk,
        "by_name": admin.username,
        "reason": "The family asked for the afternoon.",
        "late_reason": "",
        "changes": [
            {"field": "start", "before": "2027-03-02T10:00:00Z", "after": "2027-03-02T13:00:00Z"},
            {"field": "end", "before": "2027-03-02T11:20:00Z", "after": "2027-03-02T14:20:00Z"},
            {
                "field": "sessions.health.start",
                "before": "2027-03-02T10:00:00Z",
                "after": "2027-03-02T13:00:00Z",
            },
            {
                "field": "sessions.health.end",
                "before": "2027-03-02T10:45:00Z",
                "after": "2027-03-02T13:45:00Z",
            },
            {
                "field": "sessions.education.start",
                "before": "2027-03-02T10:50:00Z",
                "after": "2027-03-02T13:50:00Z",
            },
            {
                "field": "sessions.education.end",
                "before": "2027-03-02T11:20:00Z",
                "after": "2027-03-02T14:20:00Z",
            },
        ],
    }
    assert client_for(setup["health"].user).get(f"{url}history/").status_code == 200
    stranger = make_practitioner(agency="health")
    assert client_for(stranger.user).get(f"{url}history/").status_code == 404
    case_manager = make_user(role=Role.CASE_MANAGER)
    assert client_for(case_manager).get(f"{url}history/").status_code == 404


def test_attendance_reasons_are_seen_only_where_findings_would_be(setup, monkeypatch):
    """Need to know: the health session's 'did not attend' reason shows to the health
    practitioner and YOT staff, and not to the education practitioner of the same visit
    (who still sees that it was missed), in the visit and in the list."""
    created = setup["admin"].post("/api/v1/visits/", body(setup, make_case()), format="json").json()
    monkeypatch.setattr(
        timezone, "now", lambda: dt.datetime(2027, 3, 2, 12, tzinfo=LONDON).astimezone(dt.UTC)
    )
    health_session = created["sessions"][0]["id"]
    recorded = client_for(setup["health"].user).post(
        f"/api/v1/sessions/{health_session}/attendance/",
        {"attended": False, "reason": "Unwell"},
        format="json",
    )
    assert recorded.status_code == 200 and recorded.json()["attendance_reason"] == "Unwell"
    url = f"/api/v1/visits/{created['id']}/"

    def health_row(client, listed=False):
        data = (
            client.get("/api/v1/visits/").json()["results"][0] if listed else client.get(url).json()
        )
        return next(s for s in data["sessions"] if s["agency"] == "health")

    education = client_for(setup["education"].user)
    admin = client_for(make_user(role=Role.YOT_ADMIN))  # signed in after the clock moved
    for listed in (False, True):
        row = health_row(education, listed)
        assert row["attended"] is False and row["attendance_reason"] == ""
        assert health_row(client_for(setup["health"].user), listed)["attendance_reason"] == "Unwell"
        assert health_row(admin, listed)["attendance_reason"] == "Unwell"
    manager = client_for(make_user(role=Role.YOT_MANAGER))
    assert health_row(manager)["attendance_reason"] == "Unwell"


def test_a_missed_session_is_rebooked_over_the_api_with_its_two_reasons_apart(setup, monkeypatch):
    """The health session (10:00-10:45 on Tuesday 2 March 2027) missed while education
    (10:50) is still to come is rebooked for 14:00 that day; the rebooking's deadline
    (Tuesday 9 March) is still ahead, so no late reason is asked. Once the rebooking is
    cancelled, Wednesday 10 March needs one, kept apart from why it is rebooked."""
    created = setup["admin"].post("/api/v1/visits/", body(setup, make_case()), format="json").json()
    monkeypatch.setattr(
        timezone, "now", lambda: dt.datetime(2027, 3, 2, 10, 48, tzinfo=LONDON).astimezone(dt.UTC)
    )
    health_session = created["sessions"][0]["id"]
    admin = client_for(make_user(role=Role.YOT_ADMIN))  # signed in after the clock moved
    admin.post(
        f"/api/v1/sessions/{health_session}/attendance/",
        {"attended": False, "reason": "Left early"},
        format="json",
    )
    url = f"/api/v1/sessions/{health_session}/rebook/"
    asked = {
        "room": setup["room"].pk,
        "practitioner": setup["health"].pk,
        "start": at(14),
        "reason": "Back this afternoon.",
    }
    rebooked = admin.post(url, asked, format="json")
    assert rebooked.status_code == 201, rebooked.json()
    data = rebooked.json()
    assert [s["agency"] for s in data["sessions"]] == ["health"]
    assert (data["rebook_of"], data["rebook_reason"], data["late_reason"]) == (
        health_session,
        "Back this afternoon.",
        "",
    )
    cancel = admin.post(f"/api/v1/visits/{data['id']}/cancel/", {"reason": "Unwell"}, format="json")
    assert cancel.status_code == 200
    late = {**asked, "start": at(10, day=dt.date(2027, 3, 10))}
    refused = admin.post(url, late, format="json")
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["late_reason"]
    again = admin.post(url, {**late, "late_reason": "The nurse was away."}, format="json")
    assert again.status_code == 201, again.json()
    assert again.json()["late_reason"] == "The nurse was away."
    assert client_for(setup["health"].user).post(url, late, format="json").status_code == 403


FOUR = ["speech_language", "health", "education", "social_care"]


def _four_working(setup) -> dict:
    people = {"health": setup["health"], "education": setup["education"]}
    for code in ("speech_language", "social_care"):
        people[code] = make_working_practitioner(agency=code)
    return people


def _booking_queries(setup, people, codes, day) -> int:
    case = make_case(order_start_date=dt.date(2027, 2, 26))
    sessions = [
        {"agency": code, "practitioner": people[code].pk, "start": at(9 + n, day=day)}
        for n, code in enumerate(codes)
    ]
    body = {"case": case.pk, "room": make_room().pk, "sessions": sessions}
    with CaptureQueriesContext(connection) as captured:
        response = setup["admin"].post("/api/v1/visits/", body, format="json")
    assert response.status_code == 201, response.json()
    assert [s["agency"] for s in response.json()["sessions"]] == list(codes)
    return len(captured)


def test_booking_over_http_reads_agencies_and_practitioners_once_whatever_the_sessions(setup):
    people = _four_working(setup)
    one = _booking_queries(setup, people, ["health"], dt.date(2027, 3, 2))
    four = _booking_queries(setup, people, FOUR, dt.date(2027, 3, 3))
    assert four == one


def test_unknown_agency_and_practitioner_are_named_on_their_own_session(setup):
    case = make_case(order_start_date=dt.date(2027, 2, 26))
    sent = body(setup, case)
    sent["sessions"][1] = {"agency": "dentistry", "practitioner": 987654, "start": at(10, 50)}
    response = setup["admin"].post("/api/v1/visits/", sent, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "sessions.1.agency": ['No agency has the code "dentistry".'],
        "sessions.1.practitioner": ["No practitioner has the id 987654."],
    }
    assert not Visit.objects.exists()


def test_a_visit_for_the_cases_review_is_due_by_the_review_and_names_it(setup):
    from screening.models import Review

    # The order started Monday 1 February 2027: its first visit was due Monday 8 February.
    case = make_case(order_start_date=dt.date(2027, 2, 1))
    review = Review.objects.create(case=case, reason="new_information", due_by=dt.date(2027, 3, 5))
    other = Review.objects.create(case=make_case(), reason="scheduled", due_by=dt.date(2027, 3, 5))
    late = setup["admin"].post("/api/v1/visits/", body(setup, case), format="json")
    assert late.status_code == 400 and "late_reason" in late.json()["errors"]
    wrong = setup["admin"].post(
        "/api/v1/visits/", {**body(setup, case), "review": other.pk}, format="json"
    )
    assert wrong.status_code == 400
    assert wrong.json()["errors"]["review"] == ["This review is not the case's."]
    booked = setup["admin"].post(
        "/api/v1/visits/", {**body(setup, case), "review": review.pk}, format="json"
    )
    assert booked.status_code == 201, booked.json()
    assert booked.json()["review"] == review.pk and booked.json()["late_reason"] == ""
    assert Visit.objects.get().review == review
