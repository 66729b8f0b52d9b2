"""Bring forward: a cancelled or moved visit frees its time; cases waiting for a visit, or
booked after their deadline, are offered it (the real visit_options, restricted to the
freed window); a case booked in time is not; nothing moves by itself."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from agencies.services import leave_create
from screening.booking.bring_forward import bring_forward_list, offer_for
from screening.booking.options import visit_options
from screening.booking.services import (
    SessionRequest,
    visit_book,
    visit_cancel,
    visit_reschedule,
)
from screening.models import FreedSlot
from screening.scheduling.expand import from_minutes
from tests.factories import make_interpreter
from tests.screening.booking.bring_forward_world import (
    at,
    book_at,
    interpreter_of,
    make_world,
    new_case,
    sessions_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(monkeypatch):
    return make_world(monkeypatch)


def test_cancelling_a_visit_offers_its_time_to_a_waiting_case(world):
    first = new_case()
    visit = book_at(first, at(2, 10))  # Tuesday 2 March 10:00
    waiting = new_case()
    assert bring_forward_list() == []  # nothing freed yet
    visit_cancel(visit=visit, reason="The family is away")
    slot = FreedSlot.objects.get()
    assert (slot.start, slot.end, slot.cause) == (visit.start, visit.end, "cancelled")
    assert slot.practitioners.count() == 4
    offers = bring_forward_list()
    assert [o.case for o in offers] == [waiting]
    offer = offers[0]
    assert offer.current is None and offer.slot == slot
    assert from_minutes(offer.option.start) == at(2, 10)


def test_a_case_booked_by_its_due_date_is_not_offered_earlier_time(world):
    cancelled = book_at(new_case(), at(2, 10))
    in_time = new_case()
    book_at(in_time, at(4, 10))  # Thursday 4 March: before its due date, Monday 8 March
    visit_cancel(visit=cancelled, reason="Ill")
    assert offer_for(case=in_time) is None
    assert in_time not in [o.case for o in bring_forward_list()]


def test_a_case_booked_after_its_due_date_is_offered_a_move_earlier(world):
    cancelled = book_at(new_case(), at(2, 10))
    late_case = new_case()
    late = book_at(late_case, at(9, 10))  # Tuesday 9 March: after Monday 8 March
    visit_cancel(visit=cancelled, reason="Ill")
    offer = offer_for(case=late_case)
    assert offer is not None and offer.current == late
    assert from_minutes(offer.option.start) == at(2, 10)


def test_moving_a_visit_frees_its_old_time(world):
    moved_case = new_case()
    visit = book_at(moved_case, at(2, 10))
    waiting = new_case()
    later = offer_for(case=moved_case)  # booked in time: nothing
    assert later is None
    found = visit_options(case=moved_case, not_before=at(4, 10), count=1, ignore_visit=visit)
    room, sessions = sessions_of(found.options[0])
    visit_reschedule(visit=visit, room=room, sessions=sessions)
    slot = FreedSlot.objects.get()
    assert (slot.start, slot.cause) == (at(2, 10), "rescheduled")
    assert [o.case for o in bring_forward_list()] == [waiting]


def test_a_failed_move_frees_nothing(world):
    visit = book_at(new_case(), at(2, 10))
    rows = list(visit.sessions.select_related("agency", "practitioner").order_by("start"))
    shift = at(1, 8, 30) - rows[0].start  # Monday 08:30: inside the two hours' notice
    sessions = [
        SessionRequest(
            agency=s.agency, practitioner=s.practitioner, start=s.start + shift, end=s.end + shift
        )
        for s in rows
    ]
    with pytest.raises(ValidationError):
        visit_reschedule(visit=visit, room=visit.room, sessions=sessions)
    assert not FreedSlot.objects.exists()


def test_past_freed_time_is_never_offered(world, monkeypatch):
    visit = book_at(new_case(), at(2, 10))
    new_case()
    visit_cancel(visit=visit, reason="Ill")
    assert bring_forward_list()
    later = at(2, 9)  # Tuesday 09:00: 10:00 is inside the two hours' notice
    monkeypatch.setattr(timezone, "now", lambda: later.astimezone(dt.UTC))
    assert bring_forward_list() == []


# --- interpreters --------------------------------------------------------------------------
# The four default sessions (30, 45, 30 and 30 minutes, 5-minute gaps) make a visit of 2
# hours 30 minutes: one at Tuesday 2 March 10:00 runs to 12:30, and frees that time when
# cancelled.


def test_a_case_needing_an_interpreter_is_offered_freed_time_only_with_one_free(world):
    """Polish interpreters: Ola works Thursdays only; Piotr works Tuesdays 10:00-17:00 but
    is on leave until 11:00 on Tuesday 2 March. The freed Tuesday 10:00-12:30 holds no
    visit with Ola (her first is Thursday 4 March 10:00, outside it), and with Piotr only
    from 11:00 (to 13:30, still overlapping the freed time); that offer books with him."""
    ola = make_interpreter(weekdays=[3], hours=(10, 17), name="Ola")
    cancelled = book_at(new_case(), at(2, 10))
    polish = new_case(interpreter="pl")
    visit_cancel(visit=cancelled, reason="The family is away")
    found = visit_options(case=polish, not_before=at(2, 10), count=1, respect_unavailable=True)
    assert from_minutes(found.options[0].start) == at(4, 10)
    assert found.options[0].interpreter == ola.pk
    assert offer_for(case=polish) is None
    assert bring_forward_list() == []

    piotr = make_interpreter(weekdays=[1], hours=(10, 17), name="Piotr")
    leave_create(practitioner=piotr, start=at(2, 9), end=at(2, 11), reason="Appointment")
    offer = offer_for(case=polish)
    assert offer is not None and offer.current is None
    assert from_minutes(offer.option.start) == at(2, 11)
    assert offer.option.interpreter == piotr.pk
    assert [o.case for o in bring_forward_list()] == [polish]
    room, sessions = sessions_of(offer.option)
    with pytest.raises(ValidationError) as refused:
        visit_book(case=polish, room=room, sessions=sessions)
    assert list(refused.value.message_dict) == ["interpreter"]
    visit = visit_book(case=polish, room=room, sessions=sessions, interpreter=piotr)
    assert (visit.start, visit.interpreter) == (at(2, 11), piotr)


def test_a_late_case_with_an_interpreter_moves_with_one_free_in_the_freed_time(world):
    """Ola and Piotr both interpret Polish on Tuesdays 10:00-17:00 (Ola has the lower id,
    so is held first). A Polish case is booked late on Tuesday 9 March 10:00 with Piotr
    (Ola is on leave that day). Tuesday 2 March 10:00-12:30 is freed while Ola is on leave
    until 13:00 that day: the offer moves the visit there with Piotr, and the move books."""
    ola = make_interpreter(weekdays=[1], hours=(10, 17), name="Ola")
    piotr = make_interpreter(weekdays=[1], hours=(10, 17), name="Piotr")
    leave_create(practitioner=ola, start=at(9, 9), end=at(9, 17), reason="Course")
    cancelled = book_at(new_case(), at(2, 10))
    late_case = new_case(interpreter="pl")
    late = book_at(late_case, at(9, 10))  # Ola is on leave that day: Piotr
    assert late.interpreter == piotr
    leave_create(practitioner=ola, start=at(2, 9), end=at(2, 13), reason="Appointment")
    visit_cancel(visit=cancelled, reason="Ill")
    offer = offer_for(case=late_case)
    assert offer is not None and offer.current == late
    assert from_minutes(offer.option.start) == at(2, 10)
    assert offer.option.interpreter == piotr.pk  # Ola is on leave until 13:00
    room, sessions = sessions_of(offer.option)
    moved = visit_reschedule(
        visit=late, room=room, sessions=sessions, interpreter=interpreter_of(offer.option)
    )
    assert (moved.start, moved.interpreter) == (at(2, 10), piotr)
