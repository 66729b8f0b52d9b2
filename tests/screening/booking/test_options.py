"""Visit options: the reasons given when there are too few name each agency as a sentence
would, from the agency's own name."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from agencies.models import Agency
from screening.booking.options import visit_options
from screening.booking.reasons import render_reason
from screening.scheduling.explain import Reason
from tests.factories import make_case, make_room

LONDON = ZoneInfo("Europe/London")
# Monday 1 March 2027, 08:00; an order starting that day makes the visit due on Monday
# 8 March 2027 (five working days on).
NOW = dt.datetime(2027, 3, 1, 8, 0, tzinfo=LONDON)


@pytest.fixture
def nobody_free(db, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(dt.UTC))
    make_room()
    return make_case(order_start_date=dt.date(2027, 3, 1))


def test_reasons_name_the_default_agencies_in_lower_case(nobody_free):
    found = visit_options(case=nobody_free, count=1)
    before = "practitioner is free before the deadline of Monday 8 March 2027."
    assert found.reasons == [
        f"No speech, language and communication {before}",
        f"No health {before}",
        f"No education {before}",
        f"No children's social care {before}",
    ]


def test_reasons_keep_the_capitals_of_an_agency_named_with_an_acronym(nobody_free):
    """A YOT's own agency is data like the rest: its name's acronym stays in capitals."""
    camhs = Agency.objects.create(
        code="camhs", name="CAMHS Liaison", default_duration_minutes=30, order=5
    )
    found = visit_options(case=nobody_free, agencies=[camhs], count=1)
    assert found.reasons == [
        "No CAMHS liaison practitioner is free before the deadline of Monday 8 March 2027."
    ]


@pytest.mark.parametrize(
    ("minutes", "words"),
    [(45, "45 minutes"), (60, "1 hour"), (165, "2 hours 45 minutes"), (121, "2 hours 1 minute")],
)
def test_a_room_reason_writes_its_length_as_people_say_it(minutes, words):
    reason = render_reason(
        Reason("no_room", minutes=minutes),
        tz=LONDON,
        deadline=dt.date(2027, 3, 8),
        agency_names={},
    )
    assert reason == (
        f"No room is free for {words} in a row before the deadline of Monday 8 March 2027."
    )


# Wednesday 2 December 2026, 09:00; the order starts on Wednesday 24 March 2027, so the
# visit is due on Friday 2 April 2027 (five working days on: Thursday 25, Tuesday 30 and
# Wednesday 31 March, Thursday 1 and Friday 2 April; Good Friday 26 and Easter Monday 29
# March are bank holidays).
DECEMBER = dt.datetime(2026, 12, 2, 9, 0, tzinfo=LONDON)
LATER_ORDER = dt.date(2027, 3, 24)


def _health_options(case, **asked):
    health = Agency.objects.get(code="health")
    found = visit_options(case=case, agencies=[health], count=3, **asked)
    return [o.start for o in found.options], found.reasons


def test_options_start_no_earlier_than_the_order_unless_asked(db, monkeypatch):
    """An order starting on Wednesday 24 March 2027 is offered nothing in December 2026:
    the first option is 09:00 that Wednesday and the reasons say why; `not_before` asks for
    earlier (Thursday 3 December 2026), and then no such reason is given."""
    from screening.scheduling.expand import to_minutes
    from tests.factories import make_working_practitioner

    monkeypatch.setattr(timezone, "now", lambda: DECEMBER.astimezone(dt.UTC))
    make_working_practitioner(agency="health", valid_from=dt.date(2026, 1, 1))
    make_room()
    case = make_case(order_start_date=LATER_ORDER)
    assert case.visit_due_by == dt.date(2027, 4, 2)
    march = [dt.datetime(2027, 3, 24, 9, m, tzinfo=LONDON) for m in (0, 5, 10)]
    starts, reasons = _health_options(case)
    assert starts == [to_minutes(t) for t in march]
    assert reasons == [
        "The order starts on Wednesday 24 March 2027, so options start from then; "
        "give an earlier first day (not_before) to see earlier ones."
    ]
    december = [dt.datetime(2026, 12, 3, 9, m, tzinfo=LONDON) for m in (0, 5, 10)]
    starts, reasons = _health_options(
        case, not_before=dt.datetime(2026, 12, 3, 0, 0, tzinfo=LONDON)
    )
    assert starts == [to_minutes(t) for t in december]
    assert reasons == []


def test_options_after_the_deadline_are_found_past_weeks_of_full_rooms(db, monkeypatch):
    """The room is closed from Monday 1 March 2027 until Monday 22 March 2027: nothing
    before the deadline (Monday 8 March), and the options after it are 09:00, 09:05 and
    09:10 on Monday 22 March, the same whether the rows are read a short window at a time
    (the rooms first, then only from the first room free long enough) or all at once. What
    the engine was asked still runs from the earliest start (the planner reads it)."""
    from django.conf import settings
    from django.test import override_settings
    from schedule.models import Event

    from screening.scheduling.expand import to_minutes
    from screening.scheduling.explain import ROOM, first_free
    from tests.factories import make_working_practitioner

    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(dt.UTC))
    make_working_practitioner(agency="health")
    room = make_room()
    Event.objects.create(
        calendar=room.calendar,
        title="Refurbishment",
        start=dt.datetime(2027, 3, 1, 0, 0, tzinfo=LONDON),
        end=dt.datetime(2027, 3, 22, 0, 0, tzinfo=LONDON),
    )
    case = make_case(order_start_date=dt.date(2027, 3, 1))
    assert case.visit_due_by == dt.date(2027, 3, 8)
    health = Agency.objects.get(code="health")
    windowed = visit_options(case=case, agencies=[health], count=3)
    whole_horizon = {**settings.SCREENING_SCHEDULING, "first_window_days": 0}
    with override_settings(SCREENING_SCHEDULING=whole_horizon):
        whole = visit_options(case=case, agencies=[health], count=3)
    march_22 = [to_minutes(dt.datetime(2027, 3, 22, 9, m, tzinfo=LONDON)) for m in (0, 5, 10)]
    assert windowed.options == whole.options == []
    assert [o.start for o in windowed.after_deadline] == march_22
    assert windowed.after_deadline == whole.after_deadline
    assert windowed.reasons == whole.reasons
    assert windowed.reasons == [
        "No room is free for 45 minutes in a row before the deadline of Monday 8 March 2027."
    ]
    assert windowed.request.earliest == whole.request.earliest
    parts = first_free(windowed.request)
    assert parts == first_free(whole.request)
    assert parts[ROOM] <= march_22[0]


@pytest.mark.parametrize(
    "back",
    [
        # Back on Friday 5 March 2027: free before the deadline (Monday 8 March), but not in
        # the first days read, so the rows are widened and no agency is named.
        dt.date(2027, 3, 5),
        # Back on Wednesday 10 March 2027: nobody of health is free before the deadline.
        dt.date(2027, 3, 10),
    ],
)
def test_with_no_room_before_the_deadline_the_reasons_match_the_whole_horizon(
    db, monkeypatch, back
):
    """No room is free before the deadline (closed Monday 1 to Monday 22 March 2027), so
    the practitioners' rows are read for a few days only, for the reasons: widened while
    an agency is not free in them, the reasons are those of a read of the whole horizon."""
    from django.conf import settings
    from django.test import override_settings
    from schedule.models import Event

    from tests.factories import make_working_practitioner

    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(dt.UTC))
    person = make_working_practitioner(agency="health")
    Event.objects.create(
        calendar=person.calendar,
        title="Leave",
        start=dt.datetime(2027, 3, 1, 0, 0, tzinfo=LONDON),
        end=dt.datetime.combine(back, dt.time(0), tzinfo=LONDON),
    )
    room = make_room()
    Event.objects.create(
        calendar=room.calendar,
        title="Refurbishment",
        start=dt.datetime(2027, 3, 1, 0, 0, tzinfo=LONDON),
        end=dt.datetime(2027, 3, 22, 0, 0, tzinfo=LONDON),
    )
    case = make_case(order_start_date=dt.date(2027, 3, 1))
    health = Agency.objects.get(code="health")
    windowed = visit_options(case=case, agencies=[health], count=3)
    whole_horizon = {**settings.SCREENING_SCHEDULING, "first_window_days": 0}
    with override_settings(SCREENING_SCHEDULING=whole_horizon):
        whole = visit_options(case=case, agencies=[health], count=3)
    room_reason = (
        "No room is free for 45 minutes in a row before the deadline of Monday 8 March 2027."
    )
    assert windowed.reasons == whole.reasons
    assert windowed.after_deadline == whole.after_deadline
    if back < dt.date(2027, 3, 8):
        assert windowed.reasons == [room_reason]
    else:
        assert len(windowed.reasons) == 2
        assert windowed.reasons[0].startswith("No health practitioner is free before the deadline")
        assert "Wednesday 10 March 2027" in windowed.reasons[0]
        assert windowed.reasons[1] == room_reason
