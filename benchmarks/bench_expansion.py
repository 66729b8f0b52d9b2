"""Availability expansion benchmark: our per-local-date expansion of working patterns
against django-scheduler's own occurrence expansion, on the same stored rows.

200 weekly weekday patterns (40 practitioners, morning and afternoon on several days),
expanded over 90 days that include the spring clock change. Prints the time of each,
the ratio (target: ours at least 20x faster) and how many occurrences keep their local
wall-clock time across the change. Uses a throwaway SQLite database.

    .venv/bin/python benchmarks/bench_expansion.py [--smoke]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def setup_django() -> None:
    folder = tempfile.mkdtemp(prefix="bench-expansion-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="small and quick, for CI")
    args = parser.parse_args()
    setup_django()

    from schedule.models import Event

    from agencies.availability import pattern_from_event
    from agencies.models import Agency
    from agencies.services import practitioner_create, working_pattern_create
    from screening.scheduling.expand import WeeklyPattern, expand_weekly, to_minutes

    zone = ZoneInfo("Europe/London")
    practitioners, days = (8, 30) if args.smoke else (40, 90)
    agencies = list(Agency.objects.all())
    day_sets = [[0, 1, 2], [3, 4], [0, 2, 4], [1, 3]]
    for n in range(practitioners):
        person = practitioner_create(
            agency=agencies[n % 4], name=f"Bench {n}", email=f"bench{n}@example.org"
        )
        for k in range(5):  # five patterns each: 200 for 40 practitioners
            start = dt.time(8 + k * 2, 0)
            working_pattern_create(
                practitioner=person,
                weekdays=day_sets[(n + k) % 4],
                start_time=start,
                end_time=dt.time(9 + k * 2, 30),
                valid_from=dt.date(2027, 1, 4),
            )
    window_start = dt.datetime(2027, 3, 1, tzinfo=zone)
    window_end = window_start + dt.timedelta(days=days)
    events = list(Event.objects.filter(rule__isnull=False).select_related("rule"))
    expected_walls = {e.id: pattern_from_event(e).start_time for e in events}

    def ours() -> dict[int, list[tuple[int, int]]]:
        # As calendar_times (screening/booking/availability.py) does: one expansion per
        # practitioner's calendar, all its patterns.
        rows = Event.objects.filter(rule__isnull=False).select_related("rule")
        by_calendar: dict[int, list[WeeklyPattern]] = {}
        for event in rows:
            p = pattern_from_event(event)
            by_calendar.setdefault(event.calendar_id, []).append(
                WeeklyPattern(
                    weekdays=frozenset(p.weekdays),
                    start=p.start_time,
                    end=p.end_time,
                    valid_from=p.valid_from,
                    valid_until=p.valid_until,
                    key=str(event.id),
                )
            )
        return {
            calendar: expand_weekly(
                patterns=patterns,
                window_start=to_minutes(window_start),
                window_end=to_minutes(window_end),
                zone=zone,
            )
            for calendar, patterns in by_calendar.items()
        }

    def theirs() -> dict[int, list]:
        rows = Event.objects.filter(rule__isnull=False).select_related("rule")
        return {e.id: e.get_occurrences(window_start, window_end) for e in rows}

    def median_ms(fn, repeat: int) -> tuple[float, object]:
        runs, result = [], None
        for _ in range(repeat):
            t0 = time.perf_counter()
            result = fn()
            runs.append((time.perf_counter() - t0) * 1000)
        return statistics.median(runs), result

    ours_ms, ours_result = median_ms(ours, 5)
    theirs_ms, theirs_result = median_ms(theirs, 1 if not args.smoke else 2)
    ours_count = sum(len(v) for v in ours_result.values())
    theirs_count = sum(len(v) for v in theirs_result.values())
    from screening.scheduling.expand import from_minutes

    walls = set(expected_walls.values())
    ours_shifted = sum(
        from_minutes(s).astimezone(zone).time() not in walls
        for spans in ours_result.values()
        for s, _ in spans
    )
    theirs_shifted = sum(
        o.start.astimezone(zone).time() != expected_walls[eid]
        for eid, occurrences in theirs_result.items()
        for o in occurrences
    )
    print(
        f"rows: {len(events)} weekly patterns over {days} days "
        f"(spring clock change on 28 March 2027)"
    )
    print(
        f"ours:             {ours_ms:9.1f} ms for {ours_count} occurrences, "
        f"{ours_shifted} off their local time"
    )
    print(
        f"django-scheduler: {theirs_ms:9.1f} ms for {theirs_count} occurrences, "
        f"{theirs_shifted} off their local time"
    )
    print(f"speed-up: {theirs_ms / ours_ms:.1f}x  (target at least 20x)")


if __name__ == "__main__":
    main()
