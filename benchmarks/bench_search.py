"""One-visit search benchmark (DESIGN.md budgets).

1. The engine on a deterministic synthetic calendar: 40 practitioners across the four
   agencies, 3 rooms open Monday to Friday 08:00-18:00, 90 days, about 9,000 booked sessions
   (held with 10-minute buffers, at most 6 a day each). The rooms are fully booked for the
   first fifth of the days and then have one to three visits a day, so options exist (the
   benchmark stops if it gets fewer than 10, and prints the first). Times `search` for 10
   options in fixed and in any order, against the baseline `bisect_scan` (below: each
   5-minute start in turn, rooms and practitioners found by `bisect` on sorted free
   intervals, the best simple alternative) and, for reference, the engine's linear
   `scan_search`; all three must give the same earliest start. Then the engine alone at 160
   practitioners and at 365 days (full run only). And with interpreters: 10 in the pool,
   30% of cases needing one (`interpreters_case`), against the plain search and the scan.
2. The product path: `visit_options` (screening/booking/options.py) with its database reads,
   for a waiting case of the 10,000-case synthetic YOT (benchmarks/synthetic_yot.py; smoke:
   300 cases), in fixed order, in any order and spread as the booking page asks; on SQLite,
   or on PostgreSQL when run through scripts/with-postgres. Creates and drops its own test
   database.

Prints min / median / max of several runs; never fails on a time.

    .venv/bin/python benchmarks/bench_search.py [--smoke] [--cases N] [--no-product] [--no-engine]
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import random
import resource
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screening.scheduling.availability import interpreter_free, practitioner_free, room_free
from screening.scheduling.expand import WeeklyPattern, expand_weekly, from_minutes, to_minutes
from screening.scheduling.intervals import Interval, ceil_to, normalise
from screening.scheduling.search import (
    ANY,
    FIXED,
    Candidate,
    InterpreterSlot,
    Option,
    PlannedSession,
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
    # The rooms are fully booked for the first fifth of the days (four visits a day, 08:00
    # to 18:00); after that each has one to three visits a day at seeded times on the half
    # hour, so some days leave a room free long enough for a visit and others do not.
    room_rng = random.Random(seed + 1)
    full_until = window[0] + days * 24 * 60 // 5
    rooms = []
    for r in range(3):
        visits = []
        for a, b in opening:
            if a < full_until:
                visits += [(s, s + 150) for s in range(a, b - 149, 150)]
                continue
            for _ in range(room_rng.choice((1, 2, 2, 3))):
                s = a + 30 * room_rng.randrange((b - a - 150) // 30 + 1)
                visits.append((s, s + 150))
        rooms.append(RoomSlot(id=100 + r, free=tuple(room_free(opening=opening, visits=visits))))
    return SearchRequest(
        sessions=tuple(SessionSpec(c, d) for c, d in AGENCIES),
        candidates=candidates,
        rooms=tuple(rooms),
        earliest=window[0],
        count=10,
    ), placed


def bisect_scan(request: SearchRequest) -> list[Option]:
    """The best simple alternative to the engine, the benchmark's baseline: try each
    5-minute start in turn, each room in id order; find the room's free stretch holding the
    start by `bisect` on its sorted free intervals, then place the sessions depth-first over
    the allowed gaps, each with the first practitioner of its agency (by id) whose free
    interval holding the session's start (found by `bisect`) also holds its end. Fixed order;
    the young person's unavailable times ignored (the benchmark gives none)."""

    def index(free) -> tuple[list[int], list[Interval]]:
        spans = normalise(free)
        return [a for a, _ in spans], spans

    def covers(indexed, lo: int, hi: int) -> bool:
        starts, spans = indexed
        k = bisect.bisect_right(starts, lo) - 1
        return k >= 0 and hi <= spans[k][1]

    rooms = [(r.id, index(r.free)) for r in sorted(request.rooms, key=lambda r: r.id)]
    people = {
        s.agency: [
            (c.id, index(c.free))
            for c in sorted(request.candidates, key=lambda c: c.id)
            if c.agency == s.agency
        ]
        for s in request.sessions
    }

    def place(k: int, start: int, limit: int) -> tuple[PlannedSession, ...] | None:
        spec = request.sessions[k]
        end = start + spec.duration
        if end > limit:
            return None
        who = next((pid for pid, free in people[spec.agency] if covers(free, start, end)), None)
        if who is None:
            return None
        planned = PlannedSession(spec.agency, who, start, end)
        if k == len(request.sessions) - 1:
            return (planned,)
        first = ceil_to(end + request.min_gap, request.grid)
        for nxt in range(first, end + request.max_gap + 1, request.grid):
            tail = place(k + 1, nxt, limit)
            if tail is not None:
                return (planned, *tail)
        return None

    horizon = max((spans[-1][1] for _, (_, spans) in rooms if spans), default=request.earliest)
    end_limit = request.latest_end if request.latest_end is not None else horizon
    found: list[Option] = []
    start = ceil_to(request.earliest, request.grid)
    while start < end_limit and len(found) < request.count:
        for room, (starts, spans) in rooms:
            k = bisect.bisect_right(starts, start) - 1
            if k < 0 or start >= spans[k][1]:
                continue
            plan = place(0, start, min(spans[k][1], end_limit))
            if plan is not None:
                found.append(Option(start=start, end=plan[-1].end, room=room, sessions=plan))
        start += request.grid
    return found[: request.count]


