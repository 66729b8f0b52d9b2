"""Booking under contention: concurrent clients booking whole visits through the booking
service (availability re-check, database guards, texts planned, calendar invites queued),
on whatever DATABASE_URL names (PostgreSQL in CI:
`scripts/with-postgres .venv/bin/python benchmarks/bench_booking.py`).

Each visit is the product's real one: four sessions (speech and language, health,
education, social care) back to back in one room, for a young person whose mobile takes
texts. Each client is a separate process with its own database connection, as web workers
are. Clients book their own practitioners and room, except that every fifth request of an
odd-numbered client asks for its even neighbour's practitioners at the very time the
neighbour books them, so those pairs race and one of each must lose with SlotTaken.
Cases are opened before the clock starts: the figure is bookings alone.

Prints the queries one booking makes, visits/s with 1 and with 8 clients, the ratio, the
number refused as taken, and the number of double bookings found afterwards (must be 0).
Runs with DEBUG off unless told otherwise (as production does: no query log). Creates and
drops its own test database.

`--http` then books the same way over HTTP: `POST /api/v1/visits/` to gunicorn with 2
sync workers on 127.0.0.1 (as scripts/serve runs it, behind a TLS proxy), started and
stopped by the benchmark, from 8 client processes (a fresh connection per request, a
yot_admin's API token). Two rounds: the one above (own practitioners, pairs racing), and
one where all 8 clients ask for the same four practitioners at the same times, so for
each time one wins and seven are answered 409. Prints visits/s, requests/s, p50 and p95
latency and the ratio to the service-level figure with 8 clients. Budget (issue 14): at
least 50 visits/s over HTTP with 8 clients on PostgreSQL with durable settings:

    PG_DURABLE=true scripts/with-postgres .venv/bin/python benchmarks/bench_booking.py --http

    .venv/bin/python benchmarks/bench_booking.py [--smoke] [--http]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Production settings as far as booking goes: DEBUG off (no query log on every cursor).
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "benchmark-only-key-" + "0123456789abcdef" * 3)
# Several processes share the test database: SQLite needs a file, not shared-cache memory.
os.environ.setdefault("SQLITE_TEST_NAME", "/tmp/yot-bench-booking.sqlite3")
# Invites wait in their outbox; any email sent on the way stays in memory, not on stdout.
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

LONDON = ZoneInfo("Europe/London")
FIRST_DAY = dt.date(2030, 3, 4)  # a Monday far enough ahead for any minimum notice
CLIENTS = 8
VISITS_PER_DAY = 4  # 08:00, 10:30, 13:00, 15:30: each visit takes 2 h 30 min


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="small and quick, for CI")
    parser.add_argument("--http", action="store_true", help="also book over HTTP (gunicorn)")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection, connections
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(per_client=8 if args.smoke else 100, connections=connections, http=args.http)
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)


def working_days(count: int) -> list[dt.date]:
    from screening.people.deadlines import closure_days
    from screening.people.workdays import is_working_day

    closed = closure_days()
    days, day = [], FIRST_DAY
    while len(days) < count:
        if is_working_day(day, closures=closed):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


# Rounds: 1 client, 8 clients through the service; then, with --http, 8 clients over HTTP,
# and 8 clients over HTTP all asking for the first team's practitioners.
ROUND_CLIENTS = [1, CLIENTS, CLIENTS, CLIENTS]
SHARED_TEAM_ROUND = 3


def seed(per_client: int) -> dict:
    """Per client: one practitioner per agency and a room; cases opened in advance."""
    from agencies.models import Agency
    from agencies.services import practitioner_create, working_pattern_create
    from screening.models import YoungPerson
    from screening.people.cases import case_create
    from screening.venues.services import room_create, venue_create

    agencies = list(Agency.objects.filter(required_by_default=True).order_by("order"))
    venue = venue_create(name="Bench venue", address="1 Bench Road, Leeds")
    teams, rooms = [], []
    for client in range(CLIENTS):
        team = []
        for agency in agencies:
            p = practitioner_create(
                agency=agency,
                name=f"Bench {agency.code} {client}",
                email=f"{agency.code}.{client}@example.org",
                daily_session_cap=20,
            )
            working_pattern_create(
                practitioner=p,
                weekdays=[0, 1, 2, 3, 4],
                start_time=dt.time(8),
                end_time=dt.time(18),
                valid_from=dt.date(2030, 1, 1),
            )
            team.append(p)
        teams.append(team)
        rooms.append(room_create(venue=venue, name=f"Room {client}"))
    cases: dict[tuple[int, int], list[int]] = {}
    for round_number, clients in enumerate(ROUND_CLIENTS):
        for client in range(clients):
            person = YoungPerson.objects.create(
                given_name="Bench",
                family_name=f"Person {round_number}-{client}",
                date_of_birth=dt.date(2014, 1, 1),
                mobile=f"+4474001{round_number:02d}{client:03d}",
                sms_consent=True,
            )
            cases[(round_number, client)] = [
                case_create(young_person=person, order_type="other", order_start_date=FIRST_DAY).pk
                for _ in range(per_client)
            ]
    days_per_round = -(-per_client // VISITS_PER_DAY)
    return {
        "agencies": [a.pk for a in agencies],
        "teams": [[p.pk for p in team] for team in teams],
        "rooms": [r.pk for r in rooms],
        "cases": cases,
        "days": working_days(days_per_round * (len(ROUND_CLIENTS) + 1)),
        "days_per_round": days_per_round,
    }


def visit_requests(plan: dict, *, team: list[int], start: dt.datetime):
    """The four sessions of one visit from `start`, 5 minutes apart."""
    from agencies.models import Agency, Practitioner
    from screening.booking.services import SessionRequest

    agencies = Agency.objects.in_bulk(plan["agencies"])
    people = Practitioner.objects.in_bulk(team)
    sessions, at = [], start
    for agency_id, practitioner_id in zip(plan["agencies"], team, strict=True):
        agency = agencies[agency_id]
        sessions.append(
            SessionRequest(agency=agency, practitioner=people[practitioner_id], start=at)
        )
        at += dt.timedelta(minutes=agency.default_duration_minutes + 5)
    return sessions


def slots(plan: dict, *, round_number: int, client: int):
    """(case id, practitioners, start) of each booking this client makes, in order."""
    first = plan["days_per_round"] * (round_number + 1)  # the first days are for the query count
    for k, case_id in enumerate(plan["cases"][(round_number, client)]):
        day = plan["days"][first + k // VISITS_PER_DAY]
        start = dt.datetime.combine(day, dt.time(8), tzinfo=LONDON) + dt.timedelta(
            minutes=150 * (k % VISITS_PER_DAY)
        )
        if round_number == SHARED_TEAM_ROUND:
            yield case_id, plan["teams"][0], start
            continue
        racing = client % 2 == 1 and k % 5 == 4
        yield case_id, plan["teams"][client - 1 if racing else client], start


def client_process(plan, round_number, client, barrier, results) -> None:
    """One client: book its visits one after another; report (booked, taken, failures)."""
    from django.db import connections

    from screening.booking.services import visit_book
    from screening.errors import SlotTaken
    from screening.models import Case, Room

    booked = taken = 0
    failures: list[str] = []
    try:
        room = Room.objects.get(pk=plan["rooms"][client])
        work = [
            (Case.objects.select_related("young_person").get(pk=case_id), team, start)
            for case_id, team, start in slots(plan, round_number=round_number, client=client)
        ]
        work = [(case, visit_requests(plan, team=team, start=start)) for case, team, start in work]
        barrier.wait()
        for case, sessions in work:
            try:
                visit_book(case=case, room=room, sessions=sessions, late_reason="benchmark")
                booked += 1
            except SlotTaken:
                taken += 1
    except Exception as exc:  # reported, so a broken run is never read as fast
        failures.append(repr(exc))
    finally:
        connections.close_all()
        results.put((booked, taken, failures))


def round_of(plan: dict, *, round_number: int, clients: int) -> tuple[float, int, int]:
    from django.db import connections

    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(clients + 1)
    results = ctx.Queue()
    connections.close_all()  # never share a connection with the forked clients
    processes = [
        ctx.Process(target=client_process, args=(plan, round_number, n, barrier, results))
        for n in range(clients)
    ]
    for p in processes:
        p.start()
    barrier.wait()  # every client has loaded its work; start the clock together
    t0 = time.perf_counter()
    outcomes = [results.get() for _ in processes]
    elapsed = time.perf_counter() - t0
    for p in processes:
        p.join()
    failures = [f for _, _, fs in outcomes for f in fs]
    if failures:
        raise SystemExit(f"booking failed unexpectedly: {failures[:3]}")
    return elapsed, sum(b for b, _, _ in outcomes), sum(t for _, t, _ in outcomes)


def queries_per_booking(plan: dict) -> int:
    """Queries of one booking, measured on a day no round uses."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from screening.booking.services import visit_book
    from screening.models import Case, Room
    from screening.people.cases import case_create

    other = Case.objects.select_related("young_person").get(pk=plan["cases"][(0, 0)][0])
    case = case_create(
        young_person=other.young_person, order_type="other", order_start_date=FIRST_DAY
    )
    room = Room.objects.get(pk=plan["rooms"][0])
    start = dt.datetime.combine(plan["days"][0], dt.time(8), tzinfo=LONDON)
    sessions = visit_requests(plan, team=plan["teams"][0], start=start)
    connection.queries_log.clear()  # a full log would hide the count
    with CaptureQueriesContext(connection) as ctx:
        visit_book(case=case, room=room, sessions=sessions, late_reason="benchmark")
    return len(ctx)


