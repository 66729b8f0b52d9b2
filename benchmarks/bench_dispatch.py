"""Message dispatch at the provider's real rate: due texts sent through the real twilio
client to a local fake Twilio that answers each request after `--latency` seconds (200 ms,
a provider's usual round trip) and answers 429 past `--rate` messages a second from the
one sender (30), as Twilio does. The fake runs in a process of its own; the dispatchers
are worker processes, each with its own database connection, on whatever DATABASE_URL
names (PostgreSQL in CI: `scripts/with-postgres .venv/bin/python
benchmarks/bench_dispatch.py`).

Baseline, measured first in the same run: 1 worker sending one text at a time (what the
dispatcher did before requests were kept in flight), on a tenth of the texts or fewer.
Then `--workers` workers (4) share the sender: each paced at 97% of the sender's rate
divided by the workers (SMS_SENDER_LIMITS; their paces are not in step), with enough
requests in flight for its share of the rate at this latency.

Budget (issue 14): 10,000 texts at 200 ms and 30 messages/s allowed within 10% of the
limit (10,000 / 30 = 333 s, so at most 367 s: at least 90% of the allowed rate), none
sent twice, none left behind; a 429 is retried, never failed. Prints seconds, messages/s,
the share of the allowed rate, the 429s the fake gave, the most requests it answered at
once, the number sent twice and left behind (both must be 0) and the ratio to the
baseline. Creates and drops its own test database.

    .venv/bin/python benchmarks/bench_dispatch.py [--smoke] [--messages N] [--latency S]
        [--rate N] [--workers N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
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
    parser.add_argument(
        "--smoke", action="store_true", help="300 messages at a 20 ms latency, for CI"
    )
    parser.add_argument("--messages", type=int, default=None)
    parser.add_argument("--latency", type=float, default=None, help="seconds (0.2)")
    parser.add_argument("--rate", type=int, default=30, help="messages/s allowed per sender")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    total = args.messages or (300 if args.smoke else 10_000)
    latency = args.latency if args.latency is not None else (0.02 if args.smoke else 0.2)
    import django

    django.setup()
    from django.db import connection, connections
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(total, connections, latency=latency, rate=args.rate, workers=args.workers)
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


SENDER = "+447400999111"
HEADROOM = 0.97


def work(base_url: str, results, rate: float, in_flight: int) -> None:
    """One dispatcher process: send until nothing is due, at `rate` a second (0: as fast
    as answers come) with `in_flight` requests at once."""
    from django.db import connections
    from django.test import override_settings

    from screening.integrations.sms.twilio_gateway import TwilioGateway
    from screening.messaging.dispatch import messages_dispatch_due
    from tests.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, RewritingHttpClient

    try:
        gateway = TwilioGateway(
            account_sid=ACCOUNT_SID,
            auth_token=AUTH_TOKEN,
            from_number=SENDER,
            http_client_factory=lambda: RewritingHttpClient(base_url, timeout=10),
        )
        with override_settings(SMS_SENDER_LIMITS={SENDER: (rate, in_flight)}):
            report = messages_dispatch_due(gateway=gateway, batch_size=50)
        if report.failed:
            raise RuntimeError(f"{report.failed} texts failed: {report}")
        results.put(("ok", report.sent))
    except Exception as exc:  # reported, so a broken run is never read as fast
        results.put(("error", repr(exc)))
    finally:
        connections.close_all()


def run(total: int, connections, *, latency: float, rate: int, workers: int) -> None:
    from screening.integrations.sms import twilio_gateway  # noqa: F401  (imported once,
    from screening.models import Message  # before forking, not in every worker's time)
    from tests.fake_twilio import list_all, serve_in_subprocess, stats

    # Workers and the fake are separate processes (forked), so they share no GIL.
    ctx = multiprocessing.get_context("fork")
    ready = ctx.Queue()
    server = ctx.Process(target=serve_in_subprocess, args=(ready, latency, rate), daemon=True)
    server.start()
    base_url = ready.get(timeout=30)
    # Each worker paces itself at its share of the sender's rate, a little under it: the
    # workers' paces are not in step, so at exactly the rate some seconds would hold more
    # than the provider allows, and each 429 costs a worker a slot.
    share = round(rate / workers * HEADROOM, 2)
    # Enough in flight for the worker's share at this latency, and half as many again for
    # the database work around each batch and the odd slow answer.
    in_flight = max(2, math.ceil(share * latency * 1.5) + 1)

    def round_of(workers: int, count: int, offset: int, rate: float, in_flight: int):
        numbers = set(seed(count, offset))
        connections.close_all()  # never share a connection with the forked workers
        results = ctx.Queue()
        processes = [
            ctx.Process(target=work, args=(base_url, results, rate, in_flight))
            for _ in range(workers)
        ]
        t0 = time.perf_counter()
        for p in processes:
            p.start()
        outcomes = [results.get(timeout=3600) for _ in processes]
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
        one_count = max(30, min(total // 10, 200))
        one_s, one_sent, one_twice, one_left = round_of(1, one_count, 0, 0, 1)
        before = stats(base_url)["throttled"]
        many_s, many_sent, many_twice, many_left = round_of(workers, total, 1, share, in_flight)
        fake = stats(base_url)
    finally:
        server.terminate()
        server.join()
    from django.db import connection

    one_rate, many_rate = one_sent / one_s, many_sent / many_s
    limit_s = many_sent / rate
    print(f"database: {connection.vendor}")
    print(f"fake Twilio: {latency * 1000:.0f} ms a request, {rate} messages/s allowed per sender")
    print(
        f"baseline, 1 worker, one at a time: {one_sent} texts in {one_s:.2f} s "
        f"= {one_rate:.1f} messages/s"
    )
    print(
        f"{workers} workers, each {share:g}/s with {in_flight} in flight: {many_sent} texts in "
        f"{many_s:.2f} s = {many_rate:.1f} messages/s"
    )
    print(
        f"share of the allowed rate: {many_rate / rate:.1%}; the limit is {limit_s:.0f} s, "
        f"budget within 10% of it: {limit_s * 1.1:.0f} s (at least 90%)"
    )
    print(f"ratio to the baseline (messages/s): {many_rate / one_rate:.1f}")
    print(
        f"429s answered: {fake['throttled'] - before} (retried, none failed); "
        f"most requests at the fake at once: {fake['max_in_flight']}"
    )
    print(f"sent twice: {one_twice + many_twice} (must be 0)")
    print(f"left behind: {one_left + many_left} (must be 0)")


if __name__ == "__main__":
    main()
