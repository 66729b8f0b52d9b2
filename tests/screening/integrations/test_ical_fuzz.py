"""A bounded fuzz of reading imported calendars as the background worker does (in a child
process with a time and a memory limit): random repeat rules, sizes and encodings. Every
read finishes within its limit and either gives busy spans or fails with the documented
error, CalendarUnreadable, for a reason a person can act on (never a crash of the reader)."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from screening.integrations.ical import CalendarUnreadable
from screening.integrations.isolated import busy_spans_isolated

pytestmark = pytest.mark.slow

LONDON = ZoneInfo("Europe/London")
START = dt.datetime(2027, 2, 28, tzinfo=dt.UTC)
END = START + dt.timedelta(days=455)  # the import window: the horizon plus a year
LIMIT_SECONDS = 2
# Killing the child and collecting it takes a moment after the limit.
GRACE_SECONDS = 1

# Mostly what can be imported, so the expansion itself is explored, not only the refusal.
FREQUENCIES = ["HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"] * 3 + ["SECONDLY", "MINUTELY"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def numbers(low: int, high: int, *, size: int = 4) -> st.SearchStrategy[str]:
    return st.lists(st.integers(low, high), min_size=1, max_size=size).map(
        lambda values: ",".join(str(v) for v in values)
    )


def stamp(moment: dt.datetime) -> str:
    return f"{moment:%Y%m%dT%H%M%S}"


MOMENTS = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 12, 31))
WEEKDAYS = st.lists(
    st.tuples(st.sampled_from(["", "1", "-1", "2", "5", "53"]), st.sampled_from(DAYS)),
    min_size=1,
    max_size=7,
).map(lambda days: ",".join(n + d for n, d in days))

RULE_PARTS = st.fixed_dictionaries(
    {"FREQ": st.sampled_from(FREQUENCIES)},
    optional={
        "INTERVAL": st.integers(1, 1000).map(str),
        "COUNT": st.sampled_from(["1", "10", "1000", "1000000000"]),
        "UNTIL": MOMENTS.map(lambda m: stamp(m) + "Z"),
        "BYMONTH": numbers(1, 13),
        "BYMONTHDAY": numbers(-31, 31),
        "BYYEARDAY": numbers(-366, 366),
        "BYWEEKNO": numbers(-53, 53),
        "BYDAY": WEEKDAYS,
        "BYHOUR": numbers(0, 24, size=24),
        "BYMINUTE": st.one_of(numbers(0, 59, size=1), numbers(0, 59)),
        "BYSECOND": st.one_of(numbers(0, 60, size=1), numbers(0, 60)),
        "BYSETPOS": numbers(-10, 10),
        "WKST": st.sampled_from(DAYS),
    },
)


@st.composite
def events(draw, n: int) -> str:
    parts = draw(RULE_PARTS)
    start = draw(MOMENTS)
    zone = draw(st.sampled_from(["Z", ";TZID=Europe/London", ";TZID=GMT Standard Time", ""]))
    if zone == "Z":
        dtstart = f"DTSTART:{stamp(start)}Z"
    elif zone == "":
        dtstart = f"DTSTART;VALUE=DATE:{start:%Y%m%d}"
    else:
        dtstart = f"DTSTART{zone}:{stamp(start)}"
    lines = [
        "BEGIN:VEVENT",
        f"UID:fuzz-{n}@example.org",
        "DTSTAMP:20270101T000000Z",
        dtstart,
        draw(st.sampled_from(["DURATION:PT1H", "DURATION:P1D", "DURATION:PT0S", "DURATION:P2W"])),
        "RRULE:" + ";".join(f"{k}={v}" for k, v in parts.items()),
    ]
    if draw(st.booleans()):
        lines.append(f"EXDATE:{stamp(draw(MOMENTS))}Z")
    if draw(st.booleans()):
        lines.append(f"RDATE:{stamp(draw(MOMENTS))}Z,{stamp(draw(MOMENTS))}Z")
    if draw(st.booleans()):
        lines.append("DESCRIPTION:" + "Meeting notes é ü ✓ " * draw(st.integers(0, 400)))
    lines.append("END:VEVENT")
    return "\r\n".join(lines)


@st.composite
def calendars(draw) -> bytes:
    count = draw(st.integers(1, 6))
    body = "\r\n".join(draw(events(n)) for n in range(count))
    # Sizes: repeat the events (new UIDs) up to a few hundred kilobytes.
    copies = draw(st.sampled_from([1, 1, 1, 20, 200]))
    if copies > 1:
        body = "\r\n".join(body.replace("fuzz-", f"copy{c}-") for c in range(copies))
    text = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Fuzz//EN\r\n{body}\r\nEND:VCALENDAR\r\n"
    if draw(st.booleans()):
        text = text.replace("\r\n", "\n")
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):  # damage: a few random bytes somewhere
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=16)) + data[at:]
    return data


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=calendars())
def test_every_read_finishes_within_its_limit_with_spans_or_the_documented_error(data):
    note(f"{len(data)} bytes: {data[:600]!r}")
    started = time.monotonic()
    try:
        spans = busy_spans_isolated(
            data,
            start=START,
            end=END,
            zone=LONDON,
            skip_uid_suffix="@testserver",
            seconds=LIMIT_SECONDS,
            memory_mb=256,
            max_occurrences=50_000,
        )
    except CalendarUnreadable as error:
        note(f"refused: {error}")
        # A reason for the practitioner, never the reader falling over.
        assert "the reader stopped" not in str(error)
        assert str(error).endswith(".")
    else:
        assert all(START <= s < e <= END for s, e in spans)
        assert spans == sorted(spans)
    assert time.monotonic() - started < LIMIT_SECONDS + GRACE_SECONDS
