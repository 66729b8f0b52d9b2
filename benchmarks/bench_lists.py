"""Pages and API lists with 10,000 cases, and the demo web process's memory (DESIGN.md
"Performance budgets": median under 100 ms, a query count that does not grow with the rows
shown, and a web process serving the demo under 200 MB).

1. Seeds a synthetic YOT (benchmarks/synthetic_yot.py): 10,000 cases (smoke: 500) at every
   stage, 8 busy case managers and a quiet one, 12 practitioners per agency, 12 rooms. A few
   cases of every stage are written first; each list's queries are counted on that small
   YOT, then the rest is written and they are counted again with a full page.
2. Requests every API list and every page that lists rows through Django's test Client,
   signed in (force_login, two-factor off as in the demo) as the role that uses it, and
   prints the median and 95th percentile of N requests on the full YOT (timed with DEBUG
   off, as in production), the queries per request on the small and on the full YOT, the
   rows shown each time (API: `page_size` 10 then 100; pages: their table rows) and whether
   the query count grew with the rows: a query that runs more often on the full YOT and at
   least twice there (one per row). A query run once on the full YOT and never on the small
   one is listed apart, not as growth: a list empty on the small YOT makes Django skip its
   prefetch or `pk__in` query. On SQLite it also prints each request's virtual-machine
   instructions, a figure of the queries' work that the machine's load does not change.
3. Starts the demo the way `scripts/run-demo` does (embedded SQLite, `seed_demo`,
   `runserver` on 127.0.0.1 and a free port, here with `--noreload` so the process measured
   is the one serving), signs in as each demo role, requests each main page and API list
   once, and reports the process's peak resident memory (VmHWM) against 200 MB.

Creates and drops its own test database; prints figures, never fails on a time (it stops
only if a request answers anything but 200, so a broken run is never read as fast).

    .venv/bin/python benchmarks/bench_lists.py [--smoke] [--cases N] [--repeat N] [--no-memory]
        [--only WORDS ...]   (e.g. --only dashboard --only timeliness: the reports)
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("REQUIRE_TWO_FACTOR", "false")
os.environ.setdefault("SMS_BACKEND", "fake")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

BUDGET_MS = 100
MEMORY_BUDGET_MB = 200
SMALL_PAGE, LARGE_PAGE = 10, 100


@dataclass(frozen=True)
class Check:
    name: str
    who: str  # admin, cm, manager, practitioner, sysadmin
    path: str  # "{case}" is a case with few rows (small) or many (full YOT)


API = [
    Check("API cases", "admin", "/api/v1/cases/"),
    Check("API cases (case manager)", "cm", "/api/v1/cases/"),
    Check("API cases (practitioner)", "practitioner", "/api/v1/cases/"),
    Check("API young people", "admin", "/api/v1/young-people/"),
    Check("API young people (practitioner)", "practitioner", "/api/v1/young-people/"),
    Check("API visits", "admin", "/api/v1/visits/"),
    Check("API visits (case manager)", "cm", "/api/v1/visits/"),
    Check("API visits (practitioner)", "practitioner", "/api/v1/visits/"),
    Check("API practitioners", "admin", "/api/v1/practitioners/"),
    Check("API rooms", "admin", "/api/v1/rooms/"),
    Check("API venues", "admin", "/api/v1/venues/"),
    Check("API agencies", "admin", "/api/v1/agencies/"),
    Check("API users", "sysadmin", "/api/v1/users/"),
    Check("API message templates", "sysadmin", "/api/v1/message-templates/"),
    Check("API alerts (YOT manager)", "manager", "/api/v1/alerts/"),
    Check("API alerts (case manager)", "cm", "/api/v1/alerts/"),
    Check("API audit log", "manager", "/api/v1/audit-log/"),
    Check("API admin tasks", "admin", "/api/v1/admin-tasks/"),
    Check("API texts of a case", "admin", "/api/v1/cases/{case}/messages/"),
    Check("API replies of a case", "admin", "/api/v1/cases/{case}/replies/"),
]
PAGES = [
    Check("dashboard (YOT admin)", "admin", "/dashboard/"),
    Check("dashboard (YOT manager)", "manager", "/dashboard/"),
    Check("dashboard (case manager)", "cm", "/dashboard/"),
    Check("young people", "admin", "/young-people/"),
    Check("cases (YOT admin)", "admin", "/cases/"),
    Check("cases (case manager)", "cm", "/cases/"),
    Check("cases (practitioner)", "practitioner", "/cases/"),
    Check("case page", "admin", "/cases/{case}/"),
    Check("young person page", "admin", "/young-people/{person}/"),
    Check("practitioner home", "practitioner", "/my/"),
    Check("practitioners", "admin", "/practitioners/"),
    Check("alerts (YOT manager)", "manager", "/alerts/"),
    Check("audit log", "manager", "/audit-log/"),
    Check("admin tasks, open", "admin", "/tasks/"),
    Check("admin tasks, done", "admin", "/tasks/?show=done"),
    Check("texts of a case", "admin", "/cases/{case}/messages/"),
    Check("timeliness report", "manager", "/reports/timeliness/"),
    Check("timeliness CSV", "manager", "/reports/timeliness.csv"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="small and quick, for CI")
    parser.add_argument("--cases", type=int, help="cases in the synthetic YOT")
    parser.add_argument("--repeat", type=int, help="timed requests per list")
    parser.add_argument("--no-memory", action="store_true", help="leave out the demo process")
    parser.add_argument(
        "--only", action="append", metavar="WORDS", help="time only lists whose name holds WORDS"
    )
    args = parser.parse_args()
    cases = args.cases or (500 if args.smoke else 10_000)
    repeat = args.repeat or (5 if args.smoke else 21)
    import django

    django.setup()
    import logging

    logging.disable(logging.INFO)  # sign-in and request logs would drown the figures
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        lists(cases=cases, repeat=repeat, only=args.only)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    if args.no_memory:
        print("\ndemo web process memory: left out (--no-memory)")
    else:
        demo_memory(smoke=args.smoke)


# --- lists -----------------------------------------------------------------------------------

TBODY = re.compile(r"<tbody.*?</tbody>", re.S)


def rows_shown(response) -> int:
    """API: the results on the page; CSV: its lines; a page: rows of its tables' bodies plus
    timeline items."""
    kind = response.get("Content-Type", "")
    if kind.startswith("application/json"):
        data = response.json()
        return len(data["results"] if isinstance(data, dict) else data)
    text = response.content.decode()
    if kind.startswith("text/csv"):
        return max(0, len(text.splitlines()) - 1)
    body_rows = sum(block.count("<tr") for block in TBODY.findall(text))
    return body_rows + text.count('class="moj-timeline__item"')


class Lists:
    def __init__(self, plan) -> None:
        from django.test import Client

        staff = plan.staff
        self.users = {
            "admin": staff.admins[0],
            "cm": staff.case_managers[0],
            "manager": staff.managers[0],
            "practitioner": staff.practitioners["health"][0].user,
            "sysadmin": staff.system_admin,
        }
        self.clients = {}
        for key, user in self.users.items():
            self.clients[key] = Client()
            self.clients[key].force_login(user)

    def url(self, check: Check, *, small: bool, case, person) -> str:
        path = check.path.format(case=case.pk, person=person.pk)
        if path.startswith("/api/"):
            size = SMALL_PAGE if small else LARGE_PAGE
            path += ("&" if "?" in path else "?") + f"page_size={size}"
        return path

    def get(self, check: Check, url: str):
        response = self.clients[check.who].get(url)
        if response.status_code != 200:
            raise SystemExit(f"{check.name}: {url} answered {response.status_code}")
        return response

    def instructions(self, check: Check, url: str) -> int | None:
        """SQLite's virtual-machine instructions for one request (to the nearest thousand):
        a figure of the work the queries do that the machine's load does not change. None
        on PostgreSQL."""
        from django.db import connection
        from django.db.backends.signals import connection_created

        if connection.vendor != "sqlite":
            return None
        steps = [0]

        def tick() -> int:
            steps[0] += 1
            return 0  # go on

        def watch(sender, connection, **kwargs) -> None:
            connection.connection.set_progress_handler(tick, 1000)

        connection.close()  # each request opens its own connection (CONN_MAX_AGE 0)
        connection_created.connect(watch)
        try:
            self.get(check, url)
        finally:
            connection_created.disconnect(watch)
            connection.close()
        return steps[0] * 1000

    def count(self, check: Check, url: str) -> tuple[int, int, list[str]]:
        """Queries of one request (after a warming one), rows shown, and the SQL run."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.get(check, url)  # warm: the session and per-process caches
        with CaptureQueriesContext(connection) as captured:
            response = self.get(check, url)
        return len(captured), rows_shown(response), [q["sql"] for q in captured]

    def time(self, check: Check, url: str, repeat: int) -> list[float]:
        from django.test.utils import override_settings

        runs = []
        with override_settings(DEBUG=False):
            for _ in range(repeat):
                t0 = time.perf_counter()
                self.get(check, url)
                runs.append((time.perf_counter() - t0) * 1000)
        return runs


