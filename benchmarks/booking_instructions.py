"""Python instructions per booking, counted by valgrind's callgrind: a figure that does not
move with the machine's load, unlike the timings of bench_booking.py (which moved by up to
40% between runs of the same code on a shared 2-core machine).

Books 10 visits to warm up, then counts the instructions of the next 40 (the client's
process only; the database server is not counted). Four-session visits with their texts
and invites, as bench_booking.py books them. Needs valgrind (Debian package).

    scripts/with-postgres .venv/bin/python benchmarks/booking_instructions.py
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WARM_UP, COUNTED = 10, 40
INNER = "BOOKING_INSTRUCTIONS_INNER"


def outer() -> None:
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian package valgrind)")
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={folder}/callgrind.out",
                sys.executable,
                __file__,
            ],
            env={**os.environ, INNER: "1"},
            capture_output=True,
            text=True,
            check=False,
        )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"the counted run failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    print(done.stdout.strip())
    print(f"python instructions per booking: {int(found.group(1)) / COUNTED / 1e6:.1f} million")


def inner() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_booking as bench  # sets up the same environment (DEBUG off, its key)
    import django

    django.setup()
    from django.db import connection, connections
    from django.test.utils import setup_test_environment

    from screening.booking.services import visit_book
    from screening.models import Case, Room

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        plan = bench.seed(WARM_UP)
        jobs = []
        for round_number, client in [(0, 0), (1, 0), (1, 2), (1, 4), (1, 6)]:
            room = Room.objects.get(pk=plan["rooms"][client])
            for case_id, team, start in bench.slots(plan, round_number=round_number, client=client):
                case = Case.objects.select_related("young_person").get(pk=case_id)
                jobs.append((room, case, bench.visit_requests(plan, team=team, start=start)))
        for room, case, sessions in jobs[:WARM_UP]:
            visit_book(case=case, room=room, sessions=sessions, late_reason="benchmark")
        toggle = ["callgrind_control", "--instr=on", str(os.getpid())]
        subprocess.run(toggle, check=True, capture_output=True)
        for room, case, sessions in jobs[WARM_UP : WARM_UP + COUNTED]:
            visit_book(case=case, room=room, sessions=sessions, late_reason="benchmark")
        toggle[1] = "--instr=off"
        subprocess.run(toggle, check=True, capture_output=True)
        print(f"database: {connection.vendor}; {COUNTED} bookings counted after {WARM_UP}")
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    inner() if os.environ.get(INNER) else outer()
