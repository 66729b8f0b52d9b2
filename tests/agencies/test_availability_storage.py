"""Working patterns and leave are stored in django-scheduler and read back unchanged."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from schedule.models import Event

from agencies.availability import UnsupportedRule, parse_weekdays
from agencies.services import (
    leave_create,
    leave_delete,
    leave_of,
    working_pattern_create,
    working_pattern_delete,
    working_patterns_of,
)
from tests.factories import make_practitioner

LONDON = ZoneInfo("Europe/London")
T = dt.time


@pytest.mark.django_db
def test_practitioners_each_get_their_own_calendar():
    first, second = make_practitioner(), make_practitioner()
    assert first.calendar_id != second.calendar_id


@pytest.mark.django_db
def test_working_pattern_is_a_weekly_event_with_weekday_codes():
    practitioner = make_practitioner()
    pattern = working_pattern_create(
        practitioner=practitioner,
        weekdays=[0, 2],
        start_time=T(9, 0),
        end_time=T(12, 30),
        valid_from=dt.date(2027, 3, 1),
        valid_until=dt.date(2027, 6, 30),
    )
    event = Event.objects.get(pk=pattern.id)
    assert event.calendar_id == practitioner.calendar_id
    assert event.rule.frequency == "WEEKLY"
    assert event.rule.params == "byweekday:MO,WE"
    assert event.start == dt.datetime(2027, 3, 1, 9, 0, tzinfo=LONDON)
    assert event.end_recurring_period == dt.datetime(2027, 7, 1, 0, 0, tzinfo=LONDON)
    [read] = working_patterns_of(practitioner=practitioner)
    assert read.weekdays == (0, 2)
    assert (read.start_time, read.end_time) == (T(9, 0), T(12, 30))
    assert (read.valid_from, read.valid_until) == (dt.date(2027, 3, 1), dt.date(2027, 6, 30))


@pytest.mark.django_db
def test_pattern_starting_in_summer_time_reads_back_in_local_time():
    practitioner = make_practitioner()
    working_pattern_create(
        practitioner=practitioner,
        weekdays=[4],
        start_time=T(9, 0),
        end_time=T(17, 0),
        valid_from=dt.date(2027, 7, 2),
        valid_until=None,
    )
    [read] = working_patterns_of(practitioner=practitioner)
    assert read.start_time == T(9, 0) and read.valid_until is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"weekdays": []}, "weekdays"),
        ({"weekdays": [7]}, "weekdays"),
        ({"weekdays": [1, 1]}, "weekdays"),
        ({"start_time": T(13, 0), "end_time": T(9, 0)}, "end_time"),
        ({"valid_until": dt.date(2027, 2, 1)}, "valid_until"),
    ],
)
def test_invalid_patterns_are_refused_naming_the_field(kwargs, field):
    practitioner = make_practitioner()
    values = {
        "weekdays": [0],
        "start_time": T(9, 0),
        "end_time": T(17, 0),
        "valid_from": dt.date(2027, 3, 1),
        "valid_until": None,
        **kwargs,
    }
    with pytest.raises(ValidationError) as excinfo:
        working_pattern_create(practitioner=practitioner, **values)
    assert field in excinfo.value.message_dict
    assert not Event.objects.filter(calendar=practitioner.calendar).exists()


@pytest.mark.django_db
def test_leave_is_a_one_off_event_and_separate_from_patterns():
    practitioner = make_practitioner()
    working_pattern_create(
        practitioner=practitioner,
        weekdays=[0],
        start_time=T(9, 0),
        end_time=T(17, 0),
        valid_from=dt.date(2027, 3, 1),
    )
    leave = leave_create(
        practitioner=practitioner,
        start=dt.datetime(2027, 3, 8, tzinfo=LONDON),
        end=dt.datetime(2027, 3, 9, tzinfo=LONDON),
        reason="Annual leave",
    )
    assert leave.rule is None
    assert list(leave_of(practitioner=practitioner)) == [leave]
    assert len(working_patterns_of(practitioner=practitioner)) == 1


@pytest.mark.django_db
def test_leave_must_end_after_it_starts():
    practitioner = make_practitioner()
    start = dt.datetime(2027, 3, 8, tzinfo=LONDON)
    with pytest.raises(ValidationError) as excinfo:
        leave_create(practitioner=practitioner, start=start, end=start)
    assert "end" in excinfo.value.message_dict


@pytest.mark.django_db
def test_one_practitioner_cannot_delete_anothers_pattern_or_leave():
    owner, other = make_practitioner(), make_practitioner()
    pattern = working_pattern_create(
        practitioner=owner,
        weekdays=[0],
        start_time=T(9, 0),
        end_time=T(17, 0),
        valid_from=dt.date(2027, 3, 1),
    )
    leave = leave_create(
        practitioner=owner,
        start=dt.datetime(2027, 3, 8, tzinfo=LONDON),
        end=dt.datetime(2027, 3, 9, tzinfo=LONDON),
    )
    with pytest.raises(Event.DoesNotExist):
        working_pattern_delete(practitioner=other, pattern_id=pattern.id)
    with pytest.raises(Event.DoesNotExist):
        leave_delete(practitioner=other, leave_id=leave.id)
    # A pattern id is not a leave id either.
    with pytest.raises(Event.DoesNotExist):
        leave_delete(practitioner=owner, leave_id=pattern.id)
    assert Event.objects.filter(calendar=owner.calendar).count() == 2


@pytest.mark.parametrize(
    ("frequency", "params", "expected"),
    [
        ("WEEKLY", "byweekday:MO,WE", (0, 2)),
        ("WEEKLY", "byweekday:0,2", (0, 2)),  # numbers, which django-scheduler misreads
        ("WEEKLY", "", (3,)),
        ("DAILY", "", (0, 1, 2, 3, 4, 5, 6)),
    ],
)
def test_rules_entered_in_the_admin_are_read_as_weekdays(frequency, params, expected):
    assert parse_weekdays(frequency=frequency, params=params, first_weekday=3) == expected


@pytest.mark.parametrize(
    ("frequency", "params"), [("MONTHLY", ""), ("WEEKLY", "bymonth:1"), ("WEEKLY", "byweekday:XX")]
)
def test_unsupported_rules_are_named(frequency, params):
    with pytest.raises(UnsupportedRule):
        parse_weekdays(frequency=frequency, params=params, first_weekday=0)