def _texted_cases():
    from django.db.models import Count

    from screening.models import Case

    return (
        Case.objects.select_related("young_person")
        .annotate(texts=Count("visits__messages", distinct=True))
        .annotate(replies=Count("visits__replies", distinct=True))
        .filter(texts__gt=0, replies__gt=0)
    )


def case_with_few_rows():
    """A case with at least one text and one reply, and the fewest texts."""
    return _texted_cases().order_by("texts", "replies", "pk").first()


def case_with_most_rows():
    """The case with the most texts and replies (a first booking cancelled, a carer too)."""
    return _texted_cases().order_by("-texts", "-replies", "pk").first()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def lists(*, cases: int, repeat: int, only: list[str] | None = None) -> None:
    import synthetic_yot as yot  # beside this file
    from django.db import connection

    from screening.models import (
        AdminTask,
        Alert,
        AssessmentDraft,
        AuditEntry,
        Case,
        Finding,
        Message,
        Session,
        Visit,
    )

    t0 = time.perf_counter()
    staff = yot.make_staff()
    plan = yot.plan_yot(cases=cases, staff=staff)
    first = yot.first_write(plan)
    yot.write_cases(plan, first)
    written = {p.index for p in first}
    few = case_with_few_rows()
    bench = Lists(plan)
    checks = [c for c in API + PAGES if not only or any(w in c.name for w in only)]
    small: dict[str, tuple[int, int, list[str]]] = {}
    for check in checks:
        url = bench.url(check, small=True, case=few, person=few.young_person)
        small[check.name] = bench.count(check, url)
    t1 = time.perf_counter()
    yot.write_cases(plan, [p for p in plan.cases if p.index not in written])
    seeded = time.perf_counter() - t1 + (t1 - t0)
    many = case_with_most_rows()
    print(f"database: {connection.vendor}; synthetic YOT written in {seeded:.1f} s:")
    stages = ", ".join(f"{k} {v}" for k, v in sorted(plan.counts.items()))
    print(f"  {Case.objects.count()} cases by stage: {stages}")
    print(
        f"  {Visit.objects.count()} visits, {Session.objects.count()} sessions, "
        f"{Finding.objects.count()} findings, {AssessmentDraft.objects.count()} drafts, "
        f"{Message.objects.count()} texts, {AdminTask.objects.count()} admin tasks, "
        f"{Alert.objects.count()} alerts, {AuditEntry.objects.count()} audit entries"
    )
    print(
        f"  small YOT for the first query count: {len(first)} cases; API lists compare "
        f"page_size={SMALL_PAGE} there with page_size={LARGE_PAGE} on the full YOT"
    )
    print(f"  timed: {repeat} requests each on the full YOT, DEBUG off\n")
    header = (
        f"{'list':34} {'median ms':>9} {'p95 ms':>8} {'queries':>11} {'rows':>11}  grows?"
        f"  {'SQLite VM instructions':>22}"
    )
    print(header)
    print("-" * len(header))
    grew, slow, extra, only_full = [], [], {}, {}
    for check in checks:
        url = bench.url(check, small=False, case=many, person=many.young_person)
        queries, rows, sql = bench.count(check, url)
        steps = bench.instructions(check, url)
        runs = bench.time(check, url, repeat)
        median, p95 = statistics.median(runs), percentile(runs, 0.95)
        few_q, few_rows, few_sql = small[check.name]
        repeated, skipped = compare_queries(few_sql, sql)
        grows = bool(repeated)
        if grows:
            grew.append(check.name)
            extra[check.name] = repeated
        elif skipped:
            only_full[check.name] = skipped
        if median > BUDGET_MS:
            slow.append(check.name)
        print(
            f"{check.name:34} {median:9.1f} {p95:8.1f} {few_q:>5}/{queries:<5} "
            f"{few_rows:>5}/{rows:<5}  {'YES' if grows else 'no ':6}"
            f"{'' if steps is None else f'{steps:>22,}'}"
        )
    print(f"\nbudget: median under {BUDGET_MS} ms and queries that do not grow with the rows shown")
    print(f"over {BUDGET_MS} ms: {', '.join(slow) if slow else 'none'}")
    print(f"query count grew: {', '.join(grew) if grew else 'none'}")
    for name, added in extra.items():
        print(f"  {name}, queries run more often on the full YOT (shapes):")
        for shape in added:
            print(f"    {shape[:200]}")
    if only_full:
        print(
            "not growth: queries run once on the full YOT and not in that shape on the small "
            "one (a list empty there skips its prefetch or `pk__in` query; a prefetch of one "
            "row reads `id = ?`, not a list):"
        )
        for name, added in only_full.items():
            print(f"  {name}:")
            for shape in added:
                print(f"    {shape[:200]}")


