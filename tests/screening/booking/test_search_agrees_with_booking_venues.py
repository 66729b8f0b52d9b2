"""The visit search and the booking re-check apply one availability rule, with travel and a
home visit.

The small random calendars of test_search_agrees_with_booking (built through the real
services) get travel minutes on their venues (community venues) and a home venue that needs
no room (also with travel), all searched at once (`venues=`); the other bookings are offered
options, some at home, so practitioners have visits with travel too. Then (a) every option
the search offers books through the real booking service (a home option with no room),
(b) the search's options are the exhaustive search's (the engine's brute-force reference,
which checks the travel itself, run on the rows the search read), and (c) of a sample of
visits near the options and on the 5-minute grid, in a room or at home, the booking accepts
exactly those the engine's rule allows: each practitioner free for their session and the
journey there and back, the place free for the visit. Each booking is tried in a savepoint
and rolled back.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import hypothesis
import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from screening.booking.options import place_id
from screening.booking.services import SessionRequest, visit_book, visit_reschedule
from screening.errors import SlotTaken
from screening.models import Venue
from screening.scheduling.expand import from_minutes, to_minutes
from screening.scheduling.search import Option, SearchRequest, exhaustive_search, search
from screening.venues.services import venue_create
from tests.screening.booking.calendar_world import Calendar, World, world_at_its_moment
from tests.screening.booking.test_search_agrees_with_booking import (
    LATE,
    Plan,
    _why,
    calendars,
    plan_of,
    plans_near,
    random_plan,
)
from tests.screening.booking.test_search_agrees_with_booking_interpreters import smaller

TRAVEL = st.sampled_from([0, 15, 25, 40])


@dataclass(frozen=True)
class Trips:
    rooms: tuple[int, ...]  # the travel to each place's venue, in turn
    home: int  # the travel to the young people's homes


@st.composite
def trips(draw) -> Trips:
    return Trips(rooms=tuple(draw(TRAVEL) for _ in range(2)), home=draw(TRAVEL))


def add_travel(world: World, trips: Trips) -> Venue:
    """The world's venues become community venues with travel; a home venue joins them."""
    for room, minutes in zip(world.rooms.values(), trips.rooms, strict=False):
        Venue.objects.filter(pk=room.venue_id).update(kind="community", travel_minutes=minutes)
        room.venue.refresh_from_db()
    return venue_create(
        name=f"Home {world.first_day}",
        address="The address on the case record",
        kind="home",
        text_name="your home",
        travel_minutes=trips.home,
    )


def ask(world: World, home: Venue, case, *, ignore_visit=None, not_before=None):
    """The world's question, with its rooms' venues and the home searched at once."""
    venues = [*Venue.objects.filter(rooms__in=list(world.rooms)), home]
    return world.ask(case, ignore_visit=ignore_visit, not_before=not_before, venues=venues)


def asked(world: World, home: Venue, plan: Plan, *, late_reason: str = LATE) -> dict:
    place, sessions = plan
    return {
        "room": world.rooms.get(place),
        "venue": home if place == place_id(home) else None,
        "late_reason": late_reason,
        "min_gap": world.calendar.gaps[0],
        "max_gap": world.calendar.gaps[1],
        "sessions": [
            SessionRequest(
                agency=next(a for a in world.agencies if a.code == code),
                practitioner=world.practitioners[person],
                start=from_minutes(start),
                end=from_minutes(end),
            )
            for code, person, start, end in sessions
        ],
    }


def books(
    world: World, home: Venue, case, plan: Plan, *, visit=None, late_reason: str = LATE
) -> str:
    """'' when the booking (or the move of `visit`) goes through, else why not; nothing is
    kept either way."""
    values = asked(world, home, plan, late_reason=late_reason)
    try:
        with transaction.atomic():
            if visit is None:
                visit_book(case=case, **values)
            else:
                visit_reschedule(visit=visit, **values)
            transaction.set_rollback(True)
    except (ValidationError, SlotTaken) as refused:
        return str(refused) or repr(refused)
    return ""


