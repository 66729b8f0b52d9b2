"""With community venues (travel minutes before and after each session there) and several
venues searched at once, the search agrees with an exhaustive search."""

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.scheduling.search import (
    Candidate,
    RoomSlot,
    SearchRequest,
    SessionSpec,
    exhaustive_search,
    search,
)
from tests.screening.scheduling.test_search_oracle import requests, summary


@st.composite
def travelled_requests(draw, order="fixed"):
    """The oracle's random calendars, each room at a venue with its own travel (0-40)."""
    request = draw(requests(order=order))
    rooms = tuple(
        replace(r, travel=draw(st.sampled_from([0, 0, 5, 20, 25, 40]))) for r in request.rooms
    )
    extra = draw(st.integers(0, 1))
    if extra:
        rooms += (RoomSlot(200, ((0, 12 * 60),), travel=draw(st.sampled_from([20, 30]))),)
    return replace(request, rooms=rooms)


def check_travel(request, option):
    """Each practitioner is free for the travel before and after their session."""
    travel = next(r.travel for r in request.rooms if r.id == option.room)
    by_id = {c.id: c for c in request.candidates}
    for planned in option.sessions:
        free = by_id[planned.practitioner].free
        assert any(a <= planned.start - travel and planned.end + travel <= b for a, b in free)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(travelled_requests(order="fixed"), travelled_requests(order="any")))
def test_search_with_travel_agrees_with_exhaustive_search(request):
    found = search(request)
    assert summary(found) == summary(exhaustive_search(request))
    for option in found:
        check_travel(request, option)


def test_travel_pushes_the_session_after_the_journey():
    # Free 09:00-12:00 (540-720); a 30-minute session at a venue 25 minutes away starts at
    # 09:25 at the earliest and ends by 11:35 (starts 11:05); at the office it starts at 09:00.
    person = Candidate(1, "health", ((540, 720),))
    base = SearchRequest(
        sessions=(SessionSpec("health", 30),),
        candidates=(person,),
        rooms=(RoomSlot(7, ((0, 1440),), travel=25),),
        earliest=0,
        count=50,
    )
    starts = [o.start for o in search(base)]
    assert starts[0] == 565 and max(starts) == 665
    office = replace(base, rooms=(RoomSlot(8, ((0, 1440),)),))
    assert search(office)[0].start == 540
    both = replace(base, rooms=(RoomSlot(7, ((0, 1440),), travel=25), RoomSlot(8, ((0, 1440),))))
    first = search(replace(both, count=2))
    assert [(o.start, o.room) for o in first] == [(540, 8), (545, 8)]
