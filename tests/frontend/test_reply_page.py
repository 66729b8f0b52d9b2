"""The young person's own reply page (`/r/{token}`): the link in their texts, no sign-in.

"Now" is Tuesday 23 February 2027, 09:00 London (tests/messaging.py); the visit is on
Tuesday 2 March 2027 at 10:00, the case's visit deadline (5 working days from the order's
start on 23 February: 24, 25, 26 February, 1 and 2 March).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from screening.booking.reply_times import other_times_for
from screening.booking.services import SessionRequest, visit_cancel, visit_reschedule
from screening.errors import SlotTaken
from screening.integrations.sms.fake import FakeGateway
from screening.messaging.dispatch import messages_dispatch_due
from screening.messaging.reply_links import token_hash
from screening.models import AdminTask, AuditEntry, Message, ReplyLink, Visit
from tests.messaging import at, book, freeze, make_team, texting_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh():
    cache.clear()
    FakeGateway.reset()
    yield
    FakeGateway.reset()


@pytest.fixture
def clock(monkeypatch):
    return freeze(monkeypatch)


def sent_token(to: str = "+447400123456") -> str:
    """The token in the last text sent to `to`."""
    messages_dispatch_due(gateway=FakeGateway())
    bodies = [t.body for t in FakeGateway.outbox if t.to == to]
    assert bodies, "no text was sent"
    found = re.findall(r"/r/([A-Za-z0-9_-]{22})\b", bodies[-1])
    assert found, bodies[-1]
    return found[-1]


@pytest.fixture
def booked(clock):
    person = texting_person(given_name="Jayden", family_name="Marlowe")
    visit = book(make_team(), person=person)
    return visit, sent_token()


def test_the_token_is_random_and_only_its_hash_is_stored(booked):
    visit, token = booked
    link = ReplyLink.objects.get(visit=visit)
    assert len(token) == 22 and re.fullmatch(r"[A-Za-z0-9_-]{22}", token)
    assert link.token_hash == token_hash(token) and token not in link.token_hash
    assert token not in link.nonce
    # The stored text holds the link masked: a copy of the database gives no working link.
    stored = Message.objects.get(visit=visit, purpose="confirmation")
    assert token not in stored.body and "/r/" + "*" * 22 in stored.body
    # A second visit's link is another token.
    other = book(make_team(), person=texting_person(mobile="07400 123457"))
    other_token = sent_token("+447400123457")
    assert other_token != token and ReplyLink.objects.get(visit=other).token_hash != link.token_hash


def test_the_page_shows_date_time_and_place_but_no_name_or_reference(client, booked):
    visit, token = booked
    response = client.get(f"/r/{token}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tuesday 2 March, 10:00am" in html
    assert visit.room.venue.name_for_texts in html
    for secret in ["Jayden", "Marlowe", visit.case.reference, "JM"]:
        assert secret not in html
    assert response["Referrer-Policy"] == "same-origin"  # never to another site
    assert response["Cache-Control"] == "no-store"
    assert "noindex" in response["X-Robots-Tag"]


@pytest.mark.parametrize("token", ["x" * 22, "short", "a" * 21 + "!", "a" * 200])
def test_wrong_tokens_answer_404_with_no_detail(client, booked, token):
    response = client.get(f"/r/{token}")
    assert response.status_code == 404
    assert "Tuesday" not in response.content.decode()


def test_an_expired_link_answers_404(client, booked, clock):
    _visit, token = booked
    clock.moment = dt.datetime(2027, 3, 3, 0, 0, tzinfo=at(10).tzinfo)  # after the visit's day
    assert client.get(f"/r/{token}").status_code == 404


def test_a_reschedule_makes_the_old_link_say_the_visit_changed(client, booked):
    visit, token = booked
    session = visit.sessions.get()
    visit_reschedule(
        visit=visit,
        room=visit.room,
        sessions=[
            SessionRequest(agency=session.agency, practitioner=session.practitioner, start=at(14))
        ],
        late_reason="moved",
    )
    response = client.get(f"/r/{token}")
    assert response.status_code == 410
    html = response.content.decode()
    assert "has changed" in html and "2:00pm" not in html and "10:00am" not in html
    assert client.post(f"/r/{token}", {"action": "confirm"}).status_code == 410
    assert Visit.objects.get(pk=visit.pk).confirmed_at is None
    # The new texts carry a new link, to the new time.
    new_token = sent_token()
    assert new_token != token
    assert "2:00pm" in client.get(f"/r/{new_token}").content.decode()


def test_a_cancelled_visit_s_link_says_it_changed(client, booked):
    visit, token = booked
    visit_cancel(visit=visit, reason="ill")
    assert client.get(f"/r/{token}").status_code == 410


def test_confirm_sets_the_confirmed_state_once(client, booked):
    visit, token = booked
    response = client.post(f"/r/{token}", {"action": "confirm"})
    assert response.status_code == 200 and "see you then" in response.content.decode()
    first = Visit.objects.get(pk=visit.pk).confirmed_at
    assert first is not None
    assert client.post(f"/r/{token}", {"action": "confirm"}).status_code == 200
    assert Visit.objects.get(pk=visit.pk).confirmed_at == first
    entries = AuditEntry.objects.filter(detail__startswith="Visit confirmed")
    assert entries.count() == 1 and token not in entries.get().detail


def test_ask_for_a_call_opens_one_admin_task(client, booked):
    visit, token = booked
    for _ in range(2):
        assert client.post(f"/r/{token}", {"action": "call"}).status_code == 200
    tasks = AdminTask.objects.filter(kind=AdminTask.Kind.CALL_REQUESTED, visit=visit)
    assert tasks.count() == 1 and tasks.get().case_id == visit.case_id
    assert AuditEntry.objects.filter(detail__startswith="Call asked for").count() == 1


def test_choose_another_time_reschedules_and_tells_the_admins(client, booked):
    visit, token = booked
    page = client.post(f"/r/{token}", {"action": "times"}).content.decode()
    keys = re.findall(r'name="time" type="radio" value="([^"]+)"', page)
    assert 1 <= len(keys) <= 3
    times = other_times_for(visit=visit)
    assert all(t.end.date() <= dt.date(2027, 3, 2) for t in times)  # before the deadline
    assert all(t.start != visit.start for t in times)
    response = client.post(f"/r/{token}", {"action": "move", "time": keys[0]})
    assert response.status_code == 200, response.content.decode()[:500]
    moved = Visit.objects.get(pk=visit.pk)
    assert moved.version == 2 and moved.start == times[0].start
    assert AdminTask.objects.filter(kind=AdminTask.Kind.MOVED_BY_LINK, visit=visit).count() == 1
    assert client.get(f"/r/{token}").status_code == 410


def test_a_time_taken_meanwhile_answers_409_offering_the_others(client, booked, monkeypatch):
    visit, token = booked
    page = client.post(f"/r/{token}", {"action": "times"}).content.decode()
    key = re.findall(r'name="time" type="radio" value="([^"]+)"', page)[0]

    def taken(**kwargs):
        raise SlotTaken(resource="room")

    monkeypatch.setattr("screening.booking.reply_times.visit_reschedule", taken)
    response = client.post(f"/r/{token}", {"action": "move", "time": key})
    assert response.status_code == 409
    assert "just gone" in response.content.decode()
    assert 'name="time"' in response.content.decode()
    assert Visit.objects.get(pk=visit.pk).version == 1


def test_a_time_too_soon_to_book_by_now_answers_409_too(client, booked, monkeypatch):
    visit, token = booked
    page = client.post(f"/r/{token}", {"action": "times"}).content.decode()
    key = re.findall(r'name="time" type="radio" value="([^"]+)"', page)[0]

    def too_soon(**kwargs):
        raise ValidationError({"sessions": ["A visit needs 2 hours' notice."]})

    monkeypatch.setattr("screening.booking.reply_times.visit_reschedule", too_soon)
    assert client.post(f"/r/{token}", {"action": "move", "time": key}).status_code == 409
    assert Visit.objects.get(pk=visit.pk).version == 1


def test_no_time_chosen_names_the_problem(client, booked):
    _visit, token = booked
    response = client.post(f"/r/{token}", {"action": "move"})
    assert response.status_code == 400 and "Choose one of the times" in response.content.decode()


def test_requests_are_rate_limited_per_link_and_per_address(client, booked, settings):
    _visit, token = booked
    settings.REPLY_LINK_RATE_PER_TOKEN = 3
    for _ in range(3):
        assert client.get(f"/r/{token}").status_code == 200
    slow = client.get(f"/r/{token}")
    assert slow.status_code == 429
    assert "Please wait a moment" in slow.content.decode()
    assert "Arhoswch am funud" in slow.content.decode()  # not yet known which language
    settings.REPLY_LINK_RATE_PER_TOKEN = 1000
    settings.REPLY_LINK_RATE_PER_ADDRESS = 5
    # Four requests from this address so far: a fifth is answered, a sixth is not, and
    # guessing counts too.
    assert client.get("/r/" + "y" * 22).status_code == 404
    assert client.get("/r/" + "z" * 22).status_code == 429
    assert client.get(f"/r/{token}").status_code == 429


def test_the_page_is_in_welsh_for_a_welsh_speaker(client, clock):
    visit = book(make_team(), person=texting_person(language="cy"))
    token = sent_token()
    html = client.get(f"/r/{token}").content.decode()
    assert 'lang="cy"' in html
    assert "Eich apwyntiad" in html and "Dydd Mawrth 2 Mawrth, 10:00" in html
    assert "Gallaf ddod" in html
    done = client.post(f"/r/{token}", {"action": "confirm"}).content.decode()
    assert "Diolch" in done
    assert Visit.objects.get(pk=visit.pk).confirmed_at is not None
