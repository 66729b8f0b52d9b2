"""The retention dry run on a synthetic YOT: the time to list what is due, and its query count,
which must not grow with the cases (one query per kind of activity).

    .venv/bin/python benchmarks/bench_retention.py [--smoke] [--cases N] [--repeat N]

It creates and drops its own test database, writes the list benchmark's synthetic YOT
(`synthetic_yot.py`), works out the dry run as of ten years on (so every case is due), and
prints the median time, the queries and the first line, so an empty answer cannot pass for a
fast one."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def run(*, cases: int, repeat: int) -> None:
    import synthetic_yot as yot  # beside this file
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from screening.governance.retention import retention_due

    t0 = time.perf_counter()
    staff = yot.make_staff()
    plan = yot.plan_yot(cases=cases, staff=staff)
    yot.write_cases(plan, plan.cases)
    print(f"synthetic YOT of {cases} cases written in {time.perf_counter() - t0:.1f} s")
    today = timezone.localdate() + dt.timedelta(days=3653)
    with CaptureQueriesContext(connection) as queries:
        due = retention_due(today=today)
    assert len(due) == cases, (len(due), cases)
    print(f"dry run as of {today}: {len(due)} cases due, {len(queries)} queries")
    print(f"first: {due[0]}")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        retention_due(today=today)
        times.append(time.perf_counter() - start)
    print(f"median {statistics.median(times) * 1000:.0f} ms over {repeat} runs "
          f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="small and quick, for CI")
    parser.add_argument("--cases", type=int, help="cases in the synthetic YOT")
    parser.add_argument("--repeat", type=int, help="timed dry runs")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(
            cases=args.cases or (300 if args.smoke else 10_000),
            repeat=args.repeat or (3 if args.smoke else 7),
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
