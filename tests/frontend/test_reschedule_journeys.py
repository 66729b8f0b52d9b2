"""Rescheduling in a real Chromium: the team is kept, and a practitioner change sends the
right calendar invites (axe-core on every page visited)."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.core import mail

from agencies.models import Agency, Practitioner
from agencies.services import leave_create
from screening.booking.services import SessionRequest, visit_book
from screening.calendars.invites import invites_send_due
from screening.models import Visit
from tests import factories
from tests.frontend.conftest import check_axe, go, heading, sign_in
from tests.messaging import LONDON, freeze

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CODES = ["speech_language", "health", "education", "social_care"]
# "Now" is Tuesday 23 February 2027, 09:00 (the live server reads the same clock). The
# visit is on Thursday 25 February from 10:00: speech and language 10:00-10:30, health
# 10:35-11:20, education 11:25-11:55, children's social care 12:00-12:30. The first time
# offered is 11:15 today: two hours' notice and the page's 15 minutes from 09:00.
NOW = dt.datetime(2027, 2, 23, 9, 0, tzinfo=LONDON)
BOOKED = dt.datetime(2027, 2, 25, 10, 0, tzinfo=LONDON)
FIRST = dt.datetime(2027, 2, 23, 11, 15, tzinfo=LONDON)
SECOND_TEAM = {
    "speech_language": "Aoife Brennan",
    "health": "Farid Haddad",
    "education": "Mei Lin Tan",
    "social_care": "Oluwaseun Bello",
}


@pytest.fixture
def moved(monkeypatch):
    """The clock stopped at NOW before the YOT is built (so its "today" is NOW's)."""
    return freeze(monkeypatch, NOW)


@pytest.fixture
def visit(moved, yot):
    """A visit booked with a second team, created after the YOT's own (so a search for a
    new visit would pick the YOT's team first: lower ids, no more sessions that week)."""
    team = {}
    for code, name in SECOND_TEAM.items():
        team[code] = factories.make_working_practitioner(
            agency=code, name=name, weekdays=range(7), hours=(7, 19)
        )
    sessions, t = [], BOOKED
    for code in CODES:
        agency = Agency.objects.get(code=code)
        sessions.append(SessionRequest(agency=agency, practitioner=team[code], start=t))
        t += dt.timedelta(minutes=agency.default_duration_minutes + 5)
    booked = visit_book(
        case=yot["case"], room=yot["room"], sessions=sessions, booked_by=yot["admin"]
    )
    invites_send_due()
    mail.outbox.clear()
    return booked


def open_reschedule(web, yot, visit) -> None:
    sign_in(web, yot["admin"].username)
    web.goto(f"/visits/{visit.pk}/")
    go(web.get_by_role("link", name="Reschedule"))
    assert heading(web) == "Reschedule the visit"
    check_axe(web, "reschedule")
    current = web.locator("#current-booking").inner_text()
    assert "10am to 12:30pm on Thursday 25 February 2027" in current
    assert "Interview room 1, Greenbank Youth Hub" in current
    for name in SECOND_TEAM.values():
        assert name in current


def practitioners(visit: Visit) -> dict[str, str]:
    return dict(visit.sessions.values_list("agency__code", "practitioner__name"))


def test_rescheduling_keeps_the_same_team(moved, web, yot, visit):
    open_reschedule(web, yot, visit)
    first = web.locator(".govuk-summary-card").first
    assert first.locator(".govuk-summary-card__title").inner_text() == (
        "11:15am on Tuesday 23 February 2027, Greenbank Youth Hub, Interview room 1"
    )
    shown = first.locator("tbody").inner_text()
    for name in SECOND_TEAM.values():
        assert name in shown
    go(first.get_by_role("button", name="Move the visit here"))
    assert "The visit is rescheduled." in web.content()
    check_axe(web, "rescheduled")
    visit.refresh_from_db()
    assert visit.start == FIRST and visit.version == 2
    assert practitioners(visit) == SECOND_TEAM


def test_a_practitioner_change_on_the_reschedule_page_sends_the_right_invites(
    moved, web, yot, visit
):
    leave_create(
        practitioner=visit.sessions.get(agency__code="health").practitioner,
        start=dt.datetime(2027, 2, 23, 0, 0, tzinfo=LONDON),
        end=dt.datetime(2027, 2, 24, 0, 0, tzinfo=LONDON),
    )
    open_reschedule(web, yot, visit)
    first = web.locator(".govuk-summary-card").first
    shown = first.locator("tbody").inner_text()
    assert "Ngozi Achebe" in shown and "Farid Haddad" not in shown
    go(first.get_by_role("button", name="Move the visit here"))
    assert "The visit is rescheduled." in web.content()
    visit.refresh_from_db()
    assert practitioners(visit) == {**SECOND_TEAM, "health": "Ngozi Achebe"}

    invites_send_due()
    names = dict(Practitioner.objects.values_list("email", "name"))
    sent = {}
    for message in mail.outbox:
        calendar = icalendar.Calendar.from_ical(message.alternatives[0][0])
        [event] = calendar.walk("VEVENT")
        sent[names[message.to[0]]] = (
            str(calendar["METHOD"]),
            message.subject.split(":")[0],
            f"{event.decoded('DTSTART').astimezone(LONDON):%d %b %H:%M}",
        )
    assert sent == {
        "Farid Haddad": ("CANCEL", "Cancelled", "25 Feb 10:35"),
        "Ngozi Achebe": ("REQUEST", "Screening session", "23 Feb 11:50"),
        "Aoife Brennan": ("REQUEST", "Moved", "23 Feb 11:15"),
        "Mei Lin Tan": ("REQUEST", "Moved", "23 Feb 12:40"),
        "Oluwaseun Bello": ("REQUEST", "Moved", "23 Feb 13:15"),
    }
