"""The capacity planner: a simulated year of the demo YOT on the real services.

Seeds the demo YOT (`demo.seed.build`) into its own test database, then runs
`manage.py simulate`'s worker (a process of its own on an in-memory database holding a copy
of the set-up) for 52 weeks at 10 orders a week, one-visit model. Prints the wall time, the
worker's peak resident memory, the simulated bookings and seconds per booking, and, as the
baseline measured in the same run, the service path alone: `visit_options` + `visit_book`
for fresh cases of the same set-up at the real clock (what bench_booking.py times per
booking, plus the search), and the ratio of the two. Budget (issue 18): under 60 s and
300 MB on 2 CPUs. Prints figures, never fails on time; `--smoke` runs 2 weeks at 3 orders.

    .venv/bin/python benchmarks/bench_simulate.py [--smoke] [--weeks N] [--orders-per-week R]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "benchmark-only-key-" + "0123456789abcdef" * 3)
os.environ.setdefault("SQLITE_TEST_NAME", "/tmp/yot-bench-simulate.sqlite3")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("SMS_BACKEND", "fake")


def small_yot() -> None:
    """For --smoke: one practitioner per agency, weekdays 09:00-17:00, and one room."""
    from agencies.models import Agency
    from agencies.services import practitioner_create, working_pattern_create
    from screening.venues.services import room_create, venue_create

    for agency in Agency.objects.filter(required_by_default=True):
        person = practitioner_create(
            agency=agency, name=f"{agency.name} practitioner", email="p@agency.example.org"
        )
        working_pattern_create(
            practitioner=person,
            weekdays=[0, 1, 2, 3, 4],
            start_time=dt.time(9),
            end_time=dt.time(17),
            valid_from=dt.date(2026, 1, 5),
        )
    room_create(venue=venue_create(name="Smoke hub", address="1 High Street"), name="Room 1")


def service_baseline(n: int) -> float:
    """Seconds per booking through the search and the booking service, real clock."""
    from django.utils import timezone

    from screening.booking.options import visit_options
    from screening.booking.services import SessionRequest, visit_book
    from screening.people.cases import case_create
    from screening.people.young_people import young_person_create
    from screening.scheduling import expand as ex

    today = timezone.localdate()
    cases = [
        case_create(
            young_person=young_person_create(
                given_name="Baseline", family_name=f"Person {i}", date_of_birth=dt.date(2011, 1, 1)
            ),
            order_type="other",
            order_start_date=today,
        )
        for i in range(n)
    ]
    started = time.perf_counter()
    for case in cases:
        found = visit_options(case=case, count=1)
        option = (found.options or found.after_deadline)[0]
        visit_book(
            case=case,
            room=found.rooms[option.room],
            sessions=[
                SessionRequest(
                    agency=found.agencies[s.agency],
                    practitioner=found.practitioners[s.practitioner],
                    start=ex.from_minutes(s.start),
                    end=ex.from_minutes(s.end),
                )
                for s in option.sessions
            ],
            late_reason="" if found.options else "Baseline booking after the deadline",
        )
    return (time.perf_counter() - started) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="small and quick, for CI")
    parser.add_argument("--weeks", type=int)
    parser.add_argument("--orders-per-week", type=float)
    args = parser.parse_args()
    weeks = args.weeks or (2 if args.smoke else 52)
    per_week = args.orders_per_week or (3 if args.smoke else 10)
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from demo import seed
        from screening.planner import runner

        if args.smoke:
            small_yot()
        else:
            seed.build()
        first = runner.next_monday(dt.date.today())
        spec = runner.spec_for(
            params={"weeks": weeks, "first_monday": first.isoformat(), "per_week": per_week,
                    "mix": {"referral_order": 0.5, "youth_rehabilitation_order": 0.3,
                            "other": 0.2}, "seed": 1, "model": "one_visit"},
            changes=[],
            setup=runner.export_for(first),
        )  # fmt: skip
        started = time.perf_counter()
        result = runner.run_isolated(spec)
        wall = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        assert result["bookings"] > 0, "the simulation booked nothing"
        baseline = service_baseline(3 if args.smoke else 20)
        per_booking = result["seconds_per_booking"]
        print(f"simulated {weeks} weeks at {per_week} orders a week: {result['orders']} orders, "
              f"{result['bookings']} bookings; visits on time {result['visit']['percent']}%, "
              f"bottleneck {result['bottleneck']}")  # fmt: skip
        print(f"wall time {wall:.1f} s (budget 60 s at 52 weeks); worker peak {peak_mb:.0f} MB "
              "(budget 300 MB)")  # fmt: skip
        print(f"seconds per simulated booking (search + book): {per_booking:.4f}; service path "
              f"alone, same run: {baseline:.4f}; ratio {per_booking / baseline:.2f}")  # fmt: skip
        whole = wall / result["bookings"]
        print(f"whole run per booking (findings, drafts, sign-offs included): {whole:.3f} s; "
              f"ratio to the service path {whole / baseline:.1f}")  # fmt: skip
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
