"""One-visit search benchmark (DESIGN.md budgets).

A deterministic synthetic YOT: 40 practitioners across the four agencies, 3 rooms open
Monday to Friday 08:00-18:00, 90 days, about 9,000 booked sessions (held with 10-minute
buffers, at most 6 a day each). Times `search` for 10 options in fixed and in any order,
against `scan_search`, the plain baseline that tries each 5-minute start in turn and checks
it by depth-first search, measured in the same run. Prints figures; never fails on a time.

    .venv/bin/python benchmarks/bench_search.py [--smoke]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screening.scheduling.availability import practitioner_free, room_free
from screening.scheduling.expand import WeeklyPattern, expand_weekly, to_minutes
from screening.scheduling.search import (
    Candidate,
    RoomSlot,
    SearchRequest,
    SessionSpec,
    scan_search,
    search,
)

LONDON = ZoneInfo("Europe/London")
AGENCIES = [("speech_language", 30), ("health", 45), ("education", 30), ("social_care", 30)]
WEEKDAYS = frozenset(range(5))


def build(
    *, practitioners: int, days: int, bookings: int, seed: int = 7
) -> tuple[SearchRequest, int]:
    rng = random.Random(seed)
    start_day = dt.date(2027, 3, 1)
    window = (
        to_minutes(dt.datetime.combine(start_day, dt.time(0), tzinfo=LONDON)),
        to_minutes(
            dt.datetime.combine(start_day + dt.timedelta(days=days), dt.time(0), tzinfo=LONDON)
        ),
    )
    morning = WeeklyPattern(weekdays=WEEKDAYS, start=dt.time(9), end=dt.time(12, 30))
    afternoon = WeeklyPattern(weekdays=WEEKDAYS, start=dt.time(13, 15), end=dt.time(17))
    working = expand_weekly(
        patterns=[morning, afternoon], window_start=window[0], window_end=window[1], zone=LONDON
    )
    # Book sessions into random working spans, never overlapping, at most 6 a day.
    held: dict[int, list[tuple[int, int]]] = {p: [] for p in range(practitioners)}
    per_day: dict[int, dict[dt.date, int]] = {p: {} for p in range(practitioners)}
    placed = attempts = 0
    while placed < bookings and attempts < bookings * 20:
        attempts += 1
        p = rng.randrange(practitioners)
        a, b = working[rng.randrange(len(working))]
        duration = AGENCIES[p % 4][1]
        start = a + 5 * rng.randrange(max(1, (b - a - duration) // 5))
        day = dt.datetime.fromtimestamp(start * 60, LONDON).date()
        span = (start, start + duration + 10)
        if per_day[p].get(day, 0) >= 6 or any(s < span[1] and span[0] < e for s, e in held[p]):
            continue
        held[p].append(span)
        per_day[p][day] = per_day[p].get(day, 0) + 1
        placed += 1
    candidates = tuple(
        Candidate(
            id=p,
            agency=AGENCIES[p % 4][0],
            free=tuple(
                practitioner_free(
                    working=working,
                    held=sorted(held[p]),
                    new_buffer=10,
                    sessions_per_day=per_day[p],
                    cap=6,
                    zone=LONDON,
                )
            ),
            week_load=per_day[p].get(start_day, 0),
        )
        for p in range(practitioners)
    )
    opening = expand_weekly(
        patterns=[WeeklyPattern(weekdays=WEEKDAYS, start=dt.time(8), end=dt.time(18))],
        window_start=window[0],
        window_end=window[1],
        zone=LONDON,
    )
    rooms = []
    for r in range(3):
        visits = []
        for a, _ in opening:
            # Three visits a day already booked in each room, at staggered times.
            for k in range(3):
                s = a + 60 * (1 + 3 * k) + 15 * r
                visits.append((s, s + 150))
        rooms.append(RoomSlot(id=100 + r, free=tuple(room_free(opening=opening, visits=visits))))
    return SearchRequest(
        sessions=tuple(SessionSpec(c, d) for c, d in AGENCIES),
        candidates=candidates,
        rooms=tuple(rooms),
        earliest=window[0],
        count=10,
    ), placed


def timed(fn, request, repeat: int) -> tuple[float, list]:
    runs, result = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn(request)
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="small and quick, for CI")
    args = parser.parse_args()
    size = (
        dict(practitioners=12, days=20, bookings=600)
        if args.smoke
        else dict(practitioners=40, days=90, bookings=9000)
    )
    repeat = 3 if args.smoke else 15
    request, placed = build(**size)
    print(
        f"calendar: {size['practitioners']} practitioners, 3 rooms, {size['days']} days, "
        f"{placed} bookings"
    )
    fixed_ms, fixed = timed(search, request, repeat)
    any_request = SearchRequest(**{**request.__dict__, "order": "any"})
    any_ms, _ = timed(search, any_request, repeat)
    scan_ms, scanned = timed(scan_search, request, 1 if not args.smoke else 2)
    same = {(o.start, o.room) for o in fixed} == {(o.start, o.room) for o in scanned}
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"search, fixed order, 10 options: {fixed_ms:8.2f} ms  (budget 15 ms)")
    print(f"search, any order,   10 options: {any_ms:8.2f} ms  (budget 60 ms)")
    print(f"plain 5-minute scan (baseline):  {scan_ms:8.2f} ms")
    print(f"speed-up over the scan: {scan_ms / fixed_ms:8.1f}x  (target at least 50x)")
    print(f"same (start, room) options as the scan: {same}")
    print(f"peak resident memory: {peak_mb:.0f} MB  (budget 150 MB)")


if __name__ == "__main__":
    main()
