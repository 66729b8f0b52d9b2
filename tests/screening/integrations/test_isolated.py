"""Reading an untrusted calendar in a child process: the same answer as in-process, and
hard time and memory limits the recurrence library cannot run past."""

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest

from screening.integrations.ical import CalendarUnreadable, busy_spans
from screening.integrations.isolated import busy_spans_isolated
from tests.calendar_support import WEEKLY_MEETING, event, vcalendar

LONDON = ZoneInfo("Europe/London")
START = dt.datetime(2027, 3, 1, tzinfo=LONDON)
END = dt.datetime(2028, 3, 1, tzinfo=LONDON)


def isolated(data: bytes, *, seconds: float = 10, memory_mb: int = 256, **kwargs):
    return busy_spans_isolated(
        data,
        start=START,
        end=END,
        zone=LONDON,
        seconds=seconds,
        memory_mb=memory_mb,
        max_occurrences=kwargs.pop("max_occurrences", 50_000),
        **kwargs,
    )


def test_the_child_finds_the_same_busy_times_as_reading_in_process():
    found = isolated(WEEKLY_MEETING, skip_uid_suffix="@testserver")
    assert found == busy_spans(WEEKLY_MEETING, start=START, end=END, zone=LONDON)
    assert found[0] == (
        dt.datetime(2027, 3, 2, 10, tzinfo=dt.UTC),
        dt.datetime(2027, 3, 2, 11, tzinfo=dt.UTC),
    )


def test_the_childs_refusal_comes_back_with_its_reason():
    data = vcalendar(event("tick", "DTSTART:20270301T090000Z", "RRULE:FREQ=MINUTELY"))
    with pytest.raises(CalendarUnreadable, match=r"repeats every minute \(RRULE FREQ=MINUTELY\)"):
        isolated(data)


# A rule that never happens (30 February): the recurrence library searches day by day to
# the year 9999 inside one call, a few seconds each, and no in-process check runs meanwhile.
NEVER = [
    event(f"never-{n}", "DTSTART:20270301T090000Z", "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30")
    for n in range(10)
]


def test_the_child_is_stopped_at_the_time_limit():
    started = time.monotonic()
    with pytest.raises(CalendarUnreadable, match=r"took longer than 1 s to read"):
        isolated(vcalendar(*NEVER), seconds=1)
    # Without the limit the ten searches run on for half a minute or more.
    assert time.monotonic() - started < 10


def test_the_child_is_stopped_at_its_memory_limit():
    # Hourly since 1900: the library keeps every hour from 1900 on, over 100 MB.
    data = vcalendar(event("old", "DTSTART:19000101T000000Z", "RRULE:FREQ=HOURLY"))
    with pytest.raises(CalendarUnreadable, match="needs more than 64 MB to read"):
        # Time enough for the memory to run out first, however busy the machine.
        isolated(data, memory_mb=64, seconds=120)
