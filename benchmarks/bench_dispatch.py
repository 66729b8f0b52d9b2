"""Message dispatch: due texts sent through the real twilio client to a local fake Twilio,
by 1 worker and then by 4 concurrent workers (processes, each with its own database
connection; the fake runs in a process of its own),
on whatever DATABASE_URL names (PostgreSQL in CI:
`scripts/with-postgres .venv/bin/python benchmarks/bench_dispatch.py`).

Budget (DESIGN.md): 10,000 due messages, 4 workers, at most 30 s, none sent twice, none
left behind. Prints seconds, messages/s, the number sent twice (must be 0), the number
left behind (must be 0) and the ratio of 4 workers to 1. Creates and drops its own test
database.

    .venv/bin/python benchmarks/bench_dispatch.py [--smoke] [--messages N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SQLITE_TEST_NAME", "/tmp/yot-bench-dispatch.sqlite3")
# The benchmark times sending, not quiet hours: let every hour be a sending hour.
os.environ.setdefault("SMS_QUIET_HOURS", "00:00-00:00")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="about 300 messages, for CI")
    parser.add_argument("--messages", type=int, default=None)
    args = parser.parse_args()
    total = args.messages or (300 if args.smoke else 10_000)
    import django

    django.setup()
    from django.db import connection, connections
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(total, connections)
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)


def seed(total: int, offset: int) -> list[int]:
    """`total` due confirmations, each to its own number, spread over a few visits."""
    from django.utils import timezone

    from agencies.models import Agency
    from agencies.services import practitioner_create
    from screening.models import Case, Message, Session, Visit, YoungPerson
    from screening.venues.services import room_create, venue_create

    now = timezone.now()
    venue = venue_create(name=f"Bench venue {offset}", address="1 Road")
    room = room_create(venue=venue, name="Room")
    health = Agency.objects.get(code="health")
    practitioner = practitioner_create(agency=health, name=f"Bench {offset}", email="b@x.org")
    person = YoungPerson.objects.create(
        given_name="Bench", family_name="Person", date_of_birth=dt.date(2012, 1, 1)
    )
    per_visit = 500
    rows = []
    for v in range((total + per_visit - 1) // per_visit):
        start = now + dt.timedelta(days=30 + offset * 50 + v)
        case = Case.objects.create(
            reference=f"BENCH-{offset}-{v}",
            young_person=person,
            order_type="other",
            order_start_date=start.date(),
            visit_due_by=start.date(),
            assessment_due_by=start.date(),
        )
        visit = Visit.objects.create(
            case=case, room=room, start=start, end=start + dt.timedelta(minutes=45)
        )
        Session.objects.create(
            visit=visit,
            agency=health,
            practitioner=practitioner,
            start=start,
            end=start + dt.timedelta(minutes=45),
        )
        for k in range(min(per_visit, total - v * per_visit)):
            n = offset * 100_000 + v * per_visit + k
            rows.append(
                Message(
                    visit=visit,
                    visit_version=1,
                    young_person=person,
                    purpose="confirmation",
                    to=f"+4474{n:08d}",
                    body=f"Bench: your appointment {v}-{k}. Reply YES to confirm.",
                    send_at=now,
                    next_attempt_at=now,
                )
            )
    Message.objects.bulk_create(rows, batch_size=1000)
    return [m.to for m in rows]


def work(base_url: str, results) -> None:
    """One dispatcher process: send until nothing is due."""
    from django.db import connections

    from screening.integrations.sms.twilio_gateway import TwilioGateway
    from screening.messaging.dispatch import messages_dispatch_due
    from tests.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, RewritingHttpClient

    try:
        gateway = TwilioGateway(
            account_sid=ACCOUNT_SID,
            auth_token=AUTH_TOKEN,
            from_number="+447400999111",
            http_client=RewritingHttpClient(base_url, timeout=10),
        )
        report = messages_dispatch_due(gateway=gateway, batch_size=50)
        results.put(("ok", report.sent))
    except Exception as exc:  # reported, so a broken run is never read as fast
        results.put(("error", repr(exc)))
    finally:
        connections.close_all()


def run(total: int, connections) -> None:
    from screening.models import Message
    from tests.fake_twilio import list_all, serve_in_subprocess

    # Workers and the fake are separate processes (forked), so they share no GIL.
    ctx = multiprocessing.get_context("fork")
    ready = ctx.Queue()
    server = ctx.Process(target=serve_in_subprocess, args=(ready,), daemon=True)
    server.start()
    base_url = ready.get(timeout=30)

    def round_of(workers: int, count: int, offset: int):
        numbers = set(seed(count, offset))
        connections.close_all()  # never share a connection with the forked workers
        results = ctx.Queue()
        processes = [ctx.Process(target=work, args=(base_url, results)) for _ in range(workers)]
        t0 = time.perf_counter()
        for p in processes:
            p.start()
        outcomes = [results.get(timeout=600) for _ in processes]
        for p in processes:
            p.join()
        seconds = time.perf_counter() - t0
        failures = [detail for kind, detail in outcomes if kind != "ok"]
        if failures:
            raise SystemExit(f"dispatch failed unexpectedly: {failures[:3]}")
        left = Message.objects.filter(to__in=numbers).exclude(status="sent").count()
        sent_to = [m["to"] for m in list_all(base_url) if m["to"] in numbers]
        twice = len(sent_to) - len(set(sent_to))
        return seconds, len(set(sent_to)), twice, left

    try:
        one_count = max(100, total // 10)
        one_s, one_sent, one_twice, one_left = round_of(1, one_count, 0)
        many_s, many_sent, many_twice, many_left = round_of(4, total, 1)
    finally:
        server.terminate()
        server.join()
    from django.db import connection

    one_rate, many_rate = one_sent / one_s, many_sent / many_s
    print(f"database: {connection.vendor}")
    print(f"1 worker:  {one_sent} texts in {one_s:.2f} s = {one_rate:.0f} messages/s")
    print(
        f"4 workers: {many_sent} texts in {many_s:.2f} s = {many_rate:.0f} messages/s "
        f"(target: 10,000 in at most 30 s)"
    )
    print(f"ratio 4 workers / 1 worker (messages/s): {many_rate / one_rate:.2f}")
    print(f"sent twice: {one_twice + many_twice} (must be 0)")
    print(f"left behind: {one_left + many_left} (must be 0)")


if __name__ == "__main__":
    main()
