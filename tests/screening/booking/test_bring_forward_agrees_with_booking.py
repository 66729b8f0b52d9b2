"""The bring-forward list and the booking re-check agree: on small random diaries (teams
with random hours, Polish interpreters with their own days and hours, visits booked for
young people some of whom need one, some at home, then some cancelled or moved), every
offer the list makes books (or the case's visit moves there) with the interpreter it
holds, through the real services. Each is tried in a savepoint and rolled back, so the
next can be tried; each example rolls back whole."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import hypothesis
import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.booking.bring_forward import bring_forward_list, deadline_end, freed_span
from screening.booking.options import visit_options
from screening.booking.services import visit_book, visit_cancel, visit_reschedule
from screening.scheduling.expand import from_minutes, to_minutes
from tests.factories import make_interpreter, make_room, make_working_practitioner
from tests.screening.booking.bring_forward_world import (
    CODES,
    NOW,
    at,
    interpreter_of,
    make_home,
    new_case,
    sessions_of,
    venue_of,
)

# Tuesdays and Thursdays of March 2027 after now (Monday 1 March).
DAYS = [2, 4, 9, 11, 16]
ORDER_STARTS = [dt.date(2027, 3, 1), dt.date(2027, 3, 8)]


@st.composite
def diaries(draw):
    return {
        "hours": [
            (draw(st.sampled_from([9, 10, 11])), draw(st.sampled_from([15, 17]))) for _ in CODES
        ],
        "rooms": draw(st.integers(1, 2)),
        "visits": draw(
            st.lists(
                st.tuples(
                    st.sampled_from(ORDER_STARTS),
                    st.sampled_from(DAYS),
                    st.sampled_from(["keep", "cancel", "move"]),
                    st.sampled_from(DAYS),
                    st.booleans(),  # needs a Polish interpreter
                    st.booleans(),  # at the young person's home (no room, 20 minutes away)
                ),
                min_size=1,
                max_size=5,
            )
        ),
        "waiting": draw(
            st.lists(st.tuples(st.sampled_from(ORDER_STARTS), st.booleans()), max_size=3)
        ),
        "interpreters": draw(
            st.lists(
                st.tuples(
                    st.sampled_from([(1, 3), (1,), (3,)]), st.sampled_from([(9, 17), (11, 15)])
                ),
                max_size=2,
            )
        ),
    }


def _first_option(case, day, **asked):
    found = visit_options(
        case=case, not_before=at(day, 8), count=1, respect_unavailable=True, **asked
    )
    offered = found.options or found.after_deadline
    return offered[0] if offered else None


def _build(diary) -> None:
    for code, (start, end) in zip(CODES, diary["hours"], strict=True):
        make_working_practitioner(agency=code, weekdays=(1, 3), hours=(start, end))
    for _ in range(diary["rooms"]):
        make_room()
    for weekdays, hours in diary["interpreters"]:
        make_interpreter(weekdays=weekdays, hours=hours)
    home = make_home()
    for order_start, day, action, move_day, polish, at_home in diary["visits"]:
        case = new_case(order_start, interpreter="pl" if polish else None)
        where = {"venues": [home]} if at_home else {}
        option = _first_option(case, day, **where)
        if option is None:
            continue
        room, sessions = sessions_of(option)
        visit = visit_book(
            case=case,
            room=room,
            venue=venue_of(option),
            sessions=sessions,
            late_reason="test: late",
            interpreter=interpreter_of(option),
        )
        if action == "cancel":
            visit_cancel(visit=visit, reason="test: cancelled")
        elif action == "move":
            moved = _first_option(case, move_day, ignore_visit=visit, **where)
            if moved is not None:
                room, sessions = sessions_of(moved)
                visit_reschedule(
                    visit=visit,
                    room=room,
                    venue=venue_of(moved),
                    sessions=sessions,
                    late_reason="test: late",
                    interpreter=interpreter_of(moved),
                )
    for order_start, polish in diary["waiting"]:
        new_case(order_start, interpreter="pl" if polish else None)


def check_offers_book(diary) -> None:
    with transaction.atomic(), mock.patch.object(timezone, "now", lambda: NOW.astimezone(dt.UTC)):
        _build(diary)
        offers = bring_forward_list()
        hypothesis.event(f"offers: {min(len(offers), 3)}")
        for offer in offers:
            option = offer.option
            # Inside the freed time (the journey to a home included), and earlier than the
            # visit it would replace.
            lo, hi = freed_span(offer.slot)
            assert lo < option.end and option.start < hi
            hypothesis.event("freed at home" if offer.slot.room is None else "freed in a room")
            if option.room < 0:  # a home offer only to a case whose visit is at home
                assert offer.current is not None and offer.current.room is None
                hypothesis.event("an offer at home")
            if offer.current is not None:
                assert option.start < to_minutes(offer.current.start)
                assert offer.current.start >= deadline_end(offer.case)
            # One interpreter exactly when the young person needs one.
            needed = offer.case.young_person.interpreter_needed
            assert (option.interpreter is not None) == needed
            hypothesis.event("an offer with an interpreter" if needed else "an offer without")
            room, sessions = sessions_of(option)
            asked = {
                "room": room,
                "venue": venue_of(option),
                "sessions": sessions,
                "late_reason": "test: late",
                "interpreter": interpreter_of(option),
            }
            savepoint = transaction.savepoint()
            if offer.current is None:
                visit = visit_book(case=offer.case, **asked)
            else:
                visit = visit_reschedule(visit=offer.current, **asked)
            assert visit.start == from_minutes(option.start)
            assert visit.interpreter_id == option.interpreter
            transaction.savepoint_rollback(savepoint)
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(diary=diaries())
def test_every_bring_forward_offer_books(diary):
    check_offers_book(diary)


@pytest.mark.slow
@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(diary=diaries())
def test_every_bring_forward_offer_books_at_length(diary):
    check_offers_book(diary)
