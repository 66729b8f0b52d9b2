"""Journeys through the timeliness report and a case's texts, in a real Chromium, with
axe-core on every page visited."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import Role
from agencies.models import Agency
from screening.booking.services import SessionRequest, session_record_attendance, visit_book
from screening.models import AdminTask, Message
from screening.worktray.services import admin_task_create
from tests import factories
from tests.frontend.conftest import book_past_visit, check_axe, go, heading, sign_in
from tests.messaging import LONDON, freeze

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def tuesday(monkeypatch):
    """09:00 on Tuesday 23 February 2027, for the test and the live server's thread alike.
    Only timezone.now is stopped: the browser's cookies keep the real time."""
    return freeze(monkeypatch, dt.datetime(2027, 2, 23, 9, 0, tzinfo=LONDON))


def test_manager_reads_timeliness_and_admin_closes_a_task_from_a_case_texts(tuesday, web, yot):
    past = book_past_visit(yot)  # Monday 22 February 2027
    for session in past.sessions.all():
        session_record_attendance(session=session, attended=True)
    person = factories.make_young_person(
        given_name="Amara", family_name="Okafor", mobile="07400 123456", sms_consent=True
    )
    case = factories.make_case(young_person=person, order_start_date=dt.date(2027, 2, 23))
    tomorrow = dt.date(2027, 2, 24)  # a Wednesday
    health = Agency.objects.get(code="health")
    visit = visit_book(
        case=case,
        room=yot["room"],
        sessions=[
            SessionRequest(
                agency=health,
                practitioner=yot["team"]["health"],
                start=dt.datetime.combine(tomorrow, dt.time(11), tzinfo=yot["zone"]),
            )
        ],
        booked_by=yot["admin"],
        late_reason="Young person only free then",
    )
    message = Message.objects.filter(visit=visit).order_by("send_at").first()
    task = admin_task_create(
        kind=AdminTask.Kind.UNDELIVERED,
        text="The confirmation was not delivered: phone Amara.",
        visit=visit,
        message=message,
    )
    manager = factories.make_user(role=Role.YOT_MANAGER, first_name="Ruth", last_name="Kellaway")

    sign_in(web, manager.username)
    assert heading(web) == "Dashboard"
    check_axe(web, "manager-dashboard")
    go(web.get_by_role("link", name="Timeliness", exact=True))
    assert heading(web) == "Timeliness"
    check_axe(web, "timeliness")
    summary = web.locator("table[aria-labelledby=summary]")
    assert summary.get_by_role("row", name="Screening visit").count() == 1
    chart = web.locator("svg[role=img]").first
    assert "on time by month" in chart.locator("title").text_content()
    web.get_by_text("How this is counted").click()
    check_axe(web, "timeliness-details-open")
    go(web.get_by_role("button", name="Sign out"))

    sign_in(web, yot["admin"].username)
    check_axe(web, "admin-dashboard-tasks")
    phone = web.locator("table[aria-labelledby=phone]")
    assert "phone Amara" in phone.inner_text()
    # Other tasks may be open for the case (texts the dispatcher could not send): take ours.
    go(phone.locator("tr", has_text="phone Amara").get_by_role("link", name=case.reference))
    assert heading(web) == "Texts and replies"
    check_axe(web, "case-messages")
    assert "+44•••••••456" in web.content()
    go(web.locator("tr", has_text="phone Amara").get_by_role("button", name="Mark as done"))
    assert "Marked as done" in web.content()
    check_axe(web, "case-messages-task-done")
    task.refresh_from_db()
    assert task.done_by == yot["admin"] and task.done_at is not None
    go(web.get_by_role("link", name="Tasks", exact=True))
    assert "phone Amara" not in web.locator("main").inner_text()
    check_axe(web, "tasks")


def test_practitioner_calendar_settings_show_errors_and_a_new_feed_link(web, yot, settings):
    settings.CALENDAR_IMPORT = {**settings.CALENDAR_IMPORT, "allow_private": False}
    nurse = yot["team"]["health"]
    sign_in(web, nurse.user.username)
    check_axe(web, "my-home")
    go(web.get_by_role("link", name="Calendar settings", exact=False))
    assert heading(web) == "Calendar settings"
    check_axe(web, "my-calendar")
    old = web.get_by_label("Calendar feed address").input_value()
    web.get_by_label("Address of your calendar").fill("http://127.0.0.1:9/work.ics")
    go(web.get_by_role("button", name="Save and load the address"))
    assert web.locator(".govuk-error-summary").is_visible()
    assert web.get_by_label("Address of your calendar").input_value() == (
        "http://127.0.0.1:9/work.ics"
    )
    check_axe(web, "my-calendar-error")
    go(web.get_by_role("button", name="Get a new link"))
    assert "The old one no longer works" in web.content()
    assert web.get_by_label("Calendar feed address").input_value() != old
    check_axe(web, "my-calendar-new-link")
