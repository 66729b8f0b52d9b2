"""The young people and cases lists through the API: a possible duplicate answers 409
naming the existing record unless `confirm_not_duplicate: true` is sent."""

import pytest

from accounts.models import Role
from screening.models import YoungPerson
from tests.conftest import client_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db

YP = {"given_name": "Robin", "family_name": "Example", "date_of_birth": "2011-04-01"}


@pytest.fixture
def admin():
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
