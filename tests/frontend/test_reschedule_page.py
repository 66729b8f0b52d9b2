"""The reschedule page: it shows the booking being moved, and its first option keeps the
visit's practitioners when they are free (their own sessions do not stand against them)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from accounts.models import Role
from agencies.models import Agency
from agencies.services import leave_create
from screening.booking.services import SessionRequest, visit_book
from tests import factories
from tests.messaging import LONDON, freeze

pytestmark = pytest.mark.django_db

CODES = ["speech_language", "health", "education", "social_care"]
# "Now" is Tuesday 23 February 2027, 09:00. The visit is on Thursday 25 February from
# 10:00: speech and language 10:00-10:30, health 10:35-11:20, education 11:25-11:55,
# children's social care 12:00-12:30, in Interview room 1 of Greenbank Youth Hub.
NOW = dt.datetime(2027, 2, 23, 9, 0, tzinfo=LONDON)
BOOKED = dt.datetime(2027, 2, 25, 10, 0, tzinfo=LONDON)


def working(code: str, name: str):
    """A practitioner working weekdays 09:00-17:00."""
    return factories.make_working_practitioner(agency=code, name=name)


@pytest.fixture
def moving(monkeypatch):
    """A booked visit whose team is not the one the search would pick first for a new
    booking: each agency has another practitioner, created earlier (a lower id) and with
    no more sessions that week."""
    freeze(monkeypatch, NOW)
    others = {code: working(code, f"Other {code.replace('_', ' ')}") for code in CODES}
    team = {
        "speech_language": working("speech_language", "Wanjiru Mwangi"),
        "health": working("health", "Ngozi Achebe"),
        "education": working("education", "Lucia Castellano"),
        "social_care": working("social_care", "Kwame Osei"),
    }
    room = factories.make_room(
        venue=factories.make_venue(name="Greenbank Youth Hub"), name="Interview room 1"
    )
    case = factories.make_case(order_start_date=dt.date(2027, 2, 22))
    sessions, t = [], BOOKED
    for code in CODES:
        agency = Agency.objects.get(code=code)
        sessions.append(SessionRequest(agency=agency, practitioner=team[code], start=t))
        t += dt.timedelta(minutes=agency.default_duration_minutes + 5)
    visit = visit_book(case=case, room=room, sessions=sessions, late_reason="Family asked")
    admin = Client()
    admin.force_login(factories.make_user(role=Role.YOT_ADMIN))
    return {"visit": visit, "team": team, "others": others, "admin": admin}


def first_option(response) -> dict[str, str]:
    option = response.context["options"][0]
    return {s["agency"].code: s["practitioner"].name for s in option.sessions}


def test_the_first_reschedule_option_keeps_the_visits_practitioners(moving):
    response = moving["admin"].get(f"/visits/{moving['visit'].pk}/reschedule/")
    assert response.status_code == 200
    option = response.context["options"][0]
    # Notice (2 hours) and the page's margin (15 minutes) from 09:00: 11:15 today.
    assert option.start == dt.datetime(2027, 2, 23, 11, 15, tzinfo=LONDON)
    assert first_option(response) == {code: p.name for code, p in moving["team"].items()}


def test_a_practitioner_of_the_visit_who_is_away_is_replaced_and_the_rest_are_kept(moving):
    leave_create(
        practitioner=moving["team"]["health"],
        start=dt.datetime(2027, 2, 23, 0, 0, tzinfo=LONDON),
        end=dt.datetime(2027, 2, 24, 0, 0, tzinfo=LONDON),
    )
    response = moving["admin"].get(f"/visits/{moving['visit'].pk}/reschedule/")
    assert response.context["options"][0].start == dt.datetime(2027, 2, 23, 11, 15, tzinfo=LONDON)
    assert first_option(response) == {
        "speech_language": "Wanjiru Mwangi",
        "health": "Other health",
        "education": "Lucia Castellano",
        "social_care": "Kwame Osei",
    }


def test_the_reschedule_page_shows_the_booking_being_moved(moving):
    response = moving["admin"].get(f"/visits/{moving['visit'].pk}/reschedule/")
    html = response.content.decode()
    start = html.index('id="current-booking"')
    current = html[start : html.index("</section>", start)]
    assert "Thursday 25 February 2027" in current
    assert "10am to 12:30pm" in current
    assert "Interview room 1, Greenbank Youth Hub" in current
    for when, agency, name in [
        ("10am to 10:30am", "Speech, language and communication", "Wanjiru Mwangi"),
        ("10:35am to 11:20am", "Health", "Ngozi Achebe"),
        ("11:25am to 11:55am", "Education", "Lucia Castellano"),
        ("midday to 12:30pm", "Children&#x27;s social care", "Kwame Osei"),
    ]:
        row = current[current.index(when) :]
        row = row[: row.index("</tr>")]
        assert agency in row and name in row, row


def test_the_reschedule_page_keeps_why_the_visit_moved_in_its_history(moving):
    visit = moving["visit"]
    url = f"/visits/{visit.pk}/reschedule/"
    option = moving["admin"].get(url).context["options"][0]
    assert f'id="{option.key}-reason"' in moving["admin"].get(url).content.decode()
    posted = {"option": option.token, "query": "", "reason": "The nurse is needed in court."}
    assert moving["admin"].post(url, posted).status_code == 302
    entry = visit.history.get(kind="rescheduled")
    assert (entry.reason, entry.late_reason) == ("The nurse is needed in court.", "")
