"""With an interpreter needed, the search agrees with an exhaustive search on small random
calendars: the same earliest options, each holding one interpreter free for its whole span
(gaps included), the lowest id of those free."""

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.scheduling.explain import explain
from screening.scheduling.search import (
    Candidate,
    InterpreterSlot,
    RoomSlot,
    SearchRequest,
    SessionSpec,
    exhaustive_search,
    search,
)
from tests.screening.scheduling.test_search_oracle import check_feasible, free_lists, requests


def summary(options):
    return [(o.outside_unavailable, o.start, o.room, o.span, o.interpreter) for o in options]


@st.composite
def with_interpreters(draw, order="fixed"):
    request = draw(requests(order=order))
    people = tuple(
        InterpreterSlot(200 + i, draw(free_lists())) for i in range(draw(st.integers(0, 3)))
    )
    return replace(request, interpreters=people)


def check_interpreter(request, option):
    check_feasible(request, option)
    held = [i for i in request.interpreters if i.id == option.interpreter]
    assert held, "an option needing an interpreter holds one"
    assert any(a <= option.start and option.end <= b for a, b in held[0].free)
    # No interpreter with a lower id was free for the whole span.
    for other in request.interpreters:
        if other.id < option.interpreter:
            assert not any(a <= option.start and option.end <= b for a, b in other.free)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(with_interpreters(order="fixed"))
def test_search_with_an_interpreter_agrees_with_exhaustive_search_in_fixed_order(request):
    found = search(request)
    assert summary(found) == summary(exhaustive_search(request))
    for option in found:
        check_interpreter(request, option)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(with_interpreters(order="any"))
def test_search_with_an_interpreter_agrees_with_exhaustive_search_in_any_order(request):
    found = search(request)
    assert summary(found) == summary(exhaustive_search(request))
    for option in found:
        check_interpreter(request, option)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(with_interpreters(order="fixed"), with_interpreters(order="any")))
def test_search_with_an_interpreter_agrees_at_length(request):
    assert summary(search(request)) == summary(exhaustive_search(request))


def two_sessions(**extra) -> SearchRequest:
    """Two 30-minute sessions, gaps 5-60, one room and both practitioners free 09:00-17:00
    (minutes of one day)."""
    return SearchRequest(
        sessions=(SessionSpec("slt", 30), SessionSpec("health", 30)),
        candidates=(Candidate(1, "slt", ((540, 1020),)), Candidate(2, "health", ((540, 1020),))),
        rooms=(RoomSlot(100, ((540, 1020),)),),
        earliest=540,
        count=3,
        **extra,
    )


def test_the_interpreter_is_held_across_the_gap_between_sessions():
    # Interpreter 7 is free 09:00-10:00 but the first session can only start at 09:00
    # and the second (health) only from 09:35: the span is 09:00-10:05, past 10:00.
    request = replace(
        two_sessions(),
        candidates=(
            Candidate(1, "slt", ((540, 570),)),
            Candidate(2, "health", ((575, 1020),)),
        ),
        interpreters=(InterpreterSlot(7, ((540, 600),)), InterpreterSlot(8, ((540, 700),))),
    )
    options = search(request)
    assert [(o.start, o.end, o.interpreter) for o in options] == [(540, 605, 8)]


def test_no_interpreter_means_no_option_and_a_reason_naming_the_earliest():
    request = two_sessions(latest_end=720, interpreters=(InterpreterSlot(7, ((900, 1000),)),))
    assert search(request) == []
    reasons = explain(request)
    assert [(r.code, r.earliest) for r in reasons] == [("no_interpreter", 900)]


def test_a_visit_needing_no_interpreter_holds_none():
    options = search(two_sessions())
    assert options and all(o.interpreter is None for o in options)
