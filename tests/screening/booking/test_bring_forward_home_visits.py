"""Bring forward from home and school visits: a cancelled or moved roomless visit records
its freed time at its venue (no room); the time freed is its practitioners', journey
included. Another case is offered it in our rooms; a case booked late at a home is offered
it there too; never another family's home (docs/decisions/0024).

The world (bring_forward_world): one practitioner per agency working Tuesdays and Thursdays
10:00-17:00 with 10 minutes' buffer, one office room with no travel; now is Monday 1 March
2027 08:00. The four default sessions (30, 45, 30, 30 minutes, 5-minute gaps) make a visit
of 2 hours 30 minutes. The home is 20 minutes away, so a home visit on a Tuesday starts at
10:20 at the earliest (they set out at 10:00)."""

from __future__ import annotations

import pytest
from schedule.models import Event

from accounts.models import Role
from screening.booking.bring_forward import bring_forward_list, offer_for
from screening.booking.options import visit_options
from screening.booking.services import visit_book, visit_cancel, visit_reschedule
from screening.models import FreedSlot
from screening.scheduling.expand import from_minutes
from screening.venues.services import venue_create
from tests.conftest import client_for
from tests.factories import make_user
from tests.screening.booking.bring_forward_world import (
    at,
    book_at,
    make_home,
    make_world,
    new_case,
    sessions_of,
    venue_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(monkeypatch):
    return make_world(monkeypatch)


def test_a_cancelled_home_visit_frees_its_practitioners_time_journey_included(world):
    """Kept: an office visit Tuesday 2 March 10:00-12:30 (its last session ends 12:30,
    each practitioner free 10 minutes after their own). Cancelled: a home visit that day
    13:00-15:30, whose practitioners set out at 12:40 and were back at 15:50. A waiting case
    is offered the office room from 12:40 (the freed journey), not 13:00, and books it
    through the usual service."""
    home = make_home()
    book_at(new_case(), at(2, 10))  # booked by its due date: never a candidate
    visit = book_at(new_case(), at(2, 13), venue=home)
    assert visit.room is None and visit.venue == home
    waiting = new_case()
    visit_cancel(visit=visit, reason="The family is away")

    slot = FreedSlot.objects.get()
    assert (slot.venue, slot.room, slot.cause) == (home, None, "cancelled")
    assert (slot.start, slot.end) == (at(2, 13), at(2, 15, 30))
    assert slot.practitioners.count() == 4

    [offer] = bring_forward_list()
    assert offer.case == waiting and offer.slot == slot and offer.current is None
    assert from_minutes(offer.option.start) == at(2, 12, 40)
    room, sessions = sessions_of(offer.option)
    assert room == world and venue_of(offer.option) is None  # the office, not the home
    booked = visit_book(case=waiting, room=room, sessions=sessions)
    assert (booked.start, booked.room) == (at(2, 12, 40), world)


def test_a_late_home_visit_comes_earlier_at_home_and_no_one_else_is_sent_there(world):
    """The office room is closed all Tuesday 2 March. Cancelled: a home visit that day
    10:20-12:50. A case booked at home on Tuesday 9 March 10:20 (due Monday 8 March) is
    offered its home on 2 March at 10:20 and moves there. A waiting case is searched in our
    rooms only: the room is closed on 2 March and its first time, Thursday 4 March, is
    outside the freed time, so it is offered nothing; once the late visit has moved, its
    old home time (9 March, from 10:00 with the journey) is offered to the cases waiting
    in the office room at 10:00."""
    home = make_home()
    Event.objects.create(calendar=world.calendar, title="Closed", start=at(2, 0), end=at(3, 0))
    cancelled = book_at(new_case(), at(2, 10, 20), venue=home)
    late_case = new_case()
    late = book_at(late_case, at(9, 10, 20), venue=home)
    waiting = new_case()
    visit_cancel(visit=cancelled, reason="Ill")

    assert offer_for(case=waiting) is None
    offer = offer_for(case=late_case)
    assert offer is not None and offer.current == late
    assert from_minutes(offer.option.start) == at(2, 10, 20)
    assert offer.found.place(offer.option) == (None, home)
    room, sessions = sessions_of(offer.option)
    moved = visit_reschedule(visit=late, room=room, venue=venue_of(offer.option), sessions=sessions)
    assert (moved.start, moved.room, moved.venue) == (at(2, 10, 20), None, home)

    old = FreedSlot.objects.get(visit=late)
    assert (old.cause, old.venue, old.room, old.start) == ("rescheduled", home, None, at(9, 10, 20))
    # Both cases now waiting (the cancelled one too) are offered it in the office room.
    offers = bring_forward_list()
    assert {o.case for o in offers} == {cancelled.case, waiting}
    for offer in offers:
        assert offer.slot == old
        assert from_minutes(offer.option.start) == at(9, 10)
        assert sessions_of(offer.option)[0] == world


def test_a_freed_school_visit_is_not_offered_at_that_school_to_another_case(world):
    """A school visit Tuesday 2 March 10:20-12:50 (20 minutes away) is cancelled while the
    office room is closed that day: a waiting case (whose school is not known here) gets no
    offer; the practitioners' time is there only for our rooms."""
    school = venue_create(
        name="Ashworth Academy",
        address="1 School Lane, Ashworth",
        kind="school",
        text_name="your school",
        travel_minutes=20,
    )
    Event.objects.create(calendar=world.calendar, title="Closed", start=at(2, 0), end=at(3, 0))
    visit = book_at(new_case(), at(2, 10, 20), venue=school)
    waiting = new_case()
    visit_cancel(visit=visit, reason="Exams")
    assert FreedSlot.objects.get().venue == school
    assert offer_for(case=waiting) is None
    # At the school itself the case would have fitted: not offered, since nothing says
    # the young person goes there.
    found = visit_options(case=waiting, venues=[school], not_before=at(2, 10), count=1)
    assert from_minutes(found.options[0].start) == at(2, 10, 20)


def test_the_api_gives_the_freed_home_time_and_the_offer_books_through_reschedule(world):
    """As above: the late home visit's offer on 2 March 10:20 at home (room null, venue
    given) and the freed slot's venue, no room and journey; the move posts the venue."""
    home = make_home()
    Event.objects.create(calendar=world.calendar, title="Closed", start=at(2, 0), end=at(3, 0))
    cancelled = book_at(new_case(), at(2, 10, 20), venue=home)
    late_case = new_case()
    late = book_at(late_case, at(9, 10, 20), venue=home)
    visit_cancel(visit=cancelled, reason="Ill")
    api = client_for(make_user(role=Role.YOT_ADMIN))
    data = api.get(f"/api/v1/cases/{late_case.pk}/bring-forward/").json()
    [slot] = data["freed_slots"]
    assert (slot["venue"], slot["room"], slot["travel_minutes"]) == (home.pk, None, 20)
    [option] = data["options"]
    assert (option["room"], option["venue"]) == (None, home.pk)
    body = {
        "venue": option["venue"],
        "sessions": [
            {k: s[k] for k in ("agency", "practitioner", "start", "end")}
            for s in option["sessions"]
        ],
    }
    moved = api.post(f"/api/v1/visits/{late.pk}/reschedule/", body, format="json")
    assert moved.status_code == 200, moved.content
    late.refresh_from_db()
    assert (late.start, late.venue, late.room) == (at(2, 10, 20), home, None)