NUMBERS = re.compile(r"\b\d+\b|'[^']*'")
IN_LIST = re.compile(r"IN \((?:\?, )*\?\)")
# A prefetch of a foreign key asks for its rows as `"t"."id" = 1 OR "t"."id" = 2 ...`.
OR_CHAIN = re.compile(r'("[^"]+"\."[^"]+") = \?(?: OR \1 = \?)+')


def shape_of(sql: str) -> str:
    """A query with its numbers and strings blanked and any list of ids (IN, or a chain of
    ORs) shortened to one mark, so the same query for other rows has the same shape."""
    blanked = NUMBERS.sub("?", sql)
    return IN_LIST.sub("IN (...)", OR_CHAIN.sub(r"\1 IN (...)", blanked))


def compare_queries(few: list[str], many: list[str]) -> tuple[list[str], list[str]]:
    """The query shapes run more often with more rows, split in two: those that repeat on
    the full YOT (run at least twice there and more often than on the small one: a query per
    row), and those run once there and never on the small one (a list that was empty on the
    small YOT: Django skips a prefetch or a `pk__in` query for no rows, which is not growth)."""
    from collections import Counter

    shapes = Counter(shape_of(q) for q in many)
    shapes.subtract(Counter(shape_of(q) for q in few))
    full = Counter(shape_of(q) for q in many)
    repeated = [s for s, n in shapes.items() if n > 0 and full[s] >= 2]
    skipped = [s for s, n in shapes.items() if n > 0 and full[s] == 1]
    return repeated, skipped


