"""Free time of practitioners and rooms, from working time minus everything that blocks it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo

from screening.scheduling.expand import WeeklyPattern, days_to_blocks, expand_weekly
from screening.scheduling.intervals import Interval, normalise, subtract


def practitioner_free(
    *,
    working: list[Interval],
    leave: Iterable[Interval] = (),
    held: Iterable[Interval] = (),
    new_buffer: int = 0,
    sessions_per_day: Mapping[dt.date, int] | None = None,
    cap: int | None = None,
    zone: ZoneInfo | None = None,
    extra_busy: Iterable[Interval] = (),
) -> list[Interval]:
    """Where a new session [s, e) may go: inside working time, off leave and other busy
    time, and with [s, e + new_buffer) clear of every existing session's held range
    (its start to its end plus its own buffer). Days already at the cap are removed."""
    blocks = list(leave) + list(extra_busy)
    # A new session must end new_buffer minutes before another's start: shift each held
    # range back by the new buffer. Its own buffer may run past the end of the working day.
    blocks += [(start - new_buffer, end) for start, end in held]
    if cap is not None and sessions_per_day:
        if zone is None:
            raise ValueError("a zone is needed to apply a daily cap")
        full = [day for day, count in sessions_per_day.items() if count >= cap]
        blocks += days_to_blocks(days=full, zone=zone)
    return subtract(normalise(working), normalise(blocks))


def venue_open(
    *,
    hours: Iterable[tuple[int, dt.time, dt.time]],
    window_start: int,
    window_end: int,
    zone: ZoneInfo,
) -> list[Interval]:
    """When a venue is open in the window, from its (weekday, opens, closes) rows: rows
    that meet (08:00-12:00, 12:00-18:00) make one open stretch. The search and the booking
    re-check both read opening hours through here."""
    patterns = [WeeklyPattern(weekdays=frozenset({w}), start=o, end=c) for w, o, c in hours]
    return expand_weekly(
        patterns=patterns, window_start=window_start, window_end=window_end, zone=zone
    )


def room_free(
    *, opening: list[Interval], visits: Iterable[Interval] = (), closures: Iterable[Interval] = ()
) -> list[Interval]:
    """Opening hours minus other visits' whole spans and closures (rooms have no buffer)."""
    return subtract(normalise(opening), normalise(list(visits) + list(closures)))


def interpreter_free(
    *, working: list[Interval], leave: Iterable[Interval] = (), visits: Iterable[Interval] = ()
) -> list[Interval]:
    """Where an interpreter may be held for a visit's whole span: working time minus leave
    (and closures) and their other visits' whole spans (no buffer, like rooms). The search
    and the booking re-check both read an interpreter's free time through here."""
    return subtract(normalise(working), normalise(list(leave) + list(visits)))
