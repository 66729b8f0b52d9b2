"""Booking journeys in a real Chromium, with axe-core on every page: a case that has a
booked visit, rebooking a missed session, options that clash with school hours."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from agencies.models import Agency
from screening.booking.services import SessionRequest, visit_book
from screening.people.workdays import is_working_day
from tests.frontend.conftest import check_axe, go, heading, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CODES = ["speech_language", "health", "education", "social_care"]


def next_working_day(after: dt.date) -> dt.date:
    day = after + dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def book_for(yot, case, start: dt.datetime):
    sessions, t = [], start
    for code in CODES:
        agency = Agency.objects.get(code=code)
        sessions.append(SessionRequest(agency=agency, practitioner=yot["team"][code], start=t))
        t += dt.timedelta(minutes=agency.default_duration_minutes + 5)
    return visit_book(
        case=case, room=yot["room"], sessions=sessions, booked_by=yot["admin"], late_reason="-"
    )


def test_a_booked_case_leads_to_its_visit_instead_of_a_second_booking(web, yot):
    case = yot["case"]
    day = next_working_day(timezone.localdate())
    visit = book_for(yot, case, dt.datetime.combine(day, dt.time(10), tzinfo=yot["zone"]))
    sign_in(web, yot["admin"].username)

    web.goto(f"/cases/{case.pk}/")
    check_axe(web, "case-with-booked-visit")
    assert web.get_by_role("link", name="Book a visit").count() == 0
    go(web.get_by_role("link", name="See the booked visit"))
    assert web.url.endswith(f"/visits/{visit.pk}/")
    assert heading(web).startswith("Visit on ")

    # Someone who kept the old address is told, and sent to the visit.
    web.goto(f"/cases/{case.pk}/book/")
    assert heading(web) == "This case already has a booked visit"
    check_axe(web, "book-a-booked-case")
    assert web.locator(".govuk-summary-card").count() == 0
    go(web.get_by_role("link", name="See the booked visit"))
    assert web.url.endswith(f"/visits/{visit.pk}/")


def _last_working_day(before: dt.date) -> dt.date:
    day = before - dt.timedelta(days=1)
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def test_rebooking_a_missed_session_asks_only_why_and_the_error_leads_to_the_box(web, yot):
    """A case whose visit deadline went by long ago; its visit on the last working day,
    the health session missed. The rebooking has its own deadline, still to come."""
    from screening.booking.services import session_record_attendance
    from tests import factories

    day = _last_working_day(timezone.localdate())
    person = factories.make_young_person(given_name="Keira", family_name="Ashdown")
    case = factories.make_case(young_person=person, order_start_date=day - dt.timedelta(days=30))
    sessions, t = [], dt.datetime.combine(day, dt.time(10), tzinfo=yot["zone"])
    for code in CODES:
        agency = Agency.objects.get(code=code)
        sessions.append(SessionRequest(agency=agency, practitioner=yot["team"][code], start=t))
        t += dt.timedelta(minutes=agency.default_duration_minutes + 5)
    visit = visit_book(
        case=case,
        room=yot["room"],
        sessions=sessions,
        record_past=True,
        late_reason="Recorded after the event",
    )
    missed = visit.sessions.get(agency__code="health")
    session_record_attendance(session=missed, attended=False, reason="Unwell on the day")

    sign_in(web, yot["admin"].username)
    web.goto(f"/visits/{visit.pk}/")
    go(web.get_by_role("link", name="Rebook the Health session"))
    assert heading(web) == "Rebook the Health session"
    check_axe(web, "rebook")
    assert "after the deadline?" not in web.content()
    assert web.get_by_text("No room is free").count() == 0
    first = web.locator(".govuk-summary-card").first
    go(first.get_by_role("button", name="Rebook here"))

    summary = web.locator(".govuk-error-summary")
    assert "Say why the session is rebooked" in summary.inner_text()
    check_axe(web, "rebook-errors")
    link = summary.get_by_role("link", name="Say why the session is rebooked")
    target = link.get_attribute("href")
    assert web.locator(target).count() == 1
    link.click()
    assert "#" + web.evaluate("document.activeElement.id") == target
    web.locator(target).fill("Unwell on the day; the family asked for the next morning.")
    go(web.locator(target).locator("xpath=ancestor::form").get_by_role("button"))
    assert "The Health session is rebooked." in web.content(), web.content()[:3000]


def test_options_say_when_they_clash_with_school_hours_and_can_show_every_time(web, yot):
    """School every day from 07:00 to 16:00; the team works 07:00-19:30 every day, so only a
    late afternoon is outside it, one option a day. The rest are marked as clashing."""
    from screening.people.young_people import young_person_update

    case = yot["case"]
    young_person_update(
        young_person=case.young_person,
        unavailable=[
            {"weekdays": list(range(7)), "start_time": dt.time(7), "end_time": dt.time(16)}
        ],
    )
    sign_in(web, yot["admin"].username)
    web.goto(f"/cases/{case.pk}/book/")
    check_axe(web, "book-with-clashes")
    cards = web.locator(".govuk-summary-card")
    clashing = cards.filter(has_text="Clashes with unavailable times")
    assert cards.count() == 10 and clashing.count() > 0
    assert "clashes with the young person's usual unavailable times: 7am to 4pm" in (
        clashing.first.inner_text()
    )
    titles = [
        t.split(", ")[0] for t in cards.locator(".govuk-summary-card__title").all_inner_texts()
    ]
    days = [t.split(" on ")[1] for t in titles]
    assert max(days.count(d) for d in days) <= 3

    web.get_by_label("Every time from the earliest", exact=False).check()
    go(web.get_by_role("button", name="Show options"))
    check_axe(web, "book-every-time")
    titles = [
        t.split(", ")[0] for t in cards.locator(".govuk-summary-card__title").all_inner_texts()
    ]
    assert len({t.split(" on ")[1] for t in titles}) <= 2  # consecutive five-minute starts
