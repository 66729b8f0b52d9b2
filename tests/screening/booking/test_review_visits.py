"""A review visit (only the agencies the review needs) is due by the review's due date, not
the case's first-visit deadline: in the options search and in the booking re-check alike."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agencies.models import Agency
from screening.booking.options import visit_options
from screening.booking.services import SessionRequest, visit_book, visit_deadline
from screening.models import Review, Visit
from screening.scheduling.expand import from_minutes
from tests.factories import make_case, make_room, make_working_practitioner

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
# "Now" is Tuesday 23 February 2027, 09:00. The order started Monday 1 February: its first
# visit was due five working days on, Monday 8 February, long gone.
NOW = dt.datetime(2027, 2, 23, 9, 0, tzinfo=LONDON)
ORDER_START = dt.date(2027, 2, 1)
# The review is due on Friday 5 March 2027.
REVIEW_DUE = dt.date(2027, 3, 5)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


@pytest.fixture
def world(db, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(dt.UTC))
    people = {code: make_working_practitioner(agency=code) for code in ("health", "education")}
    case = make_case(order_start_date=ORDER_START)
    review = Review.objects.create(
        case=case, reason="new_information", due_by=REVIEW_DUE, status="in_progress"
    )
    return case, review, people, make_room()


def two_sessions(people, start: dt.datetime) -> list[SessionRequest]:
    health, education = (Agency.objects.get(code=c) for c in ("health", "education"))
    second = start + dt.timedelta(minutes=health.default_duration_minutes + 5)
    return [
        SessionRequest(agency=health, practitioner=people["health"], start=start),
        SessionRequest(agency=education, practitioner=people["education"], start=second),
    ]


def test_a_review_visit_before_the_review_is_due_needs_no_late_reason(world):
    case, review, people, room = world
    assert case.visit_due_by == dt.date(2027, 2, 8)
    # Tuesday 2 March: weeks after the case's first-visit deadline, before the review's.
    visit = visit_book(
        case=case, room=room, sessions=two_sessions(people, at(dt.date(2027, 3, 2))), review=review
    )
    assert visit.review == review and visit.late_reason == ""
    assert sorted(s.agency.code for s in visit.sessions.all()) == ["education", "health"]


def test_the_same_visit_not_for_the_review_is_late_against_the_cases_deadline(world):
    case, _review, people, room = world
    with pytest.raises(ValidationError) as error:
        visit_book(case=case, room=room, sessions=two_sessions(people, at(dt.date(2027, 3, 2))))
    assert "the case's deadline of 8 February 2027" in error.value.message_dict["late_reason"][0]


def test_a_review_visit_after_the_review_is_due_needs_a_late_reason(world):
    case, review, people, room = world
    # Monday 8 March 2027: the next working day after the review's due date.
    sessions = two_sessions(people, at(dt.date(2027, 3, 8)))
    with pytest.raises(ValidationError) as error:
        visit_book(case=case, room=room, sessions=sessions, review=review)
    assert "the review's deadline of 5 March 2027" in error.value.message_dict["late_reason"][0]
    assert not Visit.objects.exists()
    visit = visit_book(
        case=case, room=room, sessions=sessions, review=review, late_reason="Family away."
    )
    assert visit.late_reason == "Family away."


def test_a_review_of_another_case_or_signed_off_is_refused_naming_the_field(world):
    case, review, people, room = world
    other = Review.objects.create(case=make_case(), reason="scheduled", due_by=REVIEW_DUE)
    sessions = two_sessions(people, at(dt.date(2027, 3, 2)))
    with pytest.raises(ValidationError) as error:
        visit_book(case=case, room=room, sessions=sessions, review=other)
    assert error.value.message_dict["review"] == ["This review is not the case's."]
    Review.objects.filter(pk=review.pk).update(status="signed_off")
    review.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        visit_book(case=case, room=room, sessions=sessions, review=review)
    assert "signed off" in error.value.message_dict["review"][0]
    assert not Visit.objects.exists()


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(due_offset=st.integers(min_value=0, max_value=12), count=st.integers(1, 10))
def test_search_and_booking_agree_on_a_review_visits_deadline(world, due_offset, count):
    """Every option the search offers before the review's due date books without a late
    reason; every option it offers after it is refused without one, naming the review."""
    case, review, _people, _room = world
    # From Wednesday 24 February 2027, 0 to 12 days on.
    review.due_by = dt.date(2027, 2, 24) + dt.timedelta(days=due_offset)
    review.save(update_fields=["due_by"])
    agencies = [Agency.objects.get(code=c) for c in ("health", "education")]
    due_by, _ = visit_deadline(case=case, review=review)
    assert due_by == review.due_by
    found = visit_options(case=case, agencies=agencies, count=count, deadline=due_by)
    assert found.options, "two free practitioners have options before a working day"
    for option, before in [(o, True) for o in found.options] + [
        (o, False) for o in found.after_deadline
    ]:
        assert (from_minutes(option.end).astimezone(LONDON).date() <= review.due_by) is before
        requests = [
            SessionRequest(
                agency=found.agencies[s.agency],
                practitioner=found.practitioners[s.practitioner],
                start=from_minutes(s.start),
                end=from_minutes(s.end),
            )
            for s in option.sessions
        ]
        room = found.rooms[option.room]
        sid = transaction.savepoint()
        try:
            if before:
                visit_book(case=case, room=room, sessions=requests, review=review)
            else:
                with pytest.raises(ValidationError) as error:
                    visit_book(case=case, room=room, sessions=requests, review=review)
                assert "the review's deadline" in error.value.message_dict["late_reason"][0]
        finally:
            transaction.savepoint_rollback(sid)
