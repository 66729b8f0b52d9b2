"""Reading an untrusted calendar in a child process with hard time and memory limits.

`ical.busy_spans` bounds its own work as it expands (occurrences, a deadline checked as
each is built), but some rules make the recurrence library loop for seconds between two
occurrences (a rule that can never happen is searched for until the year 9999), and
nothing in-process can interrupt that. So the background worker reads each imported file
here: a fresh interpreter (`python -m screening.integrations.isolated`) caps its own
address space, reads the file from stdin with the same in-process bounds, and writes the
spans as JSON; the parent kills it at the time limit. Nothing here knows Django.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import resource
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from screening.integrations.ical import CalendarUnreadable, Span, busy_spans, too_slow

logger = logging.getLogger(__name__)

# Where `python -m screening...` finds the project.
ROOT = Path(__file__).resolve().parents[2]
# Time the child keeps back from its own deadline to write its answer and exit.
MARGIN_SECONDS = 0.2
OUT_OF_MEMORY = 3


def too_big_to_read(memory_mb: int) -> str:
    return (
        f"The calendar needs more than {memory_mb} MB to read; it may repeat events too "
        "often to be imported."
    )


def busy_spans_isolated(
    data: bytes,
    *,
    start: dt.datetime,
    end: dt.datetime,
    zone: ZoneInfo,
    skip_uid_suffix: str | None = None,
    seconds: float,
    memory_mb: int,
    max_occurrences: int,
) -> list[Span]:
    """`ical.busy_spans` in a child process that is stopped after `seconds` and may use
    at most `memory_mb` of memory; raises CalendarUnreadable, and nothing else."""
    deadline = time.monotonic() + seconds
    header = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "zone": zone.key,
        "skip_uid_suffix": skip_uid_suffix,
        "max_occurrences": max_occurrences,
        "seconds": seconds,
        "deadline": deadline,  # CLOCK_MONOTONIC is the same for every process
        "memory_mb": memory_mb,
    }
    try:
        # A fixed command; the untrusted file goes to the child's stdin, never its arguments.
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-m", __name__],
            input=json.dumps(header).encode() + b"\n" + data,
            capture_output=True,
            timeout=seconds,
            cwd=ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired as error:  # run() has killed it
        raise CalendarUnreadable(too_slow(seconds)) from error
    if done.returncode == OUT_OF_MEMORY:
        raise CalendarUnreadable(too_big_to_read(memory_mb))
    try:
        answer = json.loads(done.stdout)
    except ValueError as error:
        # Killed by the memory cap in a way Python could not catch, or a crash.
        logger.warning(
            "the calendar reader stopped with code %s: %s",
            done.returncode,
            done.stderr[-2000:].decode(errors="replace"),
        )
        raise CalendarUnreadable(
            f"The calendar could not be read (the reader stopped with code {done.returncode})."
        ) from error
    if "error" in answer:
        raise CalendarUnreadable(answer["error"])
    return [
        (dt.datetime.fromisoformat(s), dt.datetime.fromisoformat(e)) for s, e in answer["spans"]
    ]


def _child() -> int:
    """Read one calendar from stdin (a JSON header line, then the file) and answer
    `{"spans": [[start, end], ...]}` or `{"error": "..."}` on stdout."""
    header_line = sys.stdin.buffer.readline()
    header = json.loads(header_line)
    limit = header["memory_mb"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    data = sys.stdin.buffer.read()
    try:
        spans = busy_spans(
            data,
            start=dt.datetime.fromisoformat(header["start"]),
            end=dt.datetime.fromisoformat(header["end"]),
            zone=ZoneInfo(header["zone"]),
            skip_uid_suffix=header["skip_uid_suffix"],
            max_occurrences=header["max_occurrences"],
            seconds=header["seconds"],
            deadline=header["deadline"] - MARGIN_SECONDS,
        )
        answer: dict = {"spans": [[s.isoformat(), e.isoformat()] for s, e in spans]}
    except CalendarUnreadable as error:
        answer = {"error": str(error)}
    except MemoryError:
        return OUT_OF_MEMORY
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(_child())
