"""Planner runs started from the page: a PlannerRun row, then a detached
`manage.py simulate --run ID` that plays the runs in workers and stores the results. The web
process only starts it; it never runs a simulation itself (ADR 0019)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from screening.access import can
from screening.models import PlannerRun
from screening.planner import runner
from screening.planner.simulation import ONE_VISIT, SEPARATE


def _spawn(run_id: int) -> None:
    manage = Path(settings.BASE_DIR) / "manage.py"
    subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(manage), "simulate", "--run", str(run_id)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=os.environ.copy(),
    )


def planner_run_start(
    *, user: User, params: dict[str, Any], changes: list[dict[str, Any]]
) -> PlannerRun:
    """Record a run and start its job once the row is committed; raises PermissionError for
    a role that does not plan capacity."""
    if not can(user, "capacity_planner", "create"):
        raise PermissionError("Only YOT managers run the capacity planner.")
    run = PlannerRun.objects.create(requested_by=user, params=params, changes=changes)
    transaction.on_commit(lambda: _spawn(run.pk))
    return run


def planner_run_play(*, run: PlannerRun) -> PlannerRun:
    """Play a recorded run: the baseline in both models and, with changes, the what-if;
    the row says finished or failed (with the reason) at the end."""
    PlannerRun.objects.filter(pk=run.pk).update(status=PlannerRun.Status.RUNNING)
    params = dict(run.params)
    first = params["first_monday"]
    setup = runner.export_for(dt.date.fromisoformat(first))
    plan = [("Baseline: one visit", {**params, "model": ONE_VISIT}, []),
            ("Baseline: separate appointments", {**params, "model": SEPARATE}, [])]  # fmt: skip
    if run.changes:
        plan.append(("What-if: one visit", {**params, "model": ONE_VISIT}, run.changes))
    results = []
    try:
        for name, p, c in plan:
            result = runner.run_isolated(runner.spec_for(params=p, changes=c, setup=setup))
            results.append({"name": name, "changes": c, **result})
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        run.status, run.error = PlannerRun.Status.FAILED, str(error)[:1000]
    else:
        run.status, run.results = PlannerRun.Status.DONE, results
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "results", "finished_at"])
    return run
