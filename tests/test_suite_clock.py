"""The tests whose rules read the clock pass at any hour: each moment below runs them in a
fresh pytest process started at that moment (SUITE_CLOCK, tests/conftest.py), on SQLite.

07:30 and 21:30 London time are inside quiet hours (21:00 to 08:00) and near the ends of
the working day; a Friday evening's "tomorrow" is a Saturday. 01:30 UTC on Sunday 28 March
2027 is 02:30 summer time, just after the clocks go forward (Easter Sunday, so the next
working day is Tuesday 30 March); 01:30 UTC on Sunday 31 October 2027 is 01:30 winter
time, the second 01:30 of that night, just after they go back."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import CLOCK_TESTS

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
MOMENTS = {
    "monday-0730-summer": "2027-06-07T07:30:00+01:00",
    "friday-2130-winter": "2027-12-10T21:30:00+00:00",
    "clocks-forward-sunday": "2027-03-28T01:30:00+00:00",
    "clocks-back-sunday": "2027-10-31T01:30:00+00:00",
}


SELECTION = "clock and not slow and not postgres and not redis and not browser"


def run_at(key: str, moment: str) -> tuple[str, int, str]:
    """Run the selection in a pytest process started at `moment`; (moment, exit code, the
    summary line and any FAILED or ERROR lines)."""
    name = os.environ.get("SQLITE_TEST_NAME", ".pytest-db.sqlite3").removesuffix(".sqlite3")
    env = {
        # SQLite, each moment in its own file: this run's test database stays as it is.
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "SUITE_CLOCK": moment,
        "SQLITE_TEST_NAME": f"{name}-clock-{key}.sqlite3",
    }
    result = subprocess.run(
        # Only the places that hold clock tests are collected (each run at each moment
        # would otherwise import and collect the whole suite).
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            SELECTION,
            *(path.rstrip("/") for path in CLOCK_TESTS),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    lines = result.stdout.strip().splitlines() or result.stderr.strip().splitlines()[-20:]
    failed = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
    return moment, result.returncode, "\n".join([lines[-1] if lines else "no output", *failed])


def test_the_clock_reading_tests_pass_at_awkward_moments():
    workers = max(1, min(len(MOMENTS), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda item: run_at(*item), MOMENTS.items()))
    failures = [f"at {moment}: {text}" for moment, code, text in results if code != 0]
    assert failures == [], "\n\n".join(failures)
    assert all(" passed" in text for _, _, text in results), results
