"""The search agrees with an exhaustive search on small random calendars."""

import pytest
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

DAY = 24 * 60
AGENCIES = ["slt", "health", "edu"]


@st.composite
def free_lists(draw, span=DAY // 2):
    """A few disjoint free intervals within half a day, on any minute."""
    points = sorted(draw(st.lists(st.integers(0, span), min_size=2, max_size=6, unique=True)))
    return tuple((points[i], points[i + 1]) for i in range(0, len(points) - 1, 2))


@st.composite
def requests(draw, order="fixed"):
    n = draw(st.integers(1, 3))
    sessions = tuple(
        SessionSpec(AGENCIES[i], draw(st.sampled_from([10, 15, 20, 25, 30, 33]))) for i in range(n)
    )
    candidates, next_id = [], 1
    for spec in sessions:
        for _ in range(draw(st.integers(1, 2))):
            candidates.append(Candidate(next_id, spec.agency, draw(free_lists())))
            next_id += 1
    rooms = tuple(RoomSlot(100 + i, draw(free_lists())) for i in range(draw(st.integers(1, 2))))
    min_gap = draw(st.integers(0, 15))
    max_gap = min_gap + draw(st.integers(0, 30))
    latest = draw(st.one_of(st.none(), st.integers(60, DAY // 2)))
    unavailable = draw(st.one_of(st.just(()), free_lists()))
    return SearchRequest(
        sessions=sessions,
        candidates=tuple(candidates),
        rooms=rooms,
        earliest=draw(st.integers(0, 120)),
        latest_end=latest,
        min_gap=min_gap,
        max_gap=max_gap,
        order=order,
        unavailable=unavailable,
        strict_unavailable=draw(st.booleans()),
        count=draw(st.integers(1, 6)),
    )


def summary(options):
    return [(o.outside_unavailable, o.start, o.room, o.span) for o in options]


def check_feasible(request, option):
    """An independent check of every rule an option must satisfy."""
    by_id = {c.id: c for c in request.candidates}
    assert option.start % 5 == 0 and option.start >= request.earliest
    if request.latest_end is not None:
        assert option.end <= request.latest_end
    room = next(r for r in request.rooms if r.id == option.room)
    assert any(a <= option.start and option.end <= b for a, b in room.free)
    agencies = [s.agency for s in option.sessions]
    wanted = [s.agency for s in request.sessions]
    assert sorted(agencies) == sorted(wanted)
    if request.order == "fixed":
        assert agencies == wanted
    durations = {s.agency: s.duration for s in request.sessions}
    for planned in option.sessions:
        person = by_id[planned.practitioner]
        assert person.agency == planned.agency
        assert planned.end - planned.start == durations[planned.agency]
        assert any(a <= planned.start and planned.end <= b for a, b in person.free)
        assert planned.start % 5 == 0
    for first, second in zip(option.sessions, option.sessions[1:], strict=False):
        assert request.min_gap <= second.start - first.end <= request.max_gap
    inside = any(s < option.end and option.start < e for s, e in request.unavailable)
    assert option.outside_unavailable == (not inside)
    if request.strict_unavailable:
        assert not inside


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests(order="fixed"))
def test_search_agrees_with_exhaustive_search_in_fixed_order(request):
    found = search(request)
    assert summary(found) == summary(exhaustive_search(request))
    for option in found:
        check_feasible(request, option)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests(order="any"))
def test_search_agrees_with_exhaustive_search_in_any_order(request):
    found = search(request)
    assert summary(found) == summary(exhaustive_search(request))
    for option in found:
        check_feasible(request, option)


@pytest.mark.slow
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(requests(order="fixed"), requests(order="any")))
def test_search_agrees_with_exhaustive_search_at_length(request):
    assert summary(search(request)) == summary(exhaustive_search(request))
