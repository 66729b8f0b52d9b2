"""Bad input answers 400 naming the field and stores nothing; lists page and filter."""

import pytest
from schedule.models import Event

from accounts.models import Role, User
from agencies.models import Practitioner
from screening.models import Case, Venue, YoungPerson
from tests.conftest import client_for
from tests.factories import make_case, make_practitioner, make_user, make_young_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return client_for(make_user(role=Role.YOT_ADMIN))


@pytest.fixture
def sysadmin():
    return client_for(make_user(role=Role.SYSTEM_ADMIN))


YP = {"given_name": "Robin", "family_name": "Example", "date_of_birth": "2011-04-01"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"mobile": "12345"}, "mobile"),
        ({"mobile": "07700 900123"}, "mobile"),
        ({"sms_consent": True}, "sms_consent"),
        ({"date_of_birth": "2021-01-01"}, "date_of_birth"),
        ({"date_of_birth": "not a date"}, "date_of_birth"),
        ({"given_name": 42}, "given_name"),
        (
            {"unavailable": [{"weekdays": [0], "start_time": "15:00", "end_time": "09:00"}]},
            "unavailable.0.end_time",
        ),
        (
            {"unavailable": [{"weekdays": [9], "start_time": "09:00", "end_time": "15:00"}]},
            "unavailable.0.weekdays.0",
        ),
        ({"shoe_size": 9}, "shoe_size"),
    ],
)
def test_young_person_bad_input_names_the_field_and_stores_nothing(admin, changes, field):
    response = admin.post("/api/v1/young-people/", {**YP, **changes}, format="json")
    assert response.status_code == 400, response.json()
    body = response.json()
    assert field in body["errors"], body
    assert body["detail"].startswith("Invalid input")
    assert YoungPerson.objects.count() == 0


def test_young_person_mobile_uk_format_in_e164_out(admin):
    response = admin.post(
        "/api/v1/young-people/",
        {
            **YP,
            "mobile": "07400 123456",
            "sms_consent": True,
            "unavailable": [
                {"weekdays": [0, 1, 2, 3, 4], "start_time": "08:45", "end_time": "15:15"}
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["mobile"] == "+447400123456"
    assert response.json()["unavailable"][0]["start_time"] == "08:45"


def test_young_person_patch_keeps_what_is_stored_when_invalid(admin):
    person = make_young_person(mobile="07400 123456", sms_consent=True)
    response = admin.patch(
        f"/api/v1/young-people/{person.pk}/", {"mobile": "nonsense"}, format="json"
    )
    assert response.status_code == 400 and "mobile" in response.json()["errors"]
    person.refresh_from_db()
    assert person.mobile == "+447400123456"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"order_type": "community_sentence"}, "order_type"),
        ({"order_start_date": "2027-13-01"}, "order_start_date"),
    ],
)
def test_case_bad_input(admin, changes, field):
    person = make_young_person()
    body = {
        "young_person": person.pk,
        "order_type": "referral_order",
        "order_start_date": "2027-03-01",
        **changes,
    }
    response = admin.post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]
    assert Case.objects.count() == 0


def test_case_manager_must_have_the_case_manager_role(admin):
    person = make_young_person()
    not_a_manager = make_user(role=Role.YOT_ADMIN)
    response = admin.post(
        "/api/v1/cases/",
        {
            "young_person": person.pk,
            "order_type": "referral_order",
            "order_start_date": "2027-03-01",
            "case_manager": not_a_manager.pk,
        },
        format="json",
    )
    assert response.status_code == 400 and "case_manager" in response.json()["errors"]


def test_case_post_returns_computed_deadlines_and_a_reference(admin):
    person = make_young_person()
    response = admin.post(
        "/api/v1/cases/",
        {
            "young_person": person.pk,
            "order_type": "youth_rehabilitation_order",
            "order_start_date": "2027-03-01",
        },
        format="json",
    )
    assert response.status_code == 201
    data = response.json()
    assert data["visit_due_by"] == "2027-03-08"
    assert data["assessment_due_by"] == "2027-03-22"
    assert data["findings_due_by"] is None
    assert data["reference"].startswith("YJ-") and data["reference"].endswith("-0001")


def test_practitioner_bad_input(admin):
    response = admin.post(
        "/api/v1/practitioners/",
        {"agency": "astrology", "name": "X", "email": "x@example.org"},
        format="json",
    )
    assert response.status_code == 400 and "agency" in response.json()["errors"]
    wrong_role = make_user(role=Role.CASE_MANAGER)
    response = admin.post(
        "/api/v1/practitioners/",
        {"agency": "health", "name": "X", "email": "x@example.org", "user": wrong_role.pk},
        format="json",
    )
    assert response.status_code == 400 and "user" in response.json()["errors"]
    assert Practitioner.objects.count() == 0


