"""Every date the API accepts lies between 1 January 2000 and 31 December 2100: beyond it,
a 400 naming the field, never a 500 (9999-12-31 overflowed the working-day arithmetic)."""

import pytest

from accounts.models import Role
from screening.models import Case
from tests.calendar_support import CODES
from tests.conftest import client_for
from tests.factories import complete_answers, make_screened_case, make_user

pytestmark = pytest.mark.django_db

WINDOW = "Give a date from 1 January 2000 to 31 December 2100."
TOO_LATE = ["9999-12-31", "2101-01-01"]
TOO_EARLY = ["1999-12-31", "0001-01-01"]
OUTSIDE = TOO_LATE + TOO_EARLY


@pytest.fixture
def admin(db):
    return client_for(make_user(role=Role.YOT_ADMIN))


def refused(response, field: str) -> None:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    errors = response.json()["errors"]
    assert errors.get(field) == [WINDOW], errors


@pytest.mark.parametrize("day", OUTSIDE)
def test_a_case_order_start_date_outside_the_window_is_a_400(world, admin, day):
    body = {"young_person": world.case.young_person_id, "order_type": "other"}
    response = admin.post("/api/v1/cases/", {**body, "order_start_date": day}, format="json")
    refused(response, "order_start_date")
    assert Case.objects.count() == 1


def test_the_last_day_of_the_window_is_accepted(world, admin):
    body = {"young_person": world.case.young_person_id, "order_type": "other"}
    response = admin.post(
        "/api/v1/cases/", {**body, "order_start_date": "2100-12-31"}, format="json"
    )
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize(
    "moment", ["9999-12-31T00:00:00Z", "9999-12-31T23:59:59-14:00", "1999-12-31T23:00:00Z"]
)
def test_visit_options_not_before_outside_the_window_is_a_400(world, admin, moment):
    response = admin.get(f"/api/v1/cases/{world.case.pk}/visit-options/", {"not_before": moment})
    refused(response, "not_before")


@pytest.mark.parametrize("field", ["valid_from", "valid_until"])
@pytest.mark.parametrize("day", OUTSIDE)
def test_working_pattern_dates_outside_the_window_are_a_400(world, admin, field, day):
    practitioner = world.people["health"]
    body = {
        "weekdays": [0],
        "start_time": "09:00",
        "end_time": "17:00",
        "valid_from": "2027-01-01",
        field: day,
    }
    url = f"/api/v1/practitioners/{practitioner.pk}/working-patterns/"
    refused(admin.post(url, body, format="json"), field)


@pytest.mark.parametrize(
    ("field", "moment"),
    [
        ("start", "9999-12-31T00:00:00Z"),
        ("start", "9999-12-31T23:59:59-14:00"),
        ("end", "9999-12-31T23:59:59Z"),
        ("start", "1999-12-31T00:00:00Z"),
    ],
)
def test_leave_outside_the_window_is_a_400(world, admin, field, moment):
    body = {"start": "2027-03-01T00:00:00Z", "end": "2027-03-02T00:00:00Z", field: moment}
    url = f"/api/v1/practitioners/{world.people['health'].pk}/leave/"
    refused(admin.post(url, body, format="json"), field)


def visit_body(world, start: str) -> dict:
    return {
        "case": world.case.pk,
        "room": world.room.pk,
        "sessions": [
            {"agency": code, "practitioner": world.people[code].pk, "start": start}
            for code in CODES[:1]
        ],
    }


@pytest.mark.parametrize("moment", ["9999-12-31T10:00:00Z", "1999-12-31T10:00:00Z"])
def test_a_visit_outside_the_window_is_a_400(world, admin, moment):
    refused(
        admin.post("/api/v1/visits/", visit_body(world, moment), format="json"), "sessions.0.start"
    )


@pytest.mark.parametrize("day", TOO_LATE)
def test_a_case_filter_date_outside_the_window_is_a_400(world, admin, day):
    refused(admin.get("/api/v1/cases/", {"visit_due_before": day}), "visit_due_before")


@pytest.mark.parametrize("name", ["since", "until"])
def test_an_audit_log_filter_outside_the_window_is_a_400(db, name):
    manager = client_for(make_user(role=Role.YOT_MANAGER))
    response = manager.get("/api/v1/audit-log/", {name: "9999-12-31T23:59:59-14:00"})
    refused(response, name)


@pytest.fixture
def screened(db):
    case, sessions = make_screened_case()
    return case, sessions


def action(due: str) -> dict:
    return {
        "action": "Speech and language therapy referral",
        "owner_agency": "speech_language",
        "due_date": due,
        "category": "safeguarding",
    }


@pytest.mark.parametrize("day", OUTSIDE)
def test_a_findings_action_due_outside_the_window_is_a_400(screened, day):
    _, sessions = screened
    session = sessions["health"]
    client = client_for(session.practitioner.user)
    answers = complete_answers("health", actions=[action(day)])
    response = client.put(
        f"/api/v1/sessions/{session.pk}/findings/", {"answers": answers}, format="json"
    )
    refused(response, "answers.actions.0.due_date")


@pytest.mark.parametrize("day", OUTSIDE)
def test_a_draft_plan_action_due_outside_the_window_is_a_400(screened, day):
    case, sessions = screened
    for code, session in sessions.items():
        client_for(session.practitioner.user).post(
            f"/api/v1/sessions/{session.pk}/findings/submit/",
            {"answers": complete_answers(code)},
            format="json",
        )
    response = client_for(case.case_manager).patch(
        f"/api/v1/cases/{case.pk}/assessment-draft/", {"plan": [action(day)]}, format="json"
    )
    refused(response, "plan.0.due_date")


def test_dates_inside_the_window_still_work(world, admin):
    url = f"/api/v1/practitioners/{world.people['health'].pk}/leave/"
    body = {"start": "2027-03-01T00:00:00Z", "end": "2027-03-02T00:00:00Z"}
    assert admin.post(url, body, format="json").status_code == 201
