"""Community venues: practitioners travel there and back (travel minutes), in the search
and in the booking re-check alike; several venues can be searched at once."""

from __future__ import annotations

import datetime as dt

import pytest

from screening.booking.options import visit_options
from screening.booking.services import visit_book
from screening.errors import SlotTaken
from screening.scheduling.expand import from_minutes
from screening.venues.services import room_create, venue_create
from tests.calendar_support import LONDON, book, sessions_from, world  # noqa: F401

# The world's clock: Monday 1 March 2027 08:00; everyone works weekdays 09:00-17:00; with
# two hours' notice the earliest start is 10:00 that Monday.
TUESDAY = dt.date(2027, 3, 2)


@pytest.fixture
def centre(world):  # noqa: F811
    venue = venue_create(
        name="Mill Road youth centre",
        address="12 Mill Road, Townham",
        kind="community",
        text_name="the youth centre on Mill Road",
        travel_minutes=25,
    )
    return room_create(venue=venue, name="Hall")


def test_an_option_at_a_community_venue_starts_after_the_journey(world, centre):  # noqa: F811
    found = visit_options(case=world.case, venues=[centre.venue], count=1)
    first = found.options[0]
    assert first.room == centre.pk
    start = dt.datetime.fromtimestamp(first.start * 60, dt.UTC).astimezone(LONDON)
    # Set out at 09:35 for 25 minutes: the first session starts at 10:00, the earliest.
    assert start == dt.datetime(2027, 3, 1, 10, 0, tzinfo=LONDON)
    # On Tuesday the first one starts at 09:25, after the journey from 09:00.
    tuesday = visit_options(
        case=world.case,
        venues=[centre.venue],
        count=1,
        not_before=dt.datetime(2027, 3, 2, 0, 0, tzinfo=LONDON),
    )
    assert from_minutes(tuesday.options[0].start) == dt.datetime(2027, 3, 2, 9, 25, tzinfo=LONDON)


def test_several_venues_at_once_give_the_earliest_of_either(world, centre):  # noqa: F811
    found = visit_options(
        case=world.case, venues=[centre.venue, world.room.venue], count=2, spread=False
    )
    # Both venues' rooms at 10:00 Monday (the first practitioners set out at 09:35).
    assert {(o.start, o.room) for o in found.options} == {
        (found.options[0].start, world.room.pk),
        (found.options[0].start, centre.pk),
    }
    only = visit_options(case=world.case, venues=[world.room.venue], count=3)
    assert {o.room for o in only.options} == {world.room.pk}


def test_booking_at_a_community_venue_refuses_a_session_without_its_travel(
    world,  # noqa: F811
    centre,
):
    with pytest.raises(Exception) as refused:
        visit_book(
            case=world.case,
            room=centre,
            sessions=sessions_from(world, dt.datetime(2027, 3, 2, 9, 10, tzinfo=LONDON)),
            late_reason="The family asked for this date.",
        )
    assert "not working" in str(refused.value)
    visit_book(
        case=world.case,
        room=centre,
        sessions=sessions_from(world, dt.datetime(2027, 3, 2, 9, 25, tzinfo=LONDON)),
        late_reason="The family asked for this date.",
    )


def test_a_visit_at_a_community_venue_holds_its_practitioners_for_the_way_back(
    world,  # noqa: F811
    centre,
):
    visit = visit_book(
        case=world.case,
        room=centre,
        sessions=sessions_from(world, dt.datetime(2027, 3, 2, 9, 25, tzinfo=LONDON)),
        late_reason="The family asked for this date.",
    )
    first = visit.sessions.order_by("start").first()
    # Back at the base 25 minutes after their session and its buffer.
    back = first.blocked_until + dt.timedelta(minutes=25)
    found = visit_options(
        case=world.case,
        venues=[world.room.venue],
        count=50,
        not_before=dt.datetime(2027, 3, 2, 0, 0, tzinfo=LONDON),
    )
    on_tuesday = [
        s
        for o in found.options
        for s in o.sessions
        if s.practitioner == first.practitioner_id
        and from_minutes(s.start).astimezone(LONDON).date() == TUESDAY
    ]
    assert on_tuesday and all(from_minutes(s.start) >= back for s in on_tuesday)
    assert any(from_minutes(s.start) == back for s in on_tuesday)
    with pytest.raises(SlotTaken):
        book(world, first.blocked_until)