def engine_allows(request: SearchRequest, plan: Plan) -> bool:
    """Every rule the engine applies to an option, checked on its own input: the place free
    for the visit, each practitioner free for their session and the travel either side."""
    place, sessions = plan
    free = {c.id: c.free for c in request.candidates}
    room = next(r for r in request.rooms if r.id == place)
    start, end, way = sessions[0][2], sessions[-1][3], room.travel

    def inside(spans, lo, hi):
        return any(a <= lo and hi <= b for a, b in spans)

    return (
        start >= request.earliest
        and inside(room.free, start, end)
        and all(
            s % request.grid == 0 and inside(free[p], s - way, e + way) for _, p, s, e in sessions
        )
        and all(
            request.min_gap <= b[2] - a[3] <= request.max_gap
            for a, b in itertools.pairwise(sessions)
        )
    )


def key(option: Option) -> tuple:
    return option.start, option.room, option.span


def check_with_travel(calendar: Calendar, trips: Trips, data) -> None:
    note(f"{calendar!r}")
    note(f"{trips!r}")
    with world_at_its_moment(calendar) as world:
        home = add_travel(world, trips)
        homes = place_id(home)
        visit = None
        for _ in range(calendar.bookings):  # other bookings hold their travel too
            case = world.case()
            found = ask(world, home, case)
            offered = found.options + found.after_deadline
            if offered:
                option = data.draw(st.sampled_from(offered))
                assert books(world, home, case, plan_of(option)) == ""
                visit = visit_book(case=case, **asked(world, home, plan_of(option)))
                for held in visit.sessions.all():
                    world.moments += [to_minutes(held.start), to_minutes(held.blocked_until)]
        moving = visit if calendar.reschedule else None
        case = moving.case if moving is not None else world.case()
        found = ask(world, home, case, ignore_visit=moving)
        # (a) every option offered books (or the visit moves there), at home with no room.
        for option in found.options:
            refused = books(world, home, case, plan_of(option), visit=moving, late_reason="")
            assert refused == "", (option, refused)
        for option in found.after_deadline:
            assert books(world, home, case, plan_of(option), visit=moving) == "", option
        if calendar.order_day is not None:
            found = ask(world, home, case, ignore_visit=moving, not_before=world.now)
        # (b) the search agrees with the exhaustive search, the earliest option first.
        request = replace_request(found.request)
        every = exhaustive_search(request)
        offered = found.options + found.after_deadline
        assert [key(o) for o in offered[:1]] == [key(o) for o in every[:1]]
        assert [key(o) for o in search(request)] == [key(o) for o in every]
        hypothesis.event(f"options at home: {min(sum(o.room == homes for o in offered), 2)}")
        hypothesis.event("moving a visit" if moving else "booking a visit")
        # (c) the booking accepts a visit, in a room or at home, exactly when the engine would.
        places = {**world.rooms, homes: None}
        tried = []
        for option in data.draw(st.lists(st.sampled_from(every), max_size=2)) if every else []:
            tried += plans_near(world, request, option, data)
            tried.append((homes, plan_of(option)[1]))  # the same times at home
        for _ in range(5):
            _, sessions = random_plan(world, request, data)
            tried.append((data.draw(st.sampled_from(sorted(places))), sessions))
        for plan in dict.fromkeys(tried):
            allowed = engine_allows(request, plan)
            refused = books(world, home, case, plan, visit=moving)
            assert (refused == "") == allowed, (plan, refused or "booked")
            hypothesis.event(f"refused: {_why(refused)}" if refused else "booked")


def replace_request(request: SearchRequest) -> SearchRequest:
    from dataclasses import replace

    return replace(request, latest_end=None, count=10**6)


@pytest.mark.django_db
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calendar=calendars().map(smaller), trips=trips(), data=st.data())
def test_search_and_booking_agree_with_travel_and_a_home_visit(calendar, trips, data):
    check_with_travel(calendar, trips, data)


@pytest.mark.slow
@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calendar=calendars(), trips=trips(), data=st.data())
def test_search_and_booking_agree_with_travel_at_length(calendar, trips, data):
    check_with_travel(calendar, trips, data)
