"""Numbers' states: STOP withdraws what is planned, START plans again what is still due."""

import datetime as dt

import pytest

from screening.booking.services import visit_cancel
from screening.messaging.replies import inbound_record
from screening.models import Message
from tests.messaging import LONDON, NOW, YP_MOBILE, at, book, freeze, make_team
from tests.messaging import texting_person as person

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(db, monkeypatch):
    freeze(monkeypatch)
    return make_team()


def statuses(visit) -> dict[str, list[str]]:
    """Each purpose's rows' statuses, oldest row first."""
    found: dict[str, list[str]] = {}
    for purpose, status in visit.messages.order_by("id").values_list("purpose", "status"):
        found.setdefault(purpose, []).append(status)
    return found


def reply(body: str, sid: str) -> None:
    inbound_record(provider_id=sid, from_number=YP_MOBILE, body=body)


def test_start_plans_again_the_reminders_stop_withdrew_never_what_was_sent(team):
    visit = book(team)  # Tuesday 2 March 10:00; now Tuesday 23 February 09:00
    visit.messages.filter(purpose="confirmation").update(status="sent", provider_id="SM1")
    reply("STOP", "IN1")
    assert statuses(visit) == {
        "confirmation": ["sent"],
        "day_before": ["withdrawn"],
        "morning": ["withdrawn"],
    }
    reply("START", "IN2")
    assert statuses(visit) == {
        "confirmation": ["sent"],
        "day_before": ["planned"],
        "morning": ["planned"],
    }
    day_before = visit.messages.get(purpose="day_before")
    assert day_before.send_at == dt.datetime(2027, 3, 1, 17, 0, tzinfo=LONDON)
    assert day_before.next_attempt_at == day_before.send_at
    assert visit.messages.get(purpose="morning").send_at == at(8)
    assert not day_before.body.startswith("This is")  # the number was texted before


def test_start_plans_only_what_is_still_ahead(team, monkeypatch):
    visit = book(team)
    visit.messages.filter(purpose="confirmation").update(status="sent", provider_id="SM1")
    reply("STOP", "IN1")
    freeze(monkeypatch, dt.datetime(2027, 3, 1, 18, 30, tzinfo=LONDON))  # after the 17:00 one
    reply("START", "IN2")
    assert statuses(visit)["day_before"] == ["withdrawn"]
    assert statuses(visit)["morning"] == ["planned"]


def test_start_confirms_a_visit_never_confirmed_and_leaves_past_and_cancelled_ones(team):
    young_person = person()
    ahead = book(team, person=young_person)
    cancelled = book(team, person=young_person, start=at(14))
    reply("STOP", "IN1")
    visit_cancel(visit=cancelled, reason="booked twice")
    while_opted_out = book(team, person=young_person, start=at(16))
    assert statuses(while_opted_out) == {}
    reply("START", "IN2")
    all_planned = {"confirmation": ["planned"], "day_before": ["planned"], "morning": ["planned"]}
    assert statuses(ahead) == statuses(while_opted_out) == all_planned
    confirmation = ahead.messages.get(purpose="confirmation")
    assert confirmation.send_at == NOW
    assert confirmation.body.startswith("This is Youth Support. Reply STOP")
    assert not cancelled.messages.filter(status="planned").exists()
    assert Message.objects.filter(to=YP_MOBILE, status="planned").count() == 6
    introduced = Message.objects.filter(to=YP_MOBILE, status="planned", body__startswith="This is")
    assert list(introduced) == [confirmation]  # one introduction for the number