# --- memory of the demo web process ------------------------------------------------------------

DEMO_PAGES = [
    "/",
    "/dashboard/",
    "/young-people/",
    "/cases/",
    "/practitioners/",
    "/tasks/",
    "/alerts/",
    "/audit-log/",
    "/reports/timeliness/",
    "/reports/timeliness.csv",
    "/my/",
    "/my/calendar/",
    "/api/v1/cases/",
    "/api/v1/young-people/",
    "/api/v1/visits/",
    "/api/v1/practitioners/",
    "/api/v1/alerts/",
    "/api/v1/audit-log/",
    "/api/v1/admin-tasks/",
    "/api/v1/users/",
    "/api/v1/docs/",
    "/api/v1/schema/",
]
PREPARE_LIMIT_S = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc status")


def sign_in(base: str, username: str, password: str):
    import requests

    web = requests.Session()
    page = web.get(f"{base}/sign-in/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = web.post(
        f"{base}/sign-in/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        headers={"Referer": f"{base}/sign-in/"},
        timeout=30,
    )
    if answer.url.rstrip("/").endswith("sign-in"):
        raise SystemExit(f"demo sign-in failed for {username}")
    return web


def demo_memory(*, smoke: bool) -> None:
    from demo.seed import DEMO_PASSWORD, PRACTITIONERS, STAFF

    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="yot-demo-memory-") as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/demo.sqlite3",
            "DEBUG": "true",
            "REQUIRE_TWO_FACTOR": "false",
            "SMS_BACKEND": "console",
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        }
        env.pop("SQLITE_TEST_NAME", None)
        log = open(Path(folder) / "demo.log", "wb")  # noqa: SIM115 - closed below
        quiet = {"cwd": ROOT, "env": env, "stdout": log, "stderr": subprocess.STDOUT}
        t0 = time.perf_counter()
        try:
            for command in (["migrate", "--no-input"], ["seed_demo"]):
                limit = PREPARE_LIMIT_S - (time.perf_counter() - t0) if smoke else None
                subprocess.run([python, "manage.py", *command], check=True, timeout=limit, **quiet)
        except subprocess.TimeoutExpired:
            log.close()
            print(
                f"\ndemo web process memory: skipped in smoke mode, preparing the demo took "
                f"more than {PREPARE_LIMIT_S} s"
            )
            return
        prepared = time.perf_counter() - t0
        port = free_port()
        server = subprocess.Popen(
            [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], **quiet
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(base, server, Path(folder) / "demo.log")
            start_mb = peak_rss_mb(server.pid)
            first_of_role: dict[str, str] = {}
            for username, role, *_ in STAFF:
                first_of_role.setdefault(role, username)
            logins = [*first_of_role.values(), PRACTITIONERS[0][0]]
            requested = 0
            for username in logins:
                web = sign_in(base, username, DEMO_PASSWORD)
                for path in DEMO_PAGES:
                    answer = web.get(base + path, timeout=60)
                    if answer.status_code >= 500:
                        raise SystemExit(f"demo {path} as {username}: {answer.status_code}")
                    requested += 1
            peak = peak_rss_mb(server.pid)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.close()
    print(
        f"\ndemo web process (runserver --noreload, SQLite, seed_demo; prepared in "
        f"{prepared:.0f} s): {requested} requests as {len(logins)} roles"
    )
    print(
        f"  resident memory after start {start_mb:.0f} MB, peak {peak:.0f} MB "
        f"(budget {MEMORY_BUDGET_MB} MB)"
    )


def _wait_for(base: str, server: subprocess.Popen, log: Path) -> None:
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"demo server stopped: {log.read_text()[-2000:]}")
        try:
            requests.get(f"{base}/sign-in/", timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise SystemExit("demo server did not answer within 60 s")


if __name__ == "__main__":
    main()