def double_bookings() -> int:
    from screening.models import Session, Visit

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
    return clashes


def http_bodies(plan: dict, *, round_number: int, client: int) -> list[bytes]:
    """The JSON bodies of this client's bookings over HTTP (API.md `POST /api/v1/visits/`)."""
    from agencies.models import Agency

    agencies = Agency.objects.in_bulk(plan["agencies"])
    bodies = []
    for case_id, team, start in slots(plan, round_number=round_number, client=client):
        sessions, at = [], start
        for agency_id, practitioner_id in zip(plan["agencies"], team, strict=True):
            sessions.append(
                {
                    "agency": agencies[agency_id].code,
                    "practitioner": practitioner_id,
                    "start": at.isoformat(),
                }
            )
            at += dt.timedelta(minutes=agencies[agency_id].default_duration_minutes + 5)
        body = {
            "case": case_id,
            "room": plan["rooms"][client],
            "sessions": sessions,
            "late_reason": "benchmark",
        }
        bodies.append(json.dumps(body).encode())
    return bodies


def http_client_process(plan, base_url, token, round_number, client, barrier, results) -> None:
    """One HTTP client: post its bookings one after another, each on a fresh connection;
    report (booked, taken, failures, seconds of each request)."""
    import http.client

    from django.db import connections

    booked = taken = 0
    failures: list[str] = []
    seconds: list[float] = []
    try:
        bodies = http_bodies(plan, round_number=round_number, client=client)
        connections.close_all()  # a client needs no database once its bodies are built
        host = urlsplit(base_url)
        headers = {
            "Authorization": f"Token {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "X-Forwarded-Proto": "https",  # as the TLS proxy in front says
        }
        barrier.wait()
        for body in bodies:
            t0 = time.perf_counter()
            conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
            try:
                conn.request("POST", "/api/v1/visits/", body=body, headers=headers)
                response = conn.getresponse()
                answer = response.read()
            finally:
                conn.close()
            seconds.append(time.perf_counter() - t0)
            if response.status == 201:
                booked += 1
            elif response.status == 409:
                taken += 1
            else:
                failures.append(f"HTTP {response.status}: {answer[:300]!r}")
    except Exception as exc:  # reported, so a broken run is never read as fast
        failures.append(repr(exc))
    finally:
        results.put((booked, taken, failures, seconds))


