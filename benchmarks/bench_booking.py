"""Booking under contention: concurrent clients booking visits through the booking
service (availability re-check, database guards), on whatever DATABASE_URL names
(PostgreSQL in CI: `scripts/with-postgres .venv/bin/python benchmarks/bench_booking.py`).

Every client books one-session visits into a shared pool of practitioners and rooms, so
some requests collide and must lose with SlotTaken. Prints visits/s with 1 and with 8
clients, the ratio, and the number of double bookings found afterwards (must be 0).
Creates and drops its own test database.

    .venv/bin/python benchmarks/bench_booking.py [--smoke]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")
# Threads need SQLite to wait for its lock: a file, not shared-cache memory.
os.environ.setdefault("SQLITE_TEST_NAME", "/tmp/yot-bench-booking.sqlite3")

LONDON = ZoneInfo("Europe/London")
DAY = dt.date(2030, 3, 4)  # a Monday far enough ahead for any minimum notice


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="small and quick, for CI")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection, connections
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.smoke, connections)
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(smoke: bool, connections) -> None:
    from agencies.models import Agency
    from agencies.services import practitioner_create, working_pattern_create
    from screening.errors import SlotTaken
    from screening.models import Session, Visit, YoungPerson
    from screening.services.cases import case_create
    from screening.services.venues import room_create, venue_create
    from screening.services.visits import SessionRequest, visit_book

    health = Agency.objects.get(code="health")
    people = []
    for n in range(8):
        p = practitioner_create(
            agency=health, name=f"Bench {n}", email=f"b{n}@example.org", daily_session_cap=20
        )
        working_pattern_create(
            practitioner=p,
            weekdays=[0, 1, 2, 3, 4],
            start_time=dt.time(8),
            end_time=dt.time(18),
            valid_from=dt.date(2030, 1, 1),
        )
        people.append(p)
    venue = venue_create(name="Bench venue", address="1 Road")
    rooms = [room_create(venue=venue, name=f"Room {n}") for n in range(8)]
    person = YoungPerson.objects.create(
        given_name="Bench", family_name="Person", date_of_birth=dt.date(2014, 1, 1)
    )
    per_client = 10 if smoke else 40

    def slots(client: int, clients: int, day_offset: int):
        # Each client books its own practitioner and room hour by hour; every fifth request
        # asks for the next client's practitioner at the same hour, so those pairs race.
        for k in range(per_client):
            day = DAY + dt.timedelta(days=7 * day_offset + k // 9)
            start = dt.datetime.combine(day, dt.time(8 + k % 9), tzinfo=LONDON)
            other = (client + 1) % clients if k % 5 == 4 else client
            yield people[other], rooms[client], start

    def round_of(clients: int, day_offset: int) -> tuple[float, int, int]:
        booked = taken = 0
        lock = threading.Lock()
        failures: list[str] = []
        barrier = threading.Barrier(clients)

        def client(number: int) -> None:
            nonlocal booked, taken
            barrier.wait()
            try:
                for practitioner, room, start in slots(number, clients, day_offset):
                    case = case_create(
                        young_person=person, order_type="other", order_start_date=start.date()
                    )
                    try:
                        visit_book(
                            case=case,
                            room=room,
                            late_reason="benchmark",
                            sessions=[
                                SessionRequest(
                                    agency=health, practitioner=practitioner, start=start
                                )
                            ],
                        )
                        with lock:
                            booked += 1
                    except SlotTaken:
                        with lock:
                            taken += 1
            except Exception as exc:  # reported, so a broken run is never read as fast
                with lock:
                    failures.append(repr(exc))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if failures:
            raise SystemExit(f"booking failed unexpectedly: {failures[:3]}")
        return time.perf_counter() - t0, booked, taken

    one_s, one_booked, _ = round_of(1, 0)
    many_s, many_booked, many_taken = round_of(8, 1)
    clashes = 0
    for s in Session.objects.filter(cancelled=False):
        clashes += (
            Session.objects.filter(
                practitioner=s.practitioner,
                cancelled=False,
                start__lt=s.blocked_until,
                blocked_until__gt=s.start,
            )
            .exclude(pk=s.pk)
            .count()
        )
    for v in Visit.objects.exclude(status="cancelled"):
        clashes += (
            Visit.objects.filter(room=v.room, start__lt=v.end, end__gt=v.start)
            .exclude(status="cancelled")
            .exclude(pk=v.pk)
            .count()
        )
    one_rate = one_booked / one_s
    many_rate = many_booked / many_s
    print(f"database: {connections['default'].vendor}")
    print(f"1 client:  {one_booked} visits in {one_s:.2f} s = {one_rate:.0f} visits/s")
    print(
        f"8 clients: {many_booked} booked, {many_taken} refused as taken, in {many_s:.2f} s "
        f"= {many_rate:.0f} visits/s (target at least 50 visits/s)"
    )
    print(f"ratio 8 clients / 1 client (visits/s): {many_rate / one_rate:.2f}")
    print(f"double bookings found: {clashes} (must be 0)")


if __name__ == "__main__":
    main()
