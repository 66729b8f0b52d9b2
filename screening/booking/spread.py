"""Options spread across days and times, for the booking page: the engine asked a week at a
time, then a day at a time, and its answers thinned to a few a day some hours apart (moved
out of options.py, which reads the rows and asks)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

from screening.scheduling import expand as ex
from screening.scheduling.intervals import clip, normalise
from screening.scheduling.search import Option, SearchRequest, search

# Spread options (DESIGN.md "Scheduling model" ranks by earliest start; a list of ten
# five-minute steps of one morning offers no real choice): at most this many a local day,
# each starting at least this long after the one before it that day.
SPREAD_PER_DAY = 3
SPREAD_MINUTES = 120


def _within(request: SearchRequest, lo: int, hi: int) -> SearchRequest:
    """The same search for visits inside [lo, hi) only, with everyone's free time cut to it,
    so the engine reads a week or a day rather than the whole horizon (the same options)."""
    if request.latest_end is not None:
        hi = min(hi, request.latest_end)
    # Practitioners' free time is kept for the travel either side of the window too.
    trip = max((r.travel for r in request.rooms), default=0)
    return replace(
        request,
        earliest=lo,
        latest_end=hi,
        count=1,
        candidates=tuple(
            replace(c, free=tuple(clip(list(c.free), lo - trip, hi + trip)))
            for c in request.candidates
        ),
        rooms=tuple(replace(r, free=tuple(clip(list(r.free), lo, hi))) for r in request.rooms),
        interpreters=None
        if request.interpreters is None
        else tuple(
            replace(i, free=tuple(clip(list(i.free), lo, hi))) for i in request.interpreters
        ),
    )


WEEK_MINUTES = 7 * 24 * 60


def _day_of(minute: int, tz: ZoneInfo) -> dt.date:
    return ex.from_minutes(minute).astimezone(tz).date()


def _spread_into(picked: list[Option], request: SearchRequest, tz: ZoneInfo, count: int) -> None:
    """Add the engine's options to `picked`, earliest first, until there are `count`: at most
    SPREAD_PER_DAY starting on a local day, SPREAD_MINUTES apart from every other one that
    day. The engine is asked a week at a time, then a day at a time."""
    # The longest a visit can last: one starting before a boundary ends by it plus this.
    longest = sum(s.duration for s in request.sessions) + request.max_gap * (
        len(request.sessions) - 1
    )
    last = max((e for r in request.rooms for _, e in r.free), default=request.earliest)
    cursor, week, week_end = request.earliest, None, request.earliest
    while len(picked) < count and cursor < last:
        if week is None or cursor >= week_end:
            week_end = cursor + WEEK_MINUTES
            week = _within(request, cursor, week_end + longest)
        first = search(replace(week, earliest=cursor))
        if not first or first[0].start >= week_end:
            cursor, week = week_end, None
            continue
        day = _day_of(first[0].start, tz)
        day_end = ex.local_day_bounds(day=day, zone=tz)[1]
        today = _within(week, first[0].start, day_end + longest)
        at = first[0].start
        while len(picked) < count and at < day_end:
            same_day = [p.start for p in picked if _day_of(p.start, tz) == day]
            if len(same_day) >= SPREAD_PER_DAY:
                break
            found = search(replace(today, earliest=at))
            if not found or found[0].start >= day_end:
                break
            start = found[0].start
            near = [p for p in same_day if abs(p - start) < SPREAD_MINUTES]
            if near:
                at = max(near) + SPREAD_MINUTES
                continue
            picked.append(found[0])
            at = start + SPREAD_MINUTES
        cursor = day_end


def _spread(request: SearchRequest, tz: ZoneInfo) -> list[Option]:
    """The engine's options spread across days and times: those outside the young person's
    unavailable times first, then (unless they are strict) those that clash, each group
    earliest first, as the engine ranks them."""
    outside: list[Option] = []
    _spread_into(outside, replace(request, strict_unavailable=True), tz, request.count)
    if request.strict_unavailable or not request.unavailable or len(outside) >= request.count:
        return outside
    everything = list(outside)
    _spread_into(everything, replace(request, unavailable=()), tz, request.count)
    unavailable = normalise(request.unavailable)
    rest = [
        replace(o, outside_unavailable=not any(s < o.end and o.start < e for s, e in unavailable))
        for o in everything[len(outside) :]
    ]
    return outside + rest
