"""An interpreter is held for the visit's whole span, gaps included; the search offers only
times one is free and the booking re-checks by the same rule."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from agencies.models import Agency
from agencies.services import leave_create
from screening.booking.options import visit_options
from screening.booking.services import SessionRequest, visit_book, visit_reschedule
from screening.errors import SlotTaken
from tests.factories import (
    make_case,
    make_interpreter,
    make_room,
    make_working_practitioner,
    make_young_person,
)

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 2, 23, 9, 0, tzinfo=LONDON)  # a Tuesday
TUESDAY = dt.date(2027, 3, 2)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(dt.UTC))


def at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def polish_case():
    person = make_young_person(interpreter_needed=True, interpreter_language="pl")
    return make_case(young_person=person)  # referral order from Monday 1 March 2027


@pytest.fixture
def two_agencies():
    """Health then education, a practitioner each, working weekdays 09:00-17:00."""
    health = Agency.objects.get(code="health")
    education = Agency.objects.get(code="education")
    return [
        (health, make_working_practitioner(agency=health)),
        (education, make_working_practitioner(agency=education)),
    ]


def sessions(team, start, gap=30):
    out, at_ = [], start
    for agency, practitioner in team:
        out.append(SessionRequest(agency=agency, practitioner=practitioner, start=at_))
        at_ += dt.timedelta(minutes=agency.default_duration_minutes + gap)
    return out


def test_visit_book_holds_the_interpreter(two_agencies):
    interpreter = make_interpreter()
    visit = visit_book(
        case=polish_case(),
        room=make_room(),
        interpreter=interpreter,
        sessions=sessions(two_agencies, at(TUESDAY, 10)),
    )
    assert visit.interpreter == interpreter


def test_visit_book_needs_an_interpreter_when_the_young_person_does(two_agencies):
    with pytest.raises(ValidationError) as error:
        visit_book(
            case=polish_case(), room=make_room(), sessions=sessions(two_agencies, at(TUESDAY, 10))
        )
    assert error.value.message_dict == {
        "interpreter": ["The young person needs a Polish interpreter: choose one."]
    }


def test_visit_book_refuses_an_interpreter_of_another_language(two_agencies):
    interpreter = make_interpreter(languages=["ro"], name="Ana Pop")
    with pytest.raises(ValidationError) as error:
        visit_book(
            case=polish_case(),
            room=make_room(),
            interpreter=interpreter,
            sessions=sessions(two_agencies, at(TUESDAY, 10)),
        )
    assert error.value.message_dict == {"interpreter": ["Ana Pop does not interpret Polish."]}


def test_visit_book_refuses_an_interpreter_for_someone_who_needs_none(two_agencies):
    with pytest.raises(ValidationError) as error:
        visit_book(
            case=make_case(),
            room=make_room(),
            interpreter=make_interpreter(),
            sessions=sessions(two_agencies, at(TUESDAY, 10)),
        )
    assert list(error.value.message_dict) == ["interpreter"]


def test_the_interpreter_must_work_across_the_gap_to_the_last_session(two_agencies):
    # Health 15:00-15:45, a 30-minute gap, education 16:15-16:45: the interpreter works
    # until 16:00 only, so they are not free for the whole span.
    interpreter = make_interpreter(hours=(9, 16), name="Ola Nowak")
    with pytest.raises(ValidationError) as error:
        visit_book(
            case=polish_case(),
            room=make_room(),
            interpreter=interpreter,
            sessions=sessions(two_agencies, at(TUESDAY, 15)),
        )
    assert error.value.message_dict == {
        "interpreter": ["Ola Nowak is not working from 15:00 on Tuesday 2 March 2027 to 16:45."]
    }


def test_the_interpreter_on_leave_is_refused(two_agencies):
    interpreter = make_interpreter(name="Ola Nowak")
    leave_create(practitioner=interpreter, start=at(TUESDAY, 11), end=at(TUESDAY, 12))
    with pytest.raises(ValidationError) as error:
        visit_book(
            case=polish_case(),
            room=make_room(),
            interpreter=interpreter,
            sessions=sessions(two_agencies, at(TUESDAY, 10)),
        )
    assert error.value.message_dict == {
        "interpreter": ["Ola Nowak is on leave at 10:00 on Tuesday 2 March 2027."]
    }


def test_an_interpreter_held_by_another_visit_is_taken_and_named(two_agencies):
    interpreter = make_interpreter(name="Ola Nowak")
    health, _ = two_agencies[0]
    visit_book(
        case=polish_case(),
        room=make_room(),
        interpreter=interpreter,
        sessions=sessions(two_agencies, at(TUESDAY, 10)),
    )
    other_nurse = make_working_practitioner(agency=health)
    # Another visit in another room with another practitioner, starting in the first
    # visit's gap (10:45-11:15): the interpreter is held there too.
    with pytest.raises(SlotTaken) as taken:
        visit_book(
            case=polish_case(),
            room=make_room(),
            interpreter=interpreter,
            sessions=[
                SessionRequest(agency=health, practitioner=other_nurse, start=at(TUESDAY, 10, 50))
            ],
        )
    assert taken.value.resource == "interpreter Ola Nowak at 10:50 on Tuesday 2 March 2027"


def test_reschedule_keeps_the_interpreter_and_checks_them_at_the_new_time(two_agencies):
    interpreter = make_interpreter(weekdays=[1], name="Ola Nowak")  # Tuesdays only
    room = make_room()
    visit = visit_book(
        case=polish_case(),
        room=room,
        interpreter=interpreter,
        sessions=sessions(two_agencies, at(TUESDAY, 10)),
    )
    moved = visit_reschedule(
        visit=visit, room=room, sessions=sessions(two_agencies, at(TUESDAY, 13))
    )
    assert moved.interpreter == interpreter
    wednesday = TUESDAY + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        visit_reschedule(visit=moved, room=room, sessions=sessions(two_agencies, at(wednesday, 10)))
    assert list(error.value.message_dict) == ["interpreter"]


def test_options_hold_an_interpreter_free_for_the_whole_span(two_agencies):
    first = make_interpreter(weekdays=[2], name="Ola Nowak")  # Wednesdays
    second = make_interpreter(weekdays=[1], name="Jan Kowal")  # Tuesdays
    make_interpreter(languages=["ro"])  # another language: never offered
    make_room()
    found = visit_options(case=polish_case(), agencies=[a for a, _ in two_agencies], count=3)
    assert found.options
    # The order starts on Monday 1 March; the first Polish interpreter works Tuesday 2nd.
    first_option = found.options[0]
    assert first_option.interpreter == second.pk
    assert set(found.interpreters) == {first.pk, second.pk}
    for option in found.options:
        assert option.interpreter in found.interpreters


def test_no_interpreter_before_the_deadline_is_the_reason_given(two_agencies):
    # The referral order starts Monday 1 March 2027: the visit is due within 5 working
    # days, by Monday 8 March. The only Polish interpreter starts on Tuesday 9 March.
    make_interpreter(valid_from=dt.date(2027, 3, 9))
    make_room()
    case = polish_case()
    assert case.visit_due_by == dt.date(2027, 3, 8)
    found = visit_options(case=case, agencies=[a for a, _ in two_agencies], count=3)
    assert found.options == []
    assert found.reasons[-1] == (
        "No Polish interpreter is free for 1 hour 20 minutes before the deadline of "
        "Monday 8 March 2027; the earliest one is free is Tuesday 9 March 2027."
    )
    assert found.after_deadline and found.after_deadline[0].start
