"""Free time of practitioners and rooms, from working time minus everything that blocks it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo

from screening.scheduling.expand import days_to_blocks
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


def room_free(
    *, opening: list[Interval], visits: Iterable[Interval] = (), closures: Iterable[Interval] = ()
) -> list[Interval]:
    """Opening hours minus other visits' whole spans and closures (rooms have no buffer)."""
    return subtract(normalise(opening), normalise(list(visits) + list(closures)))
