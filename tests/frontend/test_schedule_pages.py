"""The week and day views and a venue's day sheet: who may see them, what they show, and a
clear error for a date that is not one."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import Role
from tests import factories
from tests.frontend.test_pages import browser_for
from tests.screening.booking.test_week import week  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def week_of(day: dt.date, **more: object) -> dict[str, object]:
    return {"week_of_0": day.day, "week_of_1": day.month, "week_of_2": day.year, **more}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.YOT_ADMIN, 200),
        (Role.YOT_MANAGER, 200),
        (Role.CASE_MANAGER, 403),
        (Role.PRACTITIONER, 403),
        (Role.SYSTEM_ADMIN, 403),
    ],
)
def test_who_is_where_is_for_those_who_book_and_oversee_visits(week, role, status):  # noqa: F811
    client = browser_for(factories.make_user(role=role))
    assert client.get("/schedule/").status_code == status
    assert client.get("/schedule/day/").status_code == status
    assert client.get(f"/venues/{week['venue'].pk}/day-sheet/").status_code == status


def test_the_week_starts_on_monday_and_links_each_session_to_its_visit(week):  # noqa: F811
    client = browser_for(factories.make_user(role=Role.YOT_ADMIN))
    # Wednesday 24 March asked: the week shown is Monday 22 to Sunday 28 March 2027.
    page = client.get("/schedule/", week_of(dt.date(2027, 3, 24))).content.decode()
    assert "Week of Monday 22 March 2027" in page
    assert "Not a working day: Good Friday" in page
    assert f'href="/visits/{week["visit"].pk}/"' in page
    assert "Dana Nurse" in page and "Blue room" in page
    # Previous and next weeks keep the filters and move by seven days.
    assert "week_of_0=15&amp;week_of_1=3&amp;week_of_2=2027" in page
    assert "week_of_0=29&amp;week_of_1=3&amp;week_of_2=2027" in page


def test_the_navigation_offers_who_is_where_to_an_admin(week):  # noqa: F811
    page = browser_for(factories.make_user(role=Role.YOT_ADMIN)).get("/dashboard/").content.decode()
    assert 'href="/schedule/"' in page and "Who is where" in page


def test_the_day_view_shows_one_day_and_links_each_venues_day_sheet(week):  # noqa: F811
    client = browser_for(factories.make_user(role=Role.YOT_MANAGER))
    page = client.get("/schedule/day/", week_of(dt.date(2027, 3, 23))).content.decode()
    assert "Tuesday 23 March 2027" in page and "Wednesday 24 March" not in page
    sheet = f"/venues/{week['venue'].pk}/day-sheet/?date_0=23&amp;date_1=3&amp;date_2=2027"
    assert sheet in page


def test_the_day_sheet_names_who_comes_where_and_whom_they_see(week):  # noqa: F811
    client = browser_for(factories.make_user(role=Role.YOT_ADMIN))
    response = client.get(
        f"/venues/{week['venue'].pk}/day-sheet/", {"date_0": 23, "date_1": 3, "date_2": 2027}
    )
    page = response.content.decode()
    assert "Riverside Hub, Tuesday 23 March 2027" in page
    assert "Priya Halloran" in page and week["case"].reference in page
    assert "10:00" in page and "Dana Nurse, Health" in page
    assert "Official-sensitive" in page


def test_a_day_sheet_for_a_date_that_is_not_one_says_so(week):  # noqa: F811
    client = browser_for(factories.make_user(role=Role.YOT_ADMIN))
    response = client.get(
        f"/venues/{week['venue'].pk}/day-sheet/", {"date_0": 31, "date_1": 2, "date_2": 2027}
    )
    assert response.status_code == 400
    assert "The date must be a real date" in response.content.decode()


def test_a_week_asked_with_an_impossible_date_is_an_error_on_its_field(week):  # noqa: F811
    client = browser_for(factories.make_user(role=Role.YOT_ADMIN))
    response = client.get("/schedule/", week_of(dt.date(2027, 3, 1), week_of_0=32))
    assert response.status_code == 400
    assert "The date must be a real date" in response.content.decode()
