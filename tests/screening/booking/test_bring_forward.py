"""Bring forward: a cancelled or moved visit frees its time; cases waiting for a visit, or
booked after their deadline, are offered it (the real visit_options, restricted to the
freed window); a case booked in time is not; nothing moves by itself."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from screening.booking.bring_forward import bring_forward_list, offer_for
from screening.booking.options import visit_options
from screening.booking.services import SessionRequest, visit_cancel, visit_reschedule
from screening.models import FreedSlot
from screening.scheduling.expand import from_minutes
from tests.screening.booking.bring_forward_world import (
    at,
    book_at,
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
