"""The benchmarks' synthetic YOT writes rows the services would accept.

It writes with bulk_create, so a new required column on a model (a visit's venue, say) must
be filled here too; this test catches the miss in the suite rather than in CI's benchmark
smoke, which runs last.
"""

import sys
from collections import Counter
from pathlib import Path

import pytest

from screening.models import Case, Session, Visit, VisitStatus

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import synthetic_yot as yot  # noqa: E402


def test_every_planned_case_is_written_with_complete_visits():
    staff = yot.make_staff()
    plan = yot.plan_yot(cases=300, staff=staff)
    first = yot.first_write(plan)
    yot.write_cases(plan, first)
    written = {p.index for p in first}
    yot.write_cases(plan, [p for p in plan.cases if p.index not in written])

    assert Case.objects.count() == 300
    stages = Counter(p.stage for p in plan.cases)
    assert stages["waiting"] >= 4 and stages["booked"] >= 4
    planned_visits = sum(
        (p.visit_day is not None) + (p.cancelled_day is not None) for p in plan.cases
    )
    assert Visit.objects.count() == planned_visits
    for visit in Visit.objects.select_related("room"):
        assert visit.venue_id == visit.room.venue_id, visit.pk
        visit.full_clean(validate_constraints=False)
    live = Visit.objects.exclude(status=VisitStatus.CANCELLED)
    # one session per agency on every live visit
    assert Session.objects.filter(visit__in=live).count() == 4 * live.count()
