"""Young people, cases and visits through the API: a possible duplicate answers 409 naming
the existing record unless `confirm_not_duplicate: true` is sent; the lists filter as the
pages do (date of birth search; case status, agency and due dates; visit day, room and
practitioner)."""

import datetime as dt
from urllib.parse import urlencode

import pytest

from accounts.models import Role
from screening.assessment.findings import findings_submit
from screening.models import YoungPerson
from tests.conftest import client_for
from tests.factories import (
    complete_answers,
    make_case,
    make_screened_case,
    make_user,
    make_young_person,
)
from tests.messaging import at, book, freeze, make_team

pytestmark = pytest.mark.django_db

YP = {"given_name": "Robin", "family_name": "Example", "date_of_birth": "2011-04-01"}


@pytest.fixture
def admin(monkeypatch):
    freeze(monkeypatch)  # Tuesday 23 February 2027, 09:00, before the token is made
    return client_for(make_user(role=Role.YOT_ADMIN))


def test_a_possible_duplicate_answers_409_naming_the_existing_record(admin):
    first = admin.post("/api/v1/young-people/", YP, format="json")
    assert first.status_code == 201, first.json()
    again = {**YP, "given_name": " ROBIN ", "family_name": "example"}
    response = admin.post("/api/v1/young-people/", again, format="json")
    assert response.status_code == 409
    body = response.json()
    existing = first.json()["id"]
    assert body["existing"] == [
        {
            "id": existing,
            "given_name": "Robin",
            "family_name": "Example",
            "date_of_birth": "2011-04-01",
        }
    ]
    assert body["resource"] == f"young person {existing}"
    assert "This may be the same person as Robin Example" in body["detail"]
    assert YoungPerson.objects.count() == 1


def test_confirm_not_duplicate_true_registers_them_and_is_never_read_back(admin):
    admin.post("/api/v1/young-people/", YP, format="json")
    response = admin.post(
        "/api/v1/young-people/", {**YP, "confirm_not_duplicate": True}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert "confirm_not_duplicate" not in response.json()
    assert YoungPerson.objects.count() == 2


def test_confirm_not_duplicate_must_be_true_or_false(admin):
    response = admin.post(
        "/api/v1/young-people/", {**YP, "confirm_not_duplicate": "yes"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"confirm_not_duplicate": ["Must be true or false."]}


def test_a_patch_making_someone_look_like_another_answers_409_unless_confirmed(admin):
    existing = admin.post("/api/v1/young-people/", YP, format="json").json()["id"]
    other = admin.post("/api/v1/young-people/", {**YP, "given_name": "Sam"}, format="json")
    url = f"/api/v1/young-people/{other.json()['id']}/"
    response = admin.patch(url, {"given_name": "robin"}, format="json")
    assert response.status_code == 409
    assert [p["id"] for p in response.json()["existing"]] == [existing]
    assert admin.get(url).json()["given_name"] == "Sam"
    confirmed = admin.patch(
        url, {"given_name": "Robin", "confirm_not_duplicate": True}, format="json"
    )
    assert confirmed.status_code == 200 and confirmed.json()["given_name"] == "Robin"


# --- list filters: the same as the pages' ------------------------------------------------------


def ids(client, url: str) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_the_young_people_search_reads_a_date_of_birth_in_gov_uk_forms(admin):
    jayden = make_young_person(given_name="Jayden", date_of_birth=dt.date(2011, 1, 4))
    make_young_person(given_name="Tyrese", date_of_birth=dt.date(2011, 4, 1))
    for typed in ("4/1/2011", "4 January 2011", "2011-01-04"):
        assert ids(admin, f"/api/v1/young-people/?{urlencode({'search': typed})}") == [jayden.pk]
    assert ids(admin, "/api/v1/young-people/?date_of_birth=2011-01-04") == [jayden.pk]
    assert ids(admin, "/api/v1/young-people/?search=jayden+4%2F1%2F2011") == [jayden.pk]
    response = admin.get("/api/v1/young-people/?search=31%2F2%2F2011")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["search"]


def test_the_cases_list_filters_by_status_agency_due_dates_and_search(admin):
    waiting = make_case()  # order from Monday 1 March 2027: assessment due 31 March 2027
    booked = book(make_team()).case  # order from today: due Tuesday 23 March 2027
    screened, sessions = make_screened_case()  # due Monday 30 November 2026
    health = sessions["health"]
    findings_submit(
        session=health, user=health.practitioner.user, answers=complete_answers("health")
    )
    url = "/api/v1/cases/?"
    manager = client_for(make_user(role=Role.YOT_MANAGER))
    assert ids(manager, url + "status=needs_visit") == [waiting.pk]
    assert ids(manager, url + "status=visit_booked") == [booked.pk]
    assert ids(manager, url + "status=draft") == [screened.pk]
    assert ids(manager, url + "status=signed_off") == []
    # A YOT admin reads no drafts: one status for all three.
    assert ids(admin, url + "status=findings_received") == [screened.pk]
    assert admin.get(url + "status=draft").json()["errors"] == {
        "status": ["Choose one of the statuses your lists show."]
    }
    assert set(ids(admin, url + "agency=health")) == {booked.pk, screened.pk}
    assert ids(admin, url + "agency=education") == [screened.pk]
    assert ids(admin, url + "assessment_due_before=2026-11-30") == [screened.pk]
    assert ids(admin, url + "assessment_due_after=2027-03-24") == [waiting.pk]
    born = screened.young_person.date_of_birth
    assert screened.pk in ids(admin, url + urlencode({"search": f"{born:%d %B %Y}"}))
    for bad in ("status=lost", "agency=astrology", "assessment_due_before=9999-12-31"):
        response = admin.get(url + bad)
        assert response.status_code == 400, bad
        assert list(response.json()["errors"]) == [bad.split("=")[0]]


def test_the_visits_list_filters_by_day_room_and_practitioner(admin):
    first, second = make_team(), make_team()
    morning = book(first, start=at(10))  # Tuesday 2 March 2027
    other = book(second, start=at(10, day=dt.date(2027, 3, 3)))
    url = "/api/v1/visits/?"
    assert ids(admin, url + "day=2027-03-02") == [morning.pk]
    assert ids(admin, url + f"room={second[1].pk}") == [other.pk]
    assert ids(admin, url + f"practitioner={first[0]['health'].pk}") == [morning.pk]
    assert ids(admin, url + f"practitioner={first[0]['health'].pk}&day=2027-03-03") == []
    assert admin.get(url + "practitioner=999999").status_code == 400
    assert admin.get(url + "day=2027-02-30").status_code == 400
