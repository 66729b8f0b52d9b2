"""The simulated clock. The services read `django.utils.timezone.now()`; the simulation sets
that clock to each event's moment. It replaces the function for the whole process, so it is
used only in a process of its own (the planner's worker, `manage.py simulate --worker`, whose
default database is the throwaway one) or in tests, never in a web or dispatcher process."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

WORKER_ENV = "PLANNER_WORKER"


class SimulatedClock:
    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("The simulated clock needs an aware moment.")
        self.moment = start.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        return self.moment

    def set(self, moment: dt.datetime) -> None:
        """Move forward to `moment` (never back: the services' records keep their order)."""
        moment = moment.astimezone(dt.UTC)
        if moment > self.moment:
            self.moment = moment


def check_throwaway() -> None:
    """Refuse to simulate on a database that is not the worker's throwaway one (or a test
    database): the simulation writes cases, visits and findings."""
    name = str(connection.settings_dict.get("NAME", ""))
    in_worker = os.environ.get(WORKER_ENV) == "1" and name in {":memory:", ""}
    in_tests = getattr(settings, "PLANNER_ALLOW_CURRENT_DATABASE", False)
    if not (in_worker or in_tests):
        raise RuntimeError(
            "The capacity planner simulates only in its own worker process on a throwaway "
            "database: run `manage.py simulate`, which starts one."
        )


def _now_defaults() -> list:
    """Model fields whose default is `timezone.now` itself (bound when the model was
    defined, so replacing the module's function does not reach them)."""
    return [
        f
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if f.default is timezone.now
    ]


@contextmanager
def driven(clock: SimulatedClock) -> Iterator[SimulatedClock]:
    """Every "now" the services and the models read is the simulated clock's, for the
    duration; restored after."""
    check_throwaway()
    # Each field's own default is put back, not whatever `timezone.now` is by then (a test
    # may have replaced the module's function meanwhile: it must not outlive the test).
    saved = [(f, f.default) for f in _now_defaults()]
    for f, _ in saved:
        _set_default(f, clock.now)
    try:
        with mock.patch("django.utils.timezone.now", clock.now):
            yield clock
    finally:
        for f, default in saved:
            _set_default(f, default)


def _set_default(field, default) -> None:
    """Set a field's default, dropping the callable Django caches from the old one
    (Field._get_default is a cached property: left alone, it would keep the simulated clock
    after the simulation ends)."""
    field.default = default
    field.__dict__.pop("_get_default", None)