def timed(fn, request, repeat: int) -> tuple[list[float], list]:
    runs, result = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn(request)
        runs.append((time.perf_counter() - t0) * 1000)
    return runs, result


def spread(runs: list[float]) -> str:
    return (
        f"{min(runs):8.2f} / {statistics.median(runs):8.2f} / {max(runs):8.2f} ms "
        f"(min / median / max of {len(runs)})"
    )


def local(minute: int) -> str:
    return f"{from_minutes(minute).astimezone(LONDON):%a %-d %b %Y %H:%M}"


def check_found(what: str, options: list[Option], count: int) -> None:
    """A benchmark that finds nothing times an empty loop: refuse to quote it."""
    if len(options) != count:
        raise SystemExit(f"{what}: {len(options)} options, not {count}; nothing to time")


def engine(*, practitioners: int, days: int, bookings: int, repeat: int, label: str) -> None:
    request, placed = build(practitioners=practitioners, days=days, bookings=bookings)
    any_request = replace(request, order=ANY)
    print(
        f"\n{label}: {practitioners} practitioners, 3 rooms, {days} days, {placed} bookings, "
        f"free room stretches up to {max(b - a for r in request.rooms for a, b in r.free)} "
        "minutes (a visit needs 150)"
    )
    fixed_runs, fixed = timed(search, request, repeat)
    any_runs, anywhere = timed(search, any_request, repeat)
    check_found("search, fixed order", fixed, request.count)
    check_found("search, any order", anywhere, request.count)
    print(f"  search, fixed order, 10 options: {spread(fixed_runs)}  (budget 15 ms)")
    print(f"  search, any order,   10 options: {spread(any_runs)}  (budget 60 ms)")
    print(f"    first option, fixed order: {local(fixed[0].start)} in room {fixed[0].room}")
    print(f"    first option, any order:   {local(anywhere[0].start)} in room {anywhere[0].room}")
    return request, fixed, fixed_runs


