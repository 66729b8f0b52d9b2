"""Running the same work on several threads at once, as separate workers would."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

# Thread tests with their own connections: real commits, and SQLite must wait for its lock.
THREAD_TEST = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite" and connection.settings_dict["TEST"]["NAME"] is None,
        reason="SQLite thread tests need a file-based test database (SQLITE_TEST_NAME)",
    ),
]


def run_at_once(workers: int, work: Callable[[], object]) -> list[str]:
    """Run `work` on `workers` threads released together (each with its own database
    connection, closed at the end); returns the exceptions raised, as text."""
    failures: list[str] = []
    barrier = threading.Barrier(workers)

    def worker() -> None:
        barrier.wait()
        try:
            work()
        except Exception as exc:
            failures.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return failures
