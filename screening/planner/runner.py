"""Running simulations in worker processes of their own, each on an in-memory SQLite
database migrated afresh and filled with a copy of today's set-up (ADR 0019): the live
database is only read, never locked for the run, and the worker alone drives its clock."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from agencies.models import Practitioner
from agencies.services import working_pattern_create, working_pattern_delete
from screening.models import Case, Venue
from screening.planner.clock import WORKER_ENV
from screening.planner.demand import Arrivals, Attendance, mix_from_counts
from screening.planner.results import figures
from screening.planner.setup import setup_export, setup_load
from screening.planner.simulation import Params, Simulation
from screening.venues.services import room_create, venue_create

WORKER_TIMEOUT_SECONDS = 600


def next_monday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=7 - today.weekday())


def recent_demand(*, today: dt.date) -> tuple[float, dict[str, float]] | None:
    """Orders a week and the order-type mix of the cases that started in the last 12 weeks,
    or None when there were none."""
    since = today - dt.timedelta(weeks=12)
    kinds = Counter(
        Case.objects.filter(order_start_date__gte=since, order_start_date__lt=today).values_list(
            "order_type", flat=True
        )
    )
    total = sum(kinds.values())
    return (total / 12, mix_from_counts(kinds)) if total else None


def spec_for(*, params: dict[str, Any], changes: list[dict[str, Any]], setup: str) -> dict:
    return {"params": params, "changes": changes, "setup": setup}


def export_for(first_monday: dt.date) -> str:
    tz = timezone.get_current_timezone()
    return setup_export(from_moment=dt.datetime.combine(first_monday, dt.time(0), tzinfo=tz))


def run_isolated(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one simulation in a worker process; raises RuntimeError with its last error."""
    env = {
        **os.environ,
        "DATABASE_URL": "sqlite://:memory:",
        WORKER_ENV: "1",
        "CELERY_BROKER_URL": "",
        "SMS_BACKEND": "fake",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    manage = Path(settings.BASE_DIR) / "manage.py"
    done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(manage), "simulate", "--worker"],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        env=env,
        timeout=WORKER_TIMEOUT_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"The simulation stopped: {tail[0]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@transaction.atomic
def apply_change(change: dict[str, Any], *, first_monday: dt.date) -> None:
    """A what-if change to the copied set-up, made through the admin's own services."""
    kind = change["kind"]
    if kind == "add_pattern":
        working_pattern_create(
            practitioner=Practitioner.objects.get(pk=change["practitioner"]),
            weekdays=change["weekdays"],
            start_time=dt.time.fromisoformat(change["start"]),
            end_time=dt.time.fromisoformat(change["end"]),
            valid_from=first_monday,
        )
    elif kind == "remove_pattern":
        practitioner = Practitioner.objects.get(pk=change["practitioner"])
        working_pattern_delete(practitioner=practitioner, pattern_id=change["pattern"])
    elif kind == "add_room":
        room_create(venue=Venue.objects.get(pk=change["venue"]), name=change["name"])
    elif kind == "add_venue":
        rooms = change.get("rooms", 1)
        if not isinstance(rooms, int) or not 1 <= rooms <= 20:
            raise ValueError("rooms: a new venue has from 1 to 20 rooms.")
        venue = venue_create(
            name=change["name"],
            address=change.get("address") or "A new venue (what-if)",
            opening_hours=_hours(change.get("opening_hours")),
        )
        for n in range(rooms):
            room_create(venue=venue, name=f"Room {n + 1}")
    else:
        raise ValueError(f"Unknown change {kind!r}.")


def _hours(rows: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """Opening hours as the venue service takes them (times, not the spec's text); None
    leaves its default, Monday to Friday 08:00-18:00."""
    if rows is None:
        return None
    return [
        {**row, "opens": dt.time.fromisoformat(row["opens"]),
         "closes": dt.time.fromisoformat(row["closes"])}
        for row in rows
    ]  # fmt: skip


def params_from(data: dict[str, Any]) -> Params:
    return Params(
        weeks=data["weeks"],
        first_monday=dt.date.fromisoformat(data["first_monday"]),
        arrivals=Arrivals(per_week=data["per_week"], mix=data["mix"]),
        attendance=Attendance(
            missed_rate=data.get("missed_rate", 0.15),
            confirmed_missed_rate=data.get("confirmed_missed_rate", 0.07),
        ),
        seed=data.get("seed", 1),
        model=data.get("model", "one_visit"),
    )


def _schema_file() -> Path:
    """Where the migrated, empty schema is kept for the next worker: named by the latest
    migration of each app, so a new migration makes a new file. It holds only what the
    migrations themselves write (agencies, forms, layouts, message templates)."""
    leaves = sorted(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())
    key = hashlib.sha256(repr(leaves).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"yot-planner-schema-{key}.sqlite3"


def migrate_throwaway() -> None:
    """Migrate the worker's in-memory database, or copy a schema migrated before (a migrate
    takes 10-25 s on 2 busy CPUs; the copy a fraction of a second)."""
    connection.ensure_connection()
    schema = _schema_file()
    if schema.exists():
        source = sqlite3.connect(schema)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    call_command("migrate", verbosity=0, interactive=False)
    partial = schema.with_suffix(f".{os.getpid()}.part")
    target = sqlite3.connect(partial)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    os.replace(partial, schema)


def run_here(spec: dict[str, Any], *, migrate: bool = True) -> dict[str, Any]:
    """The worker's part: migrate the throwaway database, load the set-up, apply the
    changes, simulate and count."""
    if migrate:
        migrate_throwaway()
    setup_load(spec["setup"])
    params = params_from(spec["params"])
    for change in spec["changes"]:
        apply_change(change, first_monday=params.first_monday)
    simulation = Simulation(params)
    log = simulation.run()
    return figures(params, log, now=simulation.clock.now())
