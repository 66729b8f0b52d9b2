"""Review due dates: calendar months after a sign-off (a short month's last day when the day
is missing) and working days after new information (weekends, England and Wales bank
holidays and closure days skipped). Dates worked out by hand from the calendar."""

import calendar
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.people.deadlines import (
    review_due_after_new_information,
    review_due_after_sign_off,
)
from screening.people.workdays import add_months, is_working_day, working_days_between


@pytest.mark.parametrize(
    ("signed_off", "due"),
    [
        (dt.date(2027, 1, 31), dt.date(2027, 4, 30)),  # April has 30 days
        (dt.date(2026, 11, 30), dt.date(2027, 2, 28)),  # 2027 is not a leap year
        (dt.date(2027, 11, 30), dt.date(2028, 2, 29)),  # 2028 is
        (dt.date(2026, 12, 2), dt.date(2027, 3, 2)),
        (dt.date(2027, 10, 15), dt.date(2028, 1, 15)),  # over the new year
    ],
)
def test_the_next_review_is_due_three_calendar_months_after_sign_off(signed_off, due, db):
    assert review_due_after_sign_off(signed_off_on=signed_off) == due


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Thursday 25 March 2027: Good Friday 26 and Easter Monday 29 March are bank holidays;
        # 30, 31 March, 1, 2 and 5 April are the five working days.
        (dt.date(2027, 3, 25), dt.date(2027, 4, 5)),
        # Wednesday 22 December 2027: Christmas Day and Boxing Day fall on the weekend, so
        # Monday 27 and Tuesday 28 December are the substitute bank holidays; 23, 24, 29, 30
        # and 31 December are the five.
        (dt.date(2027, 12, 22), dt.date(2027, 12, 31)),
        # Friday 27 November 2026: Monday 30 November to Friday 4 December.
        (dt.date(2026, 11, 27), dt.date(2026, 12, 4)),
        # Saturday 29 May 2027: Monday 31 May is the spring bank holiday; 1 to 4 and 7 June.
        (dt.date(2027, 5, 29), dt.date(2027, 6, 7)),
    ],
)
def test_a_review_after_new_information_is_due_in_five_working_days(received, due, db):
    assert review_due_after_new_information(received_on=received) == due


def test_closure_days_count_as_not_working(db):
    # 30 March 2027 closed too: 31 March, 1, 2, 5 and 6 April.
    closed = frozenset({dt.date(2027, 3, 30)})
    due = review_due_after_new_information(received_on=dt.date(2027, 3, 25), closures=closed)
    assert due == dt.date(2027, 4, 6)


def test_the_intervals_are_settings(db, settings):
    settings.SCREENING_DEADLINES = {
        **settings.SCREENING_DEADLINES,
        "review_interval_months": 6,
        "review_on_new_information_working_days": 2,
    }
    assert review_due_after_sign_off(signed_off_on=dt.date(2027, 8, 31)) == dt.date(2028, 2, 29)
    assert review_due_after_new_information(received_on=dt.date(2027, 3, 25)) == dt.date(
        2027, 3, 31
    )


days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))


@settings(max_examples=300, deadline=None)
@given(day=days, months=st.integers(min_value=0, max_value=36))
def test_add_months_agrees_with_the_calendar(day, months):
    """Against an oracle stepping month by month with the standard library's calendar."""
    year, month = day.year, day.month
    for _ in range(months):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    expected = dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
    assert add_months(day, months) == expected


@settings(max_examples=200, deadline=None)
@given(day=days)
def test_the_new_information_due_date_is_the_fifth_working_day_after(day):
    """The due date is a working day, exactly five working days after the date received, as
    the working-day count (workdays.working_days_between) reads it."""
    due = review_due_after_new_information(received_on=day, closures=frozenset())
    assert is_working_day(due)
    assert working_days_between(day, due) == 5
    assert working_days_between(day, due - dt.timedelta(days=1)) == 4  # the first such day
