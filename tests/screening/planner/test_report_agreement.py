"""The planner counts on-time with the timeliness report's rule: the real report, run over
a simulated run's rows, gives the simulator's own counts, whatever the demand, the missed
visits and the delays."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Role
from agencies.models import Agency
from screening.planner.demand import Arrivals, Attendance, Delay
from screening.planner.results import figures
from screening.planner.simulation import Params, Simulation
from screening.reports.timeliness import timeliness_for
from tests.factories import make_room, make_user, make_working_practitioner

MONDAY = dt.date(2027, 6, 7)


class _RollBack(Exception):
    pass


@pytest.mark.slow
@pytest.mark.django_db
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    seed=st.integers(0, 10_000),
    per_week=st.sampled_from([1.0, 3.0, 6.0]),
    missed=st.sampled_from([0.0, 0.3, 0.8]),
    findings_late=st.sampled_from([0.0, 0.5]),
    sign_off_late=st.sampled_from([0.0, 0.5]),
)
def test_report_over_simulated_rows_equals_simulator_counts(
    django_db_setup, seed, per_week, missed, findings_late, sign_off_late
):
    from django.conf import settings as django_settings

    django_settings.PLANNER_ALLOW_CURRENT_DATABASE = True
    try:
        with transaction.atomic():
            Agency.objects.exclude(code__in=["health", "education"]).update(
                required_by_default=False
            )
            make_working_practitioner(agency="health", weekdays=[1, 3], hours=(9, 12))
            make_working_practitioner(agency="education", weekdays=[1, 2, 3], hours=(9, 13))
            make_room()
            params = Params(
                weeks=3,
                first_monday=MONDAY,
                arrivals=Arrivals(per_week=per_week, mix={"referral_order": 1, "other": 1}),
                attendance=Attendance(missed_rate=missed, confirmed_missed_rate=missed / 2),
                findings_delay=Delay(median=1, late_share=findings_late, due=2),
                sign_off_delay=Delay(median=1, late_share=sign_off_late, due=3),
                seed=seed,
            )
            simulation = Simulation(params)
            log = simulation.run()
            now = simulation.clock.now()
            ours = figures(params, log, now=now)
            report = timeliness_for(
                user=make_user(role=Role.YOT_MANAGER),
                first_month=dt.date(2027, 1, 1),
                last_month=dt.date(2028, 12, 1),
                now=now,
            )
            stages = {s.key: s for s in report.stages}
            for key, mine in (
                ("visit", ours["visit"]),
                ("findings", ours["findings"]),
                (
                    "assessment",
                    ours["assessment"].get("all", {"on_time": 0, "late": 0, "not_yet_due": 0}),
                ),
            ):
                theirs = stages[key]
                assert (theirs.total.on_time, theirs.total.late, theirs.not_yet_due) == (
                    mine["on_time"],
                    mine["late"],
                    mine["not_yet_due"],
                ), key
            raise _RollBack
    except _RollBack:
        pass
    finally:
        django_settings.PLANNER_ALLOW_CURRENT_DATABASE = False