def http_round(plan: dict, base_url: str, token: str, *, round_number: int):
    """(seconds, booked, taken, latencies) of one HTTP round with CLIENTS clients."""
    from django.db import connections

    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(CLIENTS + 1)
    results = ctx.Queue()
    connections.close_all()
    processes = [
        ctx.Process(
            target=http_client_process,
            args=(plan, base_url, token, round_number, n, barrier, results),
        )
        for n in range(CLIENTS)
    ]
    for p in processes:
        p.start()
    barrier.wait()
    t0 = time.perf_counter()
    outcomes = [results.get() for _ in processes]
    elapsed = time.perf_counter() - t0
    for p in processes:
        p.join()
    failures = [f for _, _, fs, _ in outcomes for f in fs]
    if failures:
        raise SystemExit(f"booking over HTTP failed unexpectedly: {failures[:3]}")
    latencies = sorted(s for _, _, _, ss in outcomes for s in ss)
    return elapsed, sum(o[0] for o in outcomes), sum(o[1] for o in outcomes), latencies


def database_url(connection) -> str:
    """The URL of the test database this run created, for the web processes."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(db_url: str) -> tuple[subprocess.Popen, str]:
    """gunicorn with 2 sync workers on 127.0.0.1, as scripts/serve runs it (DEBUG off, behind
    a TLS proxy on the same host); returns once it answers."""
    root = Path(__file__).resolve().parent.parent
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "BEHIND_TLS_PROXY": "true",
        "TRUSTED_PROXIES": "127.0.0.1",
    }
    server = subprocess.Popen(
        [
            str(root / ".venv/bin/gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--forwarded-allow-ips",
            "127.0.0.1",
            "--logger-class",
            "config.gunicorn_logging.RedactingLogger",
        ],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped: {server.stderr.read().decode()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server, base_url
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start within 60 s")


def stop_gunicorn(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def warm_up(base_url: str, token: str) -> None:
    """A few reads and refused bookings, untimed, so both workers have loaded the code a
    booking runs before the clock starts (the first request of a worker imports it)."""
    import http.client

    host = urlsplit(base_url)
    headers = {
        "Authorization": f"Token {token}",
        "Content-Type": "application/json",
        "X-Forwarded-Proto": "https",
    }
    for n in range(12):
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        try:
            if n % 2:
                conn.request("GET", "/api/v1/visits/", headers=headers)
            else:
                conn.request("POST", "/api/v1/visits/", body=b"{}", headers=headers)
            status = conn.getresponse().status
        finally:
            conn.close()
        if status not in (200, 400):
            raise SystemExit(f"warming up: HTTP {status}")


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def run_http(plan: dict, *, service_rate: float) -> None:
    from django.db import connection

    from accounts.models import ApiToken, Role
    from accounts.services import user_create

    admin = user_create(
        username="bench-admin",
        password="Bench-only-password-7391",
        role=Role.YOT_ADMIN,
        email="bench-admin@yot.example.org",
    )
    _, token = ApiToken.issue(user=admin, two_factor=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW fsync")
            fsync = cursor.fetchone()[0]
            cursor.execute("SHOW synchronous_commit")
            sync = cursor.fetchone()[0]
        print(f"PostgreSQL fsync={fsync}, synchronous_commit={sync}")
    server, base_url = start_gunicorn(database_url(connection))
    try:
        warm_up(base_url, token)
        rounds = [
            ("own practitioners, pairs racing", 2),
            ("all competing for the same four practitioners", SHARED_TEAM_ROUND),
        ]
        for label, round_number in rounds:
            seconds, booked, taken, latencies = http_round(
                plan, base_url, token, round_number=round_number
            )
            if not booked:
                raise SystemExit(f"HTTP round {label!r} booked nothing")
            rate = booked / seconds
            requests = len(latencies)
            print(
                f"HTTP, {CLIENTS} clients, gunicorn 2 workers, {label}: {booked} booked, "
                f"{taken} answered 409, in {seconds:.2f} s = {rate:.0f} visits/s, "
                f"{requests / seconds:.0f} requests/s; latency p50 "
                f"{statistics.median(latencies) * 1000:.0f} ms, p95 "
                f"{percentile(latencies, 0.95) * 1000:.0f} ms"
                + (" (target at least 50 visits/s)" if round_number == 2 else "")
            )
            ratio = rate / service_rate
            print(f"  ratio HTTP / service with {CLIENTS} clients (visits/s): {ratio:.2f}")
    finally:
        stop_gunicorn(server)


def run(*, per_client: int, connections, http: bool = False) -> None:
    from screening.models import Message

    plan = seed(per_client)
    queries = queries_per_booking(plan)
    one_s, one_booked, _ = round_of(plan, round_number=0, clients=1)
    many_s, many_booked, many_taken = round_of(plan, round_number=1, clients=CLIENTS)
    one_rate = one_booked / one_s
    many_rate = many_booked / many_s
    print(f"database: {connections['default'].vendor}")
    print(
        f"one booking (4 sessions, its texts and calendar invites): {queries} queries; "
        f"{Message.objects.count()} texts planned in all"
    )
    print(f"1 client:  {one_booked} visits in {one_s:.2f} s = {one_rate:.0f} visits/s")
    print(
        f"{CLIENTS} clients: {many_booked} booked, {many_taken} refused as taken, "
        f"in {many_s:.2f} s = {many_rate:.0f} visits/s (target at least 50 visits/s)"
    )
    print(f"ratio {CLIENTS} clients / 1 client (visits/s): {many_rate / one_rate:.2f}")
    if http:
        run_http(plan, service_rate=many_rate)
    print(f"double bookings found: {double_bookings()} (must be 0)")


if __name__ == "__main__":
    main()