def baselines(request: SearchRequest, fixed: list[Option], fixed_runs: list[float], repeat: int):
    bisect_runs, bisected = timed(bisect_scan, request, repeat)
    scan_runs, scanned = timed(scan_search, request, max(1, repeat // 5))
    check_found("bisect scan", bisected, request.count)
    check_found("linear scan", scanned, request.count)
    engine_pairs = {(o.start, o.room) for o in fixed}
    for name, found in (("bisect scan", bisected), ("linear scan", scanned)):
        # A scan takes the rooms in id order at each start, the engine the one where the
        # visit is shortest first: the same earliest start, and each finds the other's room.
        pairs = {(o.start, o.room) for o in found}
        if not (
            found[0].start == fixed[0].start
            and (found[0].start, found[0].room) in engine_pairs
            and (fixed[0].start, fixed[0].room) in pairs
        ):
            raise SystemExit(f"{name} found another earliest option: {found[0]} vs {fixed[0]}")
    engine_ms = statistics.median(fixed_runs)
    bisect_ms, scan_ms = statistics.median(bisect_runs), statistics.median(scan_runs)
    print(f"  bisect 5-minute scan (baseline): {spread(bisect_runs)}")
    print(f"  linear 5-minute scan (reference): {spread(scan_runs)}")
    print(
        f"  engine vs the bisect scan: {bisect_ms / engine_ms:6.1f}x faster; vs the linear "
        f"scan: {scan_ms / engine_ms:6.1f}x (medians)"
    )
    print(f"  same earliest start from all three: {local(fixed[0].start)}")


def community(request: SearchRequest, repeat: int) -> SearchRequest:
    """The same calendars with 3 community venues as well (travel 20, 30 and 40 minutes
    each way), searched at once with the 3 office rooms; the ratio is to the plain bisect
    scan of the office rooms alone (the scan knows no travel)."""
    extra = tuple(
        replace(r, id=r.id + 100, travel=trip)
        for r, trip in zip(request.rooms, (20, 30, 40), strict=False)
    )
    venues = replace(request, rooms=request.rooms + extra)
    runs, found = timed(search, venues, repeat)
    check_found("search, 3 community venues", found, request.count)
    by_id = {c.id: c for c in venues.candidates}
    travel = {r.id: r.travel for r in venues.rooms}
    for option in found:  # each practitioner free for their travel there and back
        trip = travel[option.room]
        for p in option.sessions:
            if not any(
                a <= p.start - trip and p.end + trip <= b for a, b in by_id[p.practitioner].free
            ):
                raise SystemExit(f"an option without its travel: {option}")
    scan_runs, _ = timed(bisect_scan, request, repeat)
    engine_ms, scan_ms = statistics.median(runs), statistics.median(scan_runs)
    print("\ncommunity venues: the office's 3 rooms and 3 community venues (travel 20-40 min)")
    print(f"  search, fixed order, 10 options: {spread(runs)}  (budget 15 ms)")
    print(f"    first option: {local(found[0].start)} in room {found[0].room}")
    print(f"  engine vs the plain bisect scan: {scan_ms / engine_ms:6.1f}x faster (medians)")
    return venues


# --- interpreters: a pooled resource held for the visit's whole span ---------------------

INTERPRETERS = 10
NEEDING = 0.3  # the share of cases whose young person needs an interpreter


def with_interpreters(request: SearchRequest, *, seed: int = 11) -> SearchRequest:
    """The request for a young person who needs an interpreter: a pool of INTERPRETERS
    who all speak the language, each working three to five weekdays 09:00-17:00, with
    a week's leave now and then and other visits (2 hours 30 minutes) on most working
    days, so the search must pass over stretches where no interpreter is free."""
    rng = random.Random(seed)
    lo = request.earliest
    hi = max(b for r in request.rooms for _, b in r.free)
    pool = []
    for n in range(INTERPRETERS):
        weekdays = frozenset(rng.sample(range(5), rng.randint(3, 5)))
        pattern = WeeklyPattern(weekdays=weekdays, start=dt.time(9), end=dt.time(17))
        working = expand_weekly(patterns=[pattern], window_start=lo, window_end=hi, zone=LONDON)
        visits = []
        for a, b in working:
            for _ in range(rng.choice((0, 1, 1, 2))):
                s = a + 30 * rng.randrange((b - a - 150) // 30 + 1)
                visits.append((s, s + 150))
        leave = []
        if rng.random() < 0.5:
            week = lo + 7 * 24 * 60 * rng.randrange(max(1, (hi - lo) // (7 * 24 * 60)))
            leave.append((week, week + 5 * 24 * 60))
        free = interpreter_free(working=working, leave=leave, visits=visits)
        pool.append(InterpreterSlot(id=500 + n, free=tuple(free)))
    return replace(request, interpreters=tuple(pool))


def interpreters_case(
    request: SearchRequest, fixed_runs: list[float], repeat: int, label: str = ""
) -> None:
    """10 interpreters, 30% of cases needing one (issue 17): the search for a case that
    needs one, and a mix of ten cases (three needing one) as a day's bookings would ask,
    each against the plain search on the same calendar and the bisect scan (baseline)."""
    needing = with_interpreters(request)
    runs, found = timed(search, needing, repeat)
    check_found("search with interpreters, fixed order", found, request.count)
    cases = [needing if k < round(10 * NEEDING) else request for k in range(10)]
    mixed_runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for asked in cases:
            search(asked)
        mixed_runs.append((time.perf_counter() - t0) * 1000 / len(cases))
    bisect_runs, _ = timed(bisect_scan, request, repeat)
    plain_ms, bisect_ms = statistics.median(fixed_runs), statistics.median(bisect_runs)
    needing_ms, mixed_ms = statistics.median(runs), statistics.median(mixed_runs)
    print(
        f"\ninterpreters{label}: {INTERPRETERS} interpreters (one language), "
        f"{NEEDING:.0%} of cases needing one"
    )
    print(f"  search, fixed order, 10 options, needing one: {spread(runs)}  (budget 15 ms)")
    print(f"  per case of a mix of ten (three needing one): {spread(mixed_runs)}")
    print(
        f"  needing one vs the plain search: {needing_ms / plain_ms:5.2f}x the time; the mix: "
        f"{mixed_ms / plain_ms:5.2f}x; the bisect scan (plain) takes "
        f"{bisect_ms / needing_ms:5.1f}x the time of a search needing one (medians)"
    )
    print(
        f"    first option needing one: {local(found[0].start)} in room {found[0].room} "
        f"with interpreter {found[0].interpreter}"
    )


# --- the product path: visit_options with its database reads ------------------------------


def product(*, cases: int, repeat: int) -> None:
    """`visit_options` for a waiting case of the synthetic YOT (benchmarks/synthetic_yot.py):
    its reads (practitioners, working patterns, sessions, visits, rooms, opening hours,
    closures, imported busy times) and the engine, as the API and the booking page call it."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SMS_BACKEND", "fake")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    import django

    django.setup()
    import logging

    logging.disable(logging.INFO)
    from django.db import connection
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with override_settings(DEBUG=False):
            _product_runs(cases=cases, repeat=repeat)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _product_runs(*, cases: int, repeat: int) -> None:
    import synthetic_yot as yot  # beside this file
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from screening.booking.options import visit_options
    from screening.models import Case, Session

    t0 = time.perf_counter()
    staff = yot.make_staff()
    plan = yot.plan_yot(cases=cases, staff=staff)
    yot.write_cases(plan, plan.cases)
    # The waiting case whose visit is due last: the one most likely to have options before
    # its deadline (the synthetic YOT's rooms are fully booked for its first weeks).
    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    waiting = [ids[p.index] for p in plan.cases if p.stage == "waiting" and not p.quiet]
    case = Case.objects.filter(pk__in=waiting).order_by("-visit_due_by", "pk").first()
    print(
        f"\nproduct path: visit_options on {connection.vendor}, synthetic YOT of "
        f"{Case.objects.count()} cases, {Session.objects.count()} sessions, "
        f"{sum(len(v) for v in staff.practitioners.values()) + 1} practitioners, "
        f"{len(staff.rooms)} rooms (written in {time.perf_counter() - t0:.1f} s); a waiting "
        f"case, its visit due by {case.visit_due_by:%a %-d %b %Y}"
    )
    asks = [
        ("fixed order", dict(order=FIXED), 30),
        ("any order", dict(order=ANY), 60),
        ("fixed order, spread (the page)", dict(order=FIXED, spread=True), None),
    ]
    for name, extra, budget in asks:
        runs, cpu = [], []
        for _ in range(repeat):
            t, c = time.perf_counter(), time.process_time()
            found = visit_options(case=case, count=10, **extra)
            runs.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        with CaptureQueriesContext(connection) as queries:  # once more, to count them
            visit_options(case=case, count=10, **extra)
        offered = found.options + found.after_deadline
        if len(found.options) < 10:
            offered = found.options + found.after_deadline[: 10 - len(found.options)]
        check_found(f"visit_options, {name}", offered, 10)
        note = f"  (budget {budget} ms)" if budget else ""
        print(f"  10 options, {name}: {spread(runs)}{note}")
        print(
            f"    CPU time of this process (the database's own work on PostgreSQL not in it): "
            f"{spread(cpu)}; {len(queries)} queries"
        )
        print(
            f"    {len(found.options)} before the deadline, then {len(found.after_deadline)} "
            f"after it; first {local(offered[0].start)} in room {offered[0].room}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="small and quick, for CI")
    parser.add_argument("--cases", type=int, help="cases in the synthetic YOT (product path)")
    parser.add_argument("--no-product", action="store_true", help="the engine only")
    parser.add_argument("--no-engine", action="store_true", help="the product path only")
    args = parser.parse_args()
    repeat = 3 if args.smoke else 15
    if args.smoke:
        sizes = [("engine", dict(practitioners=12, days=20, bookings=600))]
    else:
        sizes = [
            ("engine", dict(practitioners=40, days=90, bookings=9000)),
            ("engine, 160 practitioners", dict(practitioners=160, days=90, bookings=36000)),
            ("engine, 365 days", dict(practitioners=40, days=365, bookings=36000)),
        ]
    for k, (label, size) in enumerate([] if args.no_engine else sizes):
        request, fixed, fixed_runs = engine(**size, repeat=repeat, label=label)
        if k == 0:
            baselines(request, fixed, fixed_runs, repeat)
            venues = community(request, repeat)
            interpreters_case(request, fixed_runs, repeat)
            # The whole case: interpreters and the 3 community venues together.
            interpreters_case(venues, fixed_runs, repeat, label=" and 3 community venues")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory of the engine runs: {peak_mb:.0f} MB  (budget 150 MB)")
    if not args.no_product:
        product(cases=args.cases or (300 if args.smoke else 10_000), repeat=3 if args.smoke else 9)


if __name__ == "__main__":
    main()
