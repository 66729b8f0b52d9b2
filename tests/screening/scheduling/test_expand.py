"""Local rules per local date: clock changes never shift a pattern."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from screening.scheduling.expand import (
    PatternException,
    WeeklyPattern,
    expand_weekly,
    from_minutes,
    local_day_bounds,
    to_minutes,
)

LONDON = ZoneInfo("Europe/London")
WEEKDAYS = frozenset(range(5))


def m(year, month, day, hour=0, minute=0):
    return to_minutes(dt.datetime(year, month, day, hour, minute, tzinfo=LONDON))


def local_starts(intervals):
    return [from_minutes(s).astimezone(LONDON).strftime("%a %d %b %H:%M") for s, _ in intervals]


@pytest.mark.parametrize(
    ("first", "last"), [((2027, 3, 22), (2027, 4, 3)), ((2027, 10, 25), (2027, 11, 6))]
)
def test_weekly_0900_pattern_stays_at_0900_across_the_clock_change(first, last):
    pattern = WeeklyPattern(weekdays=WEEKDAYS, start=dt.time(9), end=dt.time(17))
    spans = expand_weekly(
        patterns=[pattern], window_start=m(*first), window_end=m(*last), zone=LONDON
    )
    assert len(spans) == 10
    for start, end in spans:
        local_start = from_minutes(start).astimezone(LONDON)
        local_end = from_minutes(end).astimezone(LONDON)
        assert (local_start.hour, local_start.minute) == (9, 0)
        assert (local_end.hour, local_end.minute) == (17, 0)
    # The UTC hour moves by one across the change; the local hour does not.
    assert {from_minutes(s).hour for s, _ in spans} == {8, 9}


def test_no_minute_inside_the_missing_spring_hour():
    # 28 March 2027: clocks go from 01:00 GMT to 02:00 BST.
    sunday = WeeklyPattern(weekdays=frozenset({6}), start=dt.time(0, 30), end=dt.time(3, 0))
    [(start, end)] = expand_weekly(
        patterns=[sunday], window_start=m(2027, 3, 27), window_end=m(2027, 3, 29), zone=LONDON
    )
    assert end - start == 90  # 00:30-01:00 GMT then 02:00-03:00 BST
    inside_gap = from_minutes(m(2027, 3, 28, 1, 0))  # the instant of the change
    assert from_minutes(start) < inside_gap < from_minutes(end)


def test_pattern_edge_in_the_missing_hour_moves_to_the_first_real_instant():
    sunday = WeeklyPattern(weekdays=frozenset({6}), start=dt.time(1, 30), end=dt.time(4, 0))
    [(start, _)] = expand_weekly(
        patterns=[sunday], window_start=m(2027, 3, 27), window_end=m(2027, 3, 29), zone=LONDON
    )
    assert from_minutes(start).astimezone(LONDON).strftime("%H:%M %Z") == "02:00 BST"


def test_clock_change_days_are_23_and_25_hours():
    spring = local_day_bounds(day=dt.date(2027, 3, 28), zone=LONDON)
    autumn = local_day_bounds(day=dt.date(2027, 10, 31), zone=LONDON)
    assert spring[1] - spring[0] == 23 * 60 and autumn[1] - autumn[0] == 25 * 60


def test_validity_dates_and_weekdays_are_respected():
    pattern = WeeklyPattern(
        weekdays=frozenset({0, 2}),
        start=dt.time(9),
        end=dt.time(12),
        valid_from=dt.date(2027, 3, 3),
        valid_until=dt.date(2027, 3, 15),
    )
    spans = expand_weekly(
        patterns=[pattern], window_start=m(2027, 3, 1), window_end=m(2027, 3, 31), zone=LONDON
    )
    assert local_starts(spans) == [
        "Wed 03 Mar 09:00",
        "Mon 08 Mar 09:00",
        "Wed 10 Mar 09:00",
        "Mon 15 Mar 09:00",
    ]


def test_cancelled_and_moved_occurrences():
    pattern = WeeklyPattern(weekdays=WEEKDAYS, start=dt.time(9), end=dt.time(12), key="p")
    changes = [
        PatternException("p", dt.date(2027, 3, 2), cancelled=True),
        PatternException(
            "p",
            dt.date(2027, 3, 3),
            cancelled=False,
            start=dt.datetime(2027, 3, 6, 10, tzinfo=LONDON),
            end=dt.datetime(2027, 3, 6, 13, tzinfo=LONDON),
        ),
    ]
    spans = expand_weekly(
        patterns=[pattern],
        exceptions=changes,
        window_start=m(2027, 3, 1),
        window_end=m(2027, 3, 7),
        zone=LONDON,
    )
    assert local_starts(spans) == [
        "Mon 01 Mar 09:00",
        "Thu 04 Mar 09:00",
        "Fri 05 Mar 09:00",
        "Sat 06 Mar 10:00",
    ]


def test_midnight_end_means_the_end_of_the_day():
    pattern = WeeklyPattern(weekdays=frozenset({0}), start=dt.time(18), end=dt.time(0))
    [(start, end)] = expand_weekly(
        patterns=[pattern], window_start=m(2027, 3, 1), window_end=m(2027, 3, 3), zone=LONDON
    )
    assert end - start == 6 * 60


def test_bad_patterns_and_naive_times_are_refused():
    with pytest.raises(ValueError, match="before it starts"):
        WeeklyPattern(weekdays=WEEKDAYS, start=dt.time(17), end=dt.time(9))
    with pytest.raises(ValueError, match="no time zone"):
        to_minutes(dt.datetime(2027, 3, 1, 9))
