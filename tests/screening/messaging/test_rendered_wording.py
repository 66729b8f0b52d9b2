"""The wording rules hold for the text as it goes out, not only its template: a venue has a
neutral name for texts, checked when saved, and a rendered text that would still reveal
too much is held with an admin task, never sent."""

import pytest
from django.core.exceptions import ValidationError

from screening.messaging.dispatch import messages_dispatch_due
from screening.messaging.replies import inbound_record
from screening.models import AdminTask, Message, Venue
from screening.venues.services import venue_create
from tests.factories import make_room
from tests.messaging import YP_MOBILE, book, freeze, make_team
from tests.messaging import texting_person as person

pytestmark = pytest.mark.django_db
ASHWORTH = {"name": "Ashworth Youth Offending Team", "address": "1 Court Street, Ashworth"}


@pytest.fixture
def team(db, monkeypatch):
    freeze(monkeypatch)
    return make_team()


def in_room_at(venue: Venue, team):
    people, _ = team
    return people, make_room(venue=venue)


def test_a_venue_whose_name_for_texts_would_reveal_too_much_is_refused():
    with pytest.raises(ValidationError) as caught:
        venue_create(**ASHWORTH)
    message = " ".join(caught.value.message_dict["text_name"])
    assert "youth offending" in message and "court" in message
    with pytest.raises(ValidationError) as caught:
        venue_create(**ASHWORTH, text_name="Ashworth Y.O.T")
    assert "yot" in " ".join(caught.value.message_dict["text_name"])
    assert not Venue.objects.filter(name=ASHWORTH["name"]).exists()


def test_a_venue_without_a_name_for_texts_is_called_by_its_name_and_first_address_line():
    venue = venue_create(name="Greenbank Youth Hub", address="14 Greenbank Road\nAshworth")
    assert venue.text_name == "Greenbank Youth Hub, 14 Greenbank Road"


def test_texts_call_the_venue_by_its_name_for_texts(team):
    venue = venue_create(**ASHWORTH, text_name="Ashworth Centre, Crown Street")
    visit = book(in_room_at(venue, team))
    confirmation = visit.messages.get(purpose="confirmation")
    assert "at Ashworth Centre, Crown Street." in confirmation.body
    assert confirmation.status == "planned"


@pytest.mark.parametrize("saved_before_the_check", ["", "Ashworth Court House"])
def test_a_rendered_text_that_would_reveal_too_much_is_held_with_a_task_and_never_sent(
    team, settings, saved_before_the_check
):
    settings.SMS_BACKEND = "fake"
    venue = venue_create(**ASHWORTH, text_name="Ashworth Centre")
    # A venue saved before names for texts were checked: none, or one never checked.
    Venue.objects.filter(pk=venue.pk).update(text_name=saved_before_the_check)
    visit = book(in_room_at(Venue.objects.get(pk=venue.pk), team))
    assert set(visit.messages.values_list("status", flat=True)) == {"held"}
    task = AdminTask.objects.get(kind="text_held")
    assert task.case_id == visit.case_id and "court" in task.text and "Ashworth" in task.text
    assert messages_dispatch_due().sent == 0
    assert set(visit.messages.values_list("status", flat=True)) == {"held"}


def test_a_young_persons_own_first_name_never_holds_a_text(team):
    visit = book(team, person=person(given_name="Justice"))
    assert Message.objects.filter(visit=visit, to=YP_MOBILE, status="planned").count() == 3


def test_a_planned_text_that_would_reveal_too_much_is_held_by_the_dispatcher(team, settings):
    settings.SMS_BACKEND = "fake"
    visit = book(team)
    # Planned before rendered texts were checked.
    confirmation = visit.messages.get(purpose="confirmation")
    Message.objects.filter(pk=confirmation.pk).update(body=f"{confirmation.body} At the court.")
    report = messages_dispatch_due()
    assert (report.held, report.sent) == (1, 0)  # the reminders are not due yet
    confirmation.refresh_from_db()
    assert confirmation.status == "held" and "court" in confirmation.last_error
    assert AdminTask.objects.get(kind="text_held").message == confirmation


def test_start_holds_a_withdrawn_text_that_would_now_reveal_too_much(team):
    visit = book(team)
    inbound_record(provider_id="IN1", from_number=YP_MOBILE, body="STOP")
    Venue.objects.filter(pk=visit.room.venue_id).update(text_name="Ashworth Court House")
    inbound_record(provider_id="IN2", from_number=YP_MOBILE, body="START")
    assert set(visit.messages.values_list("status", flat=True)) == {"held"}
    assert AdminTask.objects.filter(kind="text_held", visit=visit).count() == 1