def test_venue_opening_hours_must_close_after_opening(admin):
    response = admin.post(
        "/api/v1/venues/",
        {
            "name": "Annex",
            "address": "1 Road",
            "opening_hours": [{"weekday": 0, "opens": "18:00", "closes": "08:00"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "opening_hours.0.closes" in response.json()["errors"]
    assert Venue.objects.count() == 0


def test_venue_without_opening_hours_opens_weekdays_8_to_6(admin):
    response = admin.post("/api/v1/venues/", {"name": "Annex", "address": "1 Road"}, format="json")
    hours = response.json()["opening_hours"]
    assert [(h["weekday"], h["opens"], h["closes"]) for h in hours] == [
        (d, "08:00", "18:00") for d in range(5)
    ]


def test_a_venue_name_for_texts_that_reveals_too_much_is_a_400_naming_text_name(admin):
    venue = {"name": "Ashworth Youth Offending Team", "address": "1 Court Street"}
    response = admin.post("/api/v1/venues/", venue, format="json")
    assert response.status_code == 400
    assert "youth offending, court" in response.json()["errors"]["text_name"][0]
    assert Venue.objects.count() == 0
    response = admin.post(
        "/api/v1/venues/", {**venue, "text_name": "Ashworth Centre"}, format="json"
    )
    assert response.status_code == 201 and response.json()["text_name"] == "Ashworth Centre"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"weekdays": []}, "weekdays"),
        ({"weekdays": [7]}, "weekdays.0"),
        ({"start_time": "13:00", "end_time": "09:00"}, "end_time"),
    ],
)
def test_working_pattern_bad_input(admin, body, field):
    practitioner = make_practitioner()
    full = {
        "weekdays": [0],
        "start_time": "09:00",
        "end_time": "17:00",
        "valid_from": "2027-01-04",
        **body,
    }
    response = admin.post(
        f"/api/v1/practitioners/{practitioner.pk}/working-patterns/", full, format="json"
    )
    assert response.status_code == 400 and field in response.json()["errors"]
    assert not Event.objects.filter(calendar=practitioner.calendar).exists()


def test_working_pattern_round_trip_and_delete(admin):
    practitioner = make_practitioner()
    url = f"/api/v1/practitioners/{practitioner.pk}/working-patterns/"
    body = {
        "weekdays": [0, 2],
        "start_time": "09:00",
        "end_time": "12:30",
        "valid_from": "2027-01-04",
        "valid_until": "2027-06-30",
    }
    created = admin.post(url, body, format="json")
    assert created.status_code == 201
    assert Event.objects.get(pk=created.json()["id"]).rule.params == "byweekday:MO,WE"
    [listed] = admin.get(url).json()
    assert {k: listed[k] for k in body} == body
    assert admin.delete(f"{url}{listed['id']}/").status_code == 204
    assert admin.delete(f"{url}{listed['id']}/").status_code == 404


def test_leave_must_end_after_it_starts(admin):
    practitioner = make_practitioner()
    response = admin.post(
        f"/api/v1/practitioners/{practitioner.pk}/leave/",
        {"start": "2027-03-02T00:00:00Z", "end": "2027-03-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 400 and "end" in response.json()["errors"]


def test_user_bad_input(sysadmin):
    response = sysadmin.post(
        "/api/v1/users/",
        {"username": "weak", "password": "password", "role": "yot_admin"},
        format="json",
    )
    assert response.status_code == 400 and "password" in response.json()["errors"]
    response = sysadmin.post(
        "/api/v1/users/",
        {"username": "who", "password": "a-long-enough-password-9", "role": "wizard"},
        format="json",
    )
    assert response.status_code == 400 and "role" in response.json()["errors"]
    assert not User.objects.filter(username__in=["weak", "who"]).exists()


def test_rotating_the_feed_token_changes_the_url(admin):
    practitioner = make_practitioner()
    before = admin.get(f"/api/v1/practitioners/{practitioner.pk}/").json()["calendar_feed_url"]
    after = admin.post(f"/api/v1/practitioners/{practitioner.pk}/calendar-token/rotate/")
    assert after.status_code == 200 and after.json()["calendar_feed_url"] != before


def test_lists_page_and_refuse_a_page_size_beyond_200(admin):
    for _ in range(3):
        make_case()
    page = admin.get("/api/v1/cases/?page_size=2").json()
    assert set(page) == {"count", "next", "previous", "results"}
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    assert admin.get("/api/v1/cases/?page=2&page_size=2").json()["previous"]
    assert len(admin.get("/api/v1/cases/?page_size=200").json()["results"]) == 3
    big = admin.get("/api/v1/cases/?page_size=201")
    assert big.status_code == 400 and "page_size" in big.json()["errors"]
    assert admin.get("/api/v1/cases/?page=99").status_code == 404


def test_list_filters(admin):
    make_case(order_type="referral_order")
    make_case(order_type="other")
    make_practitioner(agency="health")
    make_practitioner(agency="education")
    make_young_person(given_name="Zebedee", family_name="Quarry")
    cases = admin.get("/api/v1/cases/?order_type=other").json()
    assert cases["count"] == 1 and cases["results"][0]["order_type"] == "other"
    practitioners = admin.get("/api/v1/practitioners/?agency=education").json()
    assert [p["agency"] for p in practitioners["results"]] == ["education"]
    people = admin.get("/api/v1/young-people/?search=zeb").json()
    assert [p["given_name"] for p in people["results"]] == ["Zebedee"]
    bad = admin.get("/api/v1/cases/?order_type=nonsense")
    assert bad.status_code == 400 and "order_type" in bad.json()["errors"]


@pytest.mark.parametrize("query", ["page=", "page=abc", "page=1&page=2"])
def test_list_refuses_an_empty_repeated_or_non_numeric_page(as_role, query):
    _, admin = as_role("yot_admin")
    response = admin.get(f"/api/v1/cases/?{query}")
    assert response.status_code == 400
    assert "page" in response.json()["errors"]
