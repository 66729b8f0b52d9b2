"""Young people and cases pages through Django's test client: a possible duplicate is
flagged before saving, and asks to confirm."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import Role
from screening.models import YoungPerson
from tests.factories import make_user, make_young_person
from tests.frontend.test_pages import browser_for
from tests.messaging import freeze

pytestmark = pytest.mark.django_db

JAYDEN = {
    "given_name": "jayden ",
    "family_name": "MARLOWE",
    "date_of_birth_0": "4",
    "date_of_birth_1": "1",
    "date_of_birth_2": "2011",
    "language": "en",
}


@pytest.fixture
def admin(monkeypatch):
    freeze(monkeypatch)  # Tuesday 23 February 2027: Jayden is 16
    return browser_for(make_user(role=Role.YOT_ADMIN))


def test_registering_a_possible_duplicate_shows_who_it_may_be_and_saves_nothing(admin):
    existing = make_young_person(
        given_name="Jayden", family_name="Marlowe", date_of_birth=dt.date(2011, 1, 4)
    )
    response = admin.post("/young-people/new/", JAYDEN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This may be the same person as" in html
    link = f'<a class="govuk-link" href="/young-people/{existing.pk}/">'
    assert f"{link}Jayden Marlowe, born 4 January 2011</a>" in html
    assert 'href="#id_confirm_not_duplicate"' in html  # the error summary asks to confirm
    assert 'name="confirm_not_duplicate"' in html
    assert 'value="jayden "' in html  # what was typed is kept, as typed
    assert YoungPerson.objects.count() == 1


def test_confirming_a_different_person_registers_them(admin):
    make_young_person(given_name="Jayden", family_name="Marlowe", date_of_birth=dt.date(2011, 1, 4))
    response = admin.post("/young-people/new/", {**JAYDEN, "confirm_not_duplicate": "on"})
    assert response.status_code == 302
    assert YoungPerson.objects.count() == 2


def test_the_confirmation_is_not_asked_without_a_possible_duplicate(admin):
    assert 'name="confirm_not_duplicate"' not in admin.get("/young-people/new/").content.decode()
    assert admin.post("/young-people/new/", JAYDEN).status_code == 302


def test_editing_someone_to_match_another_is_flagged(admin):
    existing = make_young_person(
        given_name="Jayden", family_name="Marlowe", date_of_birth=dt.date(2011, 1, 4)
    )
    other = make_young_person(
        given_name="Jay", family_name="Marlowe", date_of_birth=dt.date(2011, 1, 4)
    )
    response = admin.post(f"/young-people/{other.pk}/edit/", JAYDEN)
    assert response.status_code == 200
    assert f'href="/young-people/{existing.pk}/"' in response.content.decode()
    other.refresh_from_db()
    assert other.given_name == "Jay"
