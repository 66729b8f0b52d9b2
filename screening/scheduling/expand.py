"""Expand weekly local-time patterns into UTC minutes, per local date in a named zone.

A 09:00 pattern is 09:00 on the wall clock on every date, whichever side of a clock
change the date falls: each date's local times are converted on their own, never by
adding a fixed offset to an earlier occurrence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from screening.scheduling.intervals import Interval, normalise

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MIDNIGHT = dt.time(0, 0)


@dataclass(frozen=True, slots=True)
class WeeklyPattern:
    """Local wall-clock hours on some weekdays (0 = Monday), valid between two dates."""

    weekdays: frozenset[int]
    start: dt.time
    end: dt.time
    valid_from: dt.date = dt.date.min
    valid_until: dt.date | None = None
    key: str = ""

    def __post_init__(self) -> None:
        if self.end != MIDNIGHT and self.start >= self.end:
            raise ValueError(
                f"pattern {self.key or ''} ends ({self.end}) before it starts ({self.start})"
            )

    def occurs_on(self, day: dt.date) -> bool:
        return (
            day.weekday() in self.weekdays
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )


@dataclass(frozen=True, slots=True)
class PatternException:
    """One occurrence changed: the pattern does not occur on `original_date`; when not
    cancelled, [start, end) is worked instead."""

    pattern_key: str
    original_date: dt.date
    cancelled: bool
    start: dt.datetime | None = None
    end: dt.datetime | None = None


def to_minutes(moment: dt.datetime) -> int:
    """Whole minutes since the epoch; naive datetimes are refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone: give an aware datetime")
    return int((moment - EPOCH).total_seconds() // 60)


def ceil_minutes(moment: dt.datetime) -> int:
    """The first whole minute at or after `moment`: a bound nothing may come before (the
    minimum notice, the end of a busy time), so a second past the minute moves it on."""
    to_minutes(moment)  # refuses a naive datetime
    return -((EPOCH - moment) // dt.timedelta(minutes=1))


def from_minutes(minutes: int) -> dt.datetime:
    return EPOCH + dt.timedelta(minutes=minutes)


@lru_cache(maxsize=65536)
def local_minute(day: dt.date, time: dt.time, zone: ZoneInfo) -> int:
    """The instant of a local wall time, in minutes. An ambiguous time (autumn) is its
    first occurrence; a time that does not exist (spring gap) moves to the first instant
    after the gap, so nothing is ever placed inside the missing hour."""
    wall = dt.datetime.combine(day, time)
    first = to_minutes(wall.replace(tzinfo=zone, fold=0))
    if from_minutes(first).astimezone(zone).replace(tzinfo=None) == wall:
        return first
    # Inside a gap: fold=1 applies the later offset, landing before the gap; walk forward
    # to the transition (gaps are at most a few hours and happen twice a year).
    minute = to_minutes(wall.replace(tzinfo=zone, fold=1))
    while from_minutes(minute).astimezone(zone).replace(tzinfo=None) < wall:
        minute += 1
    return minute


def local_span(day: dt.date, start: dt.time, end: dt.time, zone: ZoneInfo) -> Interval:
    """[start, end) of one local date; an end of 00:00 means the following midnight."""
    end_day = day + dt.timedelta(days=1) if end == MIDNIGHT else day
    return local_minute(day, start, zone), local_minute(end_day, end, zone)


def local_day_bounds(*, day: dt.date, zone: ZoneInfo) -> Interval:
    """Local midnight to the next local midnight (23 or 25 hours on clock-change days)."""
    return local_span(day, MIDNIGHT, MIDNIGHT, zone)


def local_dates(window_start: int, window_end: int, zone: ZoneInfo) -> list[dt.date]:
    first = from_minutes(window_start).astimezone(zone).date()
    last = from_minutes(max(window_start, window_end - 1)).astimezone(zone).date()
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


@lru_cache(maxsize=1024)
def _occurrences(
    weekdays: frozenset[int],
    start: dt.time,
    end: dt.time,
    valid_from: dt.date,
    valid_until: dt.date | None,
    window_start: int,
    window_end: int,
    zone: ZoneInfo,
) -> tuple[tuple[dt.date, Interval], ...]:
    """A pattern's occurrences in a window, each with its local date. Kept by the pattern's
    hours and dates, not its key: a search reads the same hours of dozens of practitioners
    and rooms over one window, and each is expanded once."""
    pattern = WeeklyPattern(weekdays, start, end, valid_from, valid_until)
    return tuple(
        (day, local_span(day, start, end, zone))
        for day in local_dates(window_start, window_end, zone)
        if pattern.occurs_on(day)
    )


def expand_weekly(
    *,
    patterns: Iterable[WeeklyPattern],
    exceptions: Iterable[PatternException] = (),
    window_start: int,
    window_end: int,
    zone: ZoneInfo,
) -> list[Interval]:
    """Every occurrence of the patterns in the window, in UTC minutes, normalised."""
    changed = {(e.pattern_key, e.original_date): e for e in exceptions}
    spans: list[Interval] = []
    for pattern in patterns:
        occurrences = _occurrences(
            pattern.weekdays,
            pattern.start,
            pattern.end,
            pattern.valid_from,
            pattern.valid_until,
            window_start,
            window_end,
            zone,
        )
        if changed:
            spans += [span for day, span in occurrences if (pattern.key, day) not in changed]
        else:
            spans += [span for _, span in occurrences]
    for change in changed.values():
        if not change.cancelled and change.start is not None and change.end is not None:
            spans.append((to_minutes(change.start), to_minutes(change.end)))
    return [
        (max(s, window_start), min(e, window_end))
        for s, e in normalise(spans)
        if s < window_end and e > window_start
    ]


def days_to_blocks(*, days: Iterable[dt.date], zone: ZoneInfo) -> list[Interval]:
    """Whole local days (closures, days at a practitioner's cap) as busy blocks."""
    return normalise(local_day_bounds(day=day, zone=zone) for day in days)
