"""The pages keep to the same limits as the API: every date between 1 January 2000 and 31
December 2100, every free text and list within its documented size, each refused with the
error on its field and nothing stored (never a server error)."""

from __future__ import annotations

import pytest

from accounts.models import Role
from agencies.services import leave_of
from screening.models import Case, VisitStatus, YoungPerson
from tests import factories
from tests.frontend.test_pages import browser_for, world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def date_boxes(name: str, day: str, month: str, year: str) -> dict[str, str]:
    return {f"{name}_0": day, f"{name}_1": month, f"{name}_2": year}


WINDOW = "must be between 1 January 2000 and 31 December 2100"


@pytest.mark.parametrize("year", ["9999", "1999", "2101"])
def test_an_order_start_date_outside_the_window_is_an_error_on_its_field(world, year):  # noqa: F811
    client = browser_for(world["users"][Role.YOT_ADMIN])
    person = world["case"].young_person
    before = Case.objects.count()
    response = client.post(
        f"/young-people/{person.pk}/cases/new/",
        {"order_type": "referral_order", **date_boxes("order_start_date", "31", "12", year)},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"The order start date {WINDOW}" in html and 'href="#id_order_start_date_0"' in html
    assert Case.objects.count() == before


def test_a_not_before_date_outside_the_window_is_an_error_on_its_field(world):  # noqa: F811
    client = browser_for(world["users"][Role.YOT_ADMIN])
    # A case with no visit yet: a booked case's booking page links to its visit instead.
    unbooked = factories.make_case()
    response = client.get(
        f"/cases/{unbooked.pk}/book/",
        {"agencies": ["health"], "order": "fixed", **date_boxes("not_before", "31", "12", "9999")},
    )
    assert response.status_code == 200
    assert f"The first day {WINDOW}" in response.content.decode()


def test_leave_outside_the_window_is_an_error_on_its_field(world):  # noqa: F811
    practitioner = world["team"]["health"]
    client = browser_for(practitioner.user)
    response = client.post(
        f"/practitioners/{practitioner.pk}/leave/new/",
        {**date_boxes("first_day", "1", "1", "2100"), **date_boxes("last_day", "31", "12", "9999")},
    )
    assert response.status_code == 200
    assert f"The last day of leave {WINDOW}" in response.content.decode()
    assert not leave_of(practitioner=practitioner).exists()


def test_a_working_pattern_starting_outside_the_window_is_an_error_on_its_field(world):  # noqa: F811
    practitioner = world["team"]["health"]
    client = browser_for(world["users"][Role.YOT_ADMIN])
    response = client.post(
        f"/practitioners/{practitioner.pk}/patterns/new/",
        {
            "weekdays": ["0"],
            "start_time": "09:00",
            "end_time": "17:00",
            **date_boxes("valid_from", "1", "1", "1999"),
        },
    )
    assert response.status_code == 200
    assert f"The first day {WINDOW}" in response.content.decode()


def young_person_form(**changes: str) -> dict[str, str]:
    return {
        "given_name": "Amara",
        "family_name": "Quill",
        **date_boxes("date_of_birth", "3", "4", "2011"),
        "language": "en",
        **changes,
    }


def test_communication_needs_beyond_5000_characters_are_an_error_on_their_field(world):  # noqa: F811
    client = browser_for(world["users"][Role.YOT_ADMIN])
    response = client.post("/young-people/new/", young_person_form(communication_needs="x" * 5001))
    html = response.content.decode()
    assert response.status_code == 200 and 'href="#id_communication_needs"' in html
    assert "Communication needs must be 5,000 characters or fewer" in html
    assert not YoungPerson.objects.filter(given_name="Amara").exists()
    saved = client.post("/young-people/new/", young_person_form(communication_needs="x" * 5000))
    assert saved.status_code == 302


def test_a_cancel_reason_beyond_1000_characters_is_an_error_on_its_field(world):  # noqa: F811
    client = browser_for(world["users"][Role.YOT_ADMIN])
    visit = world["visit"]
    response = client.post(f"/visits/{visit.pk}/cancel/", {"reason": "x" * 1001})
    assert "The reason must be 1,000 characters or fewer" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.BOOKED


def test_leave_reason_beyond_500_characters_is_an_error_on_its_field(world):  # noqa: F811
    practitioner = world["team"]["health"]
    client = browser_for(practitioner.user)
    response = client.post(
        f"/practitioners/{practitioner.pk}/leave/new/",
        {
            **date_boxes("first_day", "10", "6", "2030"),
            **date_boxes("last_day", "12", "6", "2030"),
            "reason": "x" * 501,
        },
    )
    assert "The reason must be 500 characters or fewer" in response.content.decode()
    assert not leave_of(practitioner=practitioner).exists()
