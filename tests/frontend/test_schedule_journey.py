"""A YOT admin finds who is where for the week, opens a day, and prints a venue's day sheet,
in a real Chromium with axe-core on every page visited."""

from __future__ import annotations

import datetime as dt

import pytest

from agencies.models import Agency
from screening.booking.services import SessionRequest, visit_book
from tests.frontend.conftest import check_axe, go, heading, sign_in
from tests.messaging import LONDON, freeze

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def monday(monkeypatch):
    """09:00 on Monday 22 February 2027, for the test and the live server's thread alike."""
    return freeze(monkeypatch, dt.datetime(2027, 2, 22, 9, 0, tzinfo=LONDON))


def test_admin_sees_the_week_a_day_and_a_venues_day_sheet(monday, web, yot):
    start = dt.datetime(2027, 2, 24, 11, 0, tzinfo=LONDON)  # Wednesday of the same week
    health = Agency.objects.get(code="health")
    visit_book(
        case=yot["case"],
        room=yot["room"],
        sessions=[SessionRequest(agency=health, practitioner=yot["team"]["health"], start=start)],
        booked_by=yot["admin"],
    )
    sign_in(web, yot["admin"].username)
    go(web.get_by_role("link", name="Who is where", exact=True))
    assert heading(web) == "Week of Monday 22 February 2027"
    check_axe(web, "schedule-week")
    nurse = web.locator("tr", has=web.get_by_role("rowheader", name="Ngozi Achebe Health"))
    assert "11:00 to" in nurse.inner_text() and yot["case"].reference in nurse.inner_text()

    go(web.get_by_role("link", name="Wednesday 24 February"))
    assert heading(web) == "Wednesday 24 February 2027"
    check_axe(web, "schedule-day")
    go(web.get_by_role("link", name="Day sheet for Greenbank Youth Hub"))
    assert heading(web) == "Greenbank Youth Hub, Wednesday 24 February 2027"
    check_axe(web, "venue-day-sheet")
    sheet = web.locator("table").inner_text()
    assert "Jayden Marlowe" in sheet and "Ngozi Achebe, Health" in sheet

    go(web.get_by_role("link", name="Back to the day view"))
    assert heading(web) == "Wednesday 24 February 2027"
