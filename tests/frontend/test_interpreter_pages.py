"""The visit page shows the interpreter as a participant, held for the whole visit."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import Role
from agencies.models import Agency
from screening.booking.services import SessionRequest, visit_book
from tests.factories import (
    make_case,
    make_interpreter,
    make_room,
    make_user,
    make_working_practitioner,
    make_young_person,
)
from tests.frontend.test_pages import browser_for

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def test_the_visit_page_shows_the_interpreter(monkeypatch):
    monkeypatch.setattr(
        timezone, "now", lambda: dt.datetime(2027, 2, 23, 9, tzinfo=LONDON).astimezone(dt.UTC)
    )
    health = Agency.objects.get(code="health")
    nurse = make_working_practitioner(agency=health)
    interpreter = make_interpreter(name="Ola Nowak")
    person = make_young_person(interpreter_needed=True, interpreter_language="pl")
    visit = visit_book(
        case=make_case(young_person=person),
        room=make_room(),
        interpreter=interpreter,
        sessions=[
            SessionRequest(
                agency=health,
                practitioner=nurse,
                start=dt.datetime(2027, 3, 2, 10, tzinfo=LONDON),
            )
        ],
    )
    admin = browser_for(make_user(role=Role.YOT_ADMIN))
    html = admin.get(f"/visits/{visit.pk}/").content.decode()
    row = html.split('id="interpreter"')[1].split("</div>")[0]
    assert "Ola Nowak, Polish, for the whole visit" in row
