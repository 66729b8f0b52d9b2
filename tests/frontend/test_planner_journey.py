"""A YOT manager runs the capacity planner in a real Chromium, with a what-if pattern, and
reads the one-visit model beside separate appointments; axe-core on every page."""

from __future__ import annotations

import pytest

from accounts.models import Role
from screening.models import PlannerRun
from screening.planner import jobs
from tests import factories
from tests.frontend.conftest import check_axe, go, heading, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_manager_runs_a_what_if_and_sees_it_beside_the_baselines(web, yot, monkeypatch):
    # The job runs in the request here (the real workers, one after another) instead of
    # being started detached, so the page the browser lands on has the figures.
    monkeypatch.setattr(
        jobs, "_spawn", lambda pk: jobs.planner_run_play(run=PlannerRun.objects.get(pk=pk))
    )
    manager = factories.make_user(role=Role.YOT_MANAGER, username="manager.planner")
    web.set_default_timeout(600_000)
    sign_in(web, manager.username)
    web.goto("/planner/")
    assert heading(web) == "Capacity planner"
    check_axe(web, "planner")
    web.get_by_label("Weeks to simulate").fill("1")
    web.get_by_label("Orders a week").fill("3")
    web.get_by_label("Visits missed (per cent)").fill("0")
    web.get_by_label("What-if: add a weekly pattern for").select_option(
        label=str(yot["team"]["health"])
    )
    web.get_by_label("On", exact=True).select_option(label="Tuesday")
    web.get_by_label("From (HH:MM)").fill("09:00")
    web.get_by_label("Until (HH:MM)").fill("12:00")
    go(web.get_by_role("button", name="Run the planner"))
    assert heading(web).startswith("Capacity planner: 1 weeks")
    for name in ("Baseline: one visit", "Baseline: separate appointments", "What-if: one visit"):
        assert web.get_by_role("rowheader", name=name).is_visible()
    assert web.locator("svg[role=img]").count() == 3
    check_axe(web, "planner-run")
