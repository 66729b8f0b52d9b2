"""The "Bring forward" page: lists the freed earlier time for a waiting case and for a
case booked late; books or moves through the usual services; a time taken meanwhile gives
a clear 409 with the list worked out again; only YOT admins may use it (page and API)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from schedule.models import Event

from accounts.models import Role
from screening.booking.services import visit_cancel
from screening.models import Visit
from tests.conftest import client_for
from tests.factories import make_user
from tests.frontend.test_pages import browser_for
from tests.screening.booking.bring_forward_world import (
    at,
    book_at,
    make_home,
    make_world,
    new_case,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(monkeypatch):
    """A visit on Tuesday 2 March 10:00 cancelled; one case waiting; one booked late on
    Tuesday 9 March (due Monday 8 March)."""
    make_world(monkeypatch)
    cancelled = book_at(new_case(), at(2, 10))
    waiting = new_case()
    late_case = new_case()
    late = book_at(late_case, at(9, 10))
    visit_cancel(visit=cancelled, reason="Family away")
    return {"waiting": waiting, "late_case": late_case, "late": late}


def _forms(html: str) -> dict[str, dict[str, str]]:
    """Each row's form fields, by case id."""
    out = {}
    for form in re.findall(r"<form method=\"post\".*?</form>", html, re.S):
        fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
        if "case" in fields:
            out[fields["case"]] = fields
    return out


def test_the_list_shows_each_case_with_its_earlier_time(scene):
    admin = browser_for(make_user(role=Role.YOT_ADMIN))
    html = admin.get("/bring-forward/").content.decode()
    waiting, late_case = scene["waiting"], scene["late_case"]
    assert waiting.reference in html and late_case.reference in html
    forms = _forms(html)
    assert "visit" not in forms[str(waiting.pk)]  # "Book this"
    assert forms[str(late_case.pk)]["visit"] == str(scene["late"].pk)  # "Move to this"
    assert "Book this" in html and "Move to this" in html
    assert "None booked" in html
    assert "2 March 2027" in html
    dashboard = admin.get("/dashboard/").content.decode()
    assert 'href="/bring-forward/"' in dashboard


def test_moving_from_the_list_goes_through_the_reschedule(scene):
    admin = browser_for(make_user(role=Role.YOT_ADMIN))
    forms = _forms(admin.get("/bring-forward/").content.decode())
    response = admin.post("/bring-forward/", forms[str(scene["late_case"].pk)])
    assert response.status_code == 302
    late = Visit.objects.get(pk=scene["late"].pk)
    assert late.start == at(2, 10) and late.version == 2
    assert late.history.filter(kind="rescheduled").exists()


def test_a_time_taken_meanwhile_answers_409_and_the_list_is_worked_out_again(scene):
    admin = browser_for(make_user(role=Role.YOT_ADMIN))
    forms = _forms(admin.get("/bring-forward/").content.decode())
    booked = admin.post("/bring-forward/", forms[str(scene["waiting"].pk)])
    assert booked.status_code == 302
    assert Visit.objects.get(case=scene["waiting"], status="booked").start == at(2, 10)
    stale = admin.post("/bring-forward/", forms[str(scene["late_case"].pk)])
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "govuk-error-summary" in html and "taken meanwhile" in html
    assert str(scene["late_case"].pk) not in _forms(html)  # no freed time fits it now
    assert Visit.objects.get(pk=scene["late"].pk).start == at(9, 10)  # not moved


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.YOT_ADMIN, 200),
        (Role.YOT_MANAGER, 403),
        (Role.CASE_MANAGER, 403),
        (Role.PRACTITIONER, 403),
        (Role.SYSTEM_ADMIN, 403),
    ],
)
def test_only_yot_admins_may_bring_forward(scene, role, status):
    user = make_user(role=role)
    case = scene["waiting"]
    assert client_for(user).get(f"/api/v1/cases/{case.pk}/bring-forward/").status_code == status
    assert browser_for(user).get("/bring-forward/").status_code == status


def test_the_api_offers_the_freed_time(scene):
    api = client_for(make_user(role=Role.YOT_ADMIN))
    data = api.get(f"/api/v1/cases/{scene['late_case'].pk}/bring-forward/").json()
    assert data["current_visit"]["id"] == scene["late"].pk
    assert data["visit_due_by"] == "2027-03-08"
    [option] = data["options"]
    assert dt.datetime.fromisoformat(option["start"]) == at(2, 10)
    assert [s["agency"] for s in option["sessions"]] == [
        "speech_language",
        "health",
        "education",
        "social_care",
    ]
    assert data["freed_slots"][0]["cause"] == "cancelled"
    body = {
        "room": option["room"],
        "sessions": [
            {k: s[k] for k in ("agency", "practitioner", "start", "end")}
            for s in option["sessions"]
        ],
        "late_reason": "",
    }
    moved = api.post(f"/api/v1/visits/{scene['late'].pk}/reschedule/", body, format="json")
    assert moved.status_code == 200, moved.content


def test_a_case_needing_nothing_earlier_gets_no_options_and_a_reason(scene):
    api = client_for(make_user(role=Role.YOT_ADMIN))
    in_time = new_case()
    book_at(in_time, at(4, 10))
    data = api.get(f"/api/v1/cases/{in_time.pk}/bring-forward/").json()
    assert data["options"] == [] and data["reasons"]
    assert api.get("/api/v1/cases/999999/bring-forward/").status_code == 404


def test_a_home_offer_moves_from_the_list_with_its_venue(monkeypatch):
    """The office room is closed all Tuesday 2 March; a home visit that day 10:20-12:50
    (20 minutes away) is cancelled; a case booked at home on Tuesday 9 March 10:20 (due
    Monday 8 March) is offered its home on 2 March at 10:20, and "Move to this" posts the
    home venue (no room) through the reschedule."""
    room = make_world(monkeypatch)
    home = make_home()
    Event.objects.create(calendar=room.calendar, title="Closed", start=at(2, 0), end=at(3, 0))
    cancelled = book_at(new_case(), at(2, 10, 20), venue=home)
    late_case = new_case()
    late = book_at(late_case, at(9, 10, 20), venue=home)
    visit_cancel(visit=cancelled, reason="Ill")
    admin = browser_for(make_user(role=Role.YOT_ADMIN))
    html = admin.get("/bring-forward/").content.decode()
    assert "Young person&#x27;s home" in html
    response = admin.post("/bring-forward/", _forms(html)[str(late_case.pk)])
    assert response.status_code == 302
    late.refresh_from_db()
    assert (late.start, late.venue, late.room) == (at(2, 10, 20), home, None)
