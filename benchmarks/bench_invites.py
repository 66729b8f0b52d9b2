"""Calendar invites: what a booking pays for them now, and how fast the outbox empties.

1. Per four-agency visit change, the time the booking transaction spends on invites:
   planning the outbox rows (`invites_plan_for_change`: one INSERT, no reads) against
   the baseline of building the same four messages there (reading the sessions and
   building each iCalendar with its VTIMEZONE, as bookings did before the outbox).
   Medians, and the ratio, measured in the same run.
2. The sender: every planned invite emailed by 4 worker threads (Django's in-memory
   email backend), with the time taken, none sent twice and none left behind.

On whatever DATABASE_URL names (SQLite by default; PostgreSQL:
`scripts/with-postgres .venv/bin/python benchmarks/bench_invites.py`). Creates and drops
its own test database.

    .venv/bin/python benchmarks/bench_invites.py [--smoke]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")
# Threads need SQLite to wait for its lock: a file, not shared-cache memory.
os.environ.setdefault("SQLITE_TEST_NAME", "/tmp/yot-bench-invites.sqlite3")

LONDON = ZoneInfo("Europe/London")
DAY = dt.date(2030, 3, 4)  # a Monday far enough ahead for any minimum notice
CODES = ["speech_language", "health", "education", "social_care"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="small and quick, for CI")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection, connections
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the in-memory email backend
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.smoke, connections)
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)


def book_visits(count: int) -> list:
    from agencies.models import Agency
    from agencies.services import practitioner_create, working_pattern_create
    from screening.booking.services import SessionRequest, visit_book
    from screening.models import YoungPerson
    from screening.people.cases import case_create
    from screening.venues.services import room_create, venue_create

    agencies = [Agency.objects.get(code=code) for code in CODES]
    people = {}
    for agency in agencies:
        people[agency.code] = practitioner_create(
            agency=agency, name=f"Bench {agency.code}", email=f"{agency.code}@example.org"
        )
        working_pattern_create(
            practitioner=people[agency.code],
            weekdays=[0, 1, 2, 3, 4],
            start_time=dt.time(8),
            end_time=dt.time(18),
            valid_from=dt.date(2030, 1, 1),
        )
    room = room_create(venue=venue_create(name="Bench venue", address="1 Road"), name="Room 1")
    person = YoungPerson.objects.create(
        given_name="Bench", family_name="Person", date_of_birth=dt.date(2014, 1, 1)
    )
    visits, day = [], DAY
    while len(visits) < count:
        for hour in (8, 11, 14):
            if len(visits) == count:
                break
            t = dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)
            sessions = []
            for agency in agencies:
                sessions.append(
                    SessionRequest(agency=agency, practitioner=people[agency.code], start=t)
                )
                t += dt.timedelta(minutes=agency.default_duration_minutes + 5)
            case = case_create(young_person=person, order_type="other", order_start_date=day)
            visits.append(
                visit_book(case=case, room=room, sessions=sessions, late_reason="benchmark")
            )
        day += dt.timedelta(days=3 if day.weekday() == 4 else 1)
    return visits


def booking_cost(visits) -> tuple[float, float]:
    """Median seconds per visit: planning the rows, and building the messages (baseline)."""
    from django.db import transaction
    from django.utils import timezone

    from screening.calendars.invite_planning import invites_plan_for_change
    from screening.calendars.invites import _invite
    from screening.models import InviteEmail, Session

    planning, building = [], []
    for visit in visits:
        snapshot = visit.history.get().snapshot
        with transaction.atomic():
            InviteEmail.objects.filter(visit=visit).delete()
            t0 = time.perf_counter()
            invites_plan_for_change(visit=visit, kind="booked", previous=None, snapshot=snapshot)
            planning.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        sessions = Session.objects.filter(visit=visit).select_related(
            "agency", "practitioner", "visit__case__young_person", "visit__room__venue"
        )
        now = timezone.now()
        for s in sessions:
            _invite(s, to=s.practitioner.email, method="REQUEST", heading="Booked", now=now)
        building.append(time.perf_counter() - t0)
    return statistics.median(planning), statistics.median(building)


def send_all(workers: int, connections) -> tuple[float, list[str]]:
    from screening.calendars.invites import invites_send_due

    failures: list[str] = []
    barrier = threading.Barrier(workers)

    def worker() -> None:
        barrier.wait()
        try:
            invites_send_due(batch_size=10)
        except Exception as exc:  # reported, so a broken run is never read as fast
            failures.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, failures


def run(smoke: bool, connections) -> None:
    from django.core import mail
    from django.db import connection

    from screening.models import InviteEmail

    visits = book_visits(6 if smoke else 60)
    print(f"database: {connection.vendor}; {len(visits)} four-agency visits booked")
    plan, build = booking_cost(visits)
    print(
        f"invites per visit change inside the booking: planning {plan * 1000:.2f} ms, "
        f"building the messages (before the outbox) {build * 1000:.2f} ms, "
        f"ratio {build / plan:.1f}x"
    )
    mail.outbox = []
    total = InviteEmail.objects.count()
    seconds, failures = send_all(4, connections)
    if failures:
        raise SystemExit(f"sending failed unexpectedly: {failures[:3]}")
    uids = [
        (m.to[0], line)
        for m in mail.outbox
        for line in m.alternatives[0][0].splitlines()
        if line.startswith("UID:session-")
    ]
    left = InviteEmail.objects.exclude(status="sent").count()
    print(
        f"sender, 4 workers: {total} invites in {seconds:.2f} s = {total / seconds:.0f}/s; "
        f"sent twice: {len(uids) - len(set(uids))} (must be 0); left behind: {left} (must be 0)"
    )


if __name__ == "__main__":
    main()
