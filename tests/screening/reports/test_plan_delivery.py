"""The timeliness report's plan actions: done on time, done late, not done, open overdue
(not yet due not counted), by the month of the due date, local dates in the YOT's zone; the
database's grouped count agrees with the per-action rule (`outcome_of`) around clock changes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Role
from screening.assessment.plans import plan_action_create, plan_action_update
from screening.models import PlanAction, PlanActionStatus
from screening.reports.plan_delivery import Delivery, outcome_of, plan_delivery
from screening.reports.timeliness import timeliness_for
from tests.api import test_plans_api
from tests.api.test_plans_api import MANAGER
from tests.factories import make_case, make_user
from tests.messaging import freeze

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
world = test_plans_api.world  # a signed-off case: actions due 1 June, 30 June, 2 July 2027


def done(monkeypatch, action, user, moment: dt.datetime, status: str = "done"):
    freeze(monkeypatch, moment)
    return plan_action_update(action=action, user=user, status=status, note="Recorded.")


def test_plan_actions_by_their_due_date_in_london(world, monkeypatch):
    manager, actions, case = world["users"][MANAGER], world["actions"], world["case"]
    # Due Tuesday 1 June 2027, done 23:30 that day in London (22:30 UTC): on time.
    done(monkeypatch, actions["health"], manager, dt.datetime(2027, 6, 1, 23, 30, tzinfo=LONDON))
    # Due Wednesday 30 June, done 00:30 on 1 July in London (23:30 UTC on 30 June): late.
    done(monkeypatch, actions["education"], manager, dt.datetime(2027, 7, 1, 0, 30, tzinfo=LONDON))
    # The social care action, due Friday 2 July, stays open: overdue on Monday 5 July.
    freeze(monkeypatch, dt.datetime(2027, 6, 1, 9, tzinfo=LONDON))
    added = [
        plan_action_create(
            case=case,
            user=manager,
            action=text,
            category="reducing_reoffending",
            due_date=due,
            owner=manager,
        )
        for text, due in [("Mentoring sessions", "2027-07-10"), ("Weekly check-in", "2027-07-20")]
    ]
    refused = added[0]
    # Recorded not done before its due date: settled, counted as not done.
    done(monkeypatch, refused, manager, dt.datetime(2027, 7, 4, 10, tzinfo=LONDON), "not_done")
    freeze(monkeypatch, dt.datetime(2027, 7, 5, 12, tzinfo=LONDON))
    report = timeliness_for(
        user=manager, first_month=dt.date(2027, 6, 1), last_month=dt.date(2027, 7, 1)
    )
    delivery = report.plan_actions
    assert delivery.by_month == [
        (dt.date(2027, 6, 1), Delivery(done_on_time=1, done_late=1)),
        (dt.date(2027, 7, 1), Delivery(not_done=1, open_overdue=1)),
    ]
    assert delivery.total == Delivery(done_on_time=1, done_late=1, not_done=1, open_overdue=1)
    assert (delivery.total.percent, delivery.not_yet_due) == (25, 1)


def test_reopening_a_done_action_clears_when_it_was_done(world, monkeypatch):
    manager, health = world["users"][MANAGER], world["actions"]["health"]
    first = done(monkeypatch, health, manager, dt.datetime(2027, 5, 30, 10, tzinfo=LONDON))
    assert first.done_at == dt.datetime(2027, 5, 30, 9, tzinfo=dt.UTC)
    # Saving it again while done keeps the moment it was first done.
    again = done(monkeypatch, health, manager, dt.datetime(2027, 6, 3, 10, tzinfo=LONDON))
    assert again.done_at == first.done_at
    reopened = done(
        monkeypatch, health, manager, dt.datetime(2027, 6, 3, 11, tzinfo=LONDON), "open"
    )
    assert reopened.done_at is None
    redone = done(monkeypatch, health, manager, dt.datetime(2027, 6, 4, 10, tzinfo=LONDON))
    assert redone.done_at == dt.datetime(2027, 6, 4, 9, tzinfo=dt.UTC)


def test_the_page_and_csv_show_the_plan_actions(world, monkeypatch):
    from tests.frontend.test_findings_pages import browser_for

    manager = world["users"][MANAGER]
    done(
        monkeypatch, world["actions"]["health"], manager, dt.datetime(2027, 6, 1, 9, tzinfo=LONDON)
    )
    freeze(monkeypatch, dt.datetime(2027, 7, 5, 12, tzinfo=LONDON))
    client = browser_for(manager)
    page = client.get("/reports/timeliness/?start=2027-06&end=2027-07").content.decode()
    assert "Plan actions done by their due date" in page
    assert "Open, overdue" in page
    csv = client.get("/reports/timeliness.csv?start=2027-06&end=2027-07").content.decode()
    lines = csv.splitlines()
    # Health (due 1 June) done on time; education (due 30 June) and social care (due 2 July)
    # are still open, overdue on 5 July.
    assert "plan actions,2027-06,1,0,0,1,2,50" in lines
    assert "plan actions,2027-07,0,0,0,1,1,0" in lines
    assert "plan actions,whole period,1,0,0,2,3,33" in lines


# --- the database count agrees with the per-action rule ------------------------------------

# Around the spring clock change (Sunday 28 March 2027) and the autumn one (31 October).
FIRST, END = dt.date(2027, 3, 1), dt.date(2027, 5, 1)
DUE_DAYS = [dt.date(2027, 3, 27), dt.date(2027, 3, 28), dt.date(2027, 3, 29), dt.date(2027, 3, 31)]
DUE_DAYS += [dt.date(2027, 4, 1), dt.date(2027, 4, 30), dt.date(2027, 2, 28), dt.date(2027, 5, 1)]
TODAY = dt.date(2027, 3, 29)

action = st.tuples(
    st.sampled_from(DUE_DAYS),
    st.sampled_from(PlanActionStatus.values),
    # Minutes from 22:00 UTC the day before the due date to 03:00 UTC two days after, often
    # one either side of a local midnight: the due date begins at minute 60 in British Summer
    # Time (23:00 UTC the day before), 120 in GMT, and ends at minute 1500 or 1560.
    st.one_of(
        st.sampled_from([59, 60, 61, 119, 120, 121, 1499, 1500, 1501, 1530, 1559, 1560, 1561]),
        st.integers(min_value=0, max_value=53 * 60),
    ),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=st.lists(action, max_size=12))
def test_the_database_count_agrees_with_the_rule_for_each_action(db, actions):
    with transaction.atomic():
        owner = make_user(role=Role.YOT_MANAGER)
        case = make_case()
        made = []
        for due, status, minutes in actions:
            start = dt.datetime.combine(due - dt.timedelta(days=1), dt.time(22), tzinfo=dt.UTC)
            done_at = start + dt.timedelta(minutes=minutes) if status == "done" else None
            made.append(
                PlanAction(
                    case=case,
                    action="Check in",
                    category="reducing_reoffending",
                    owner=owner,
                    due_date=due,
                    status=status,
                    done_at=done_at,
                )
            )
        PlanAction.objects.bulk_create(made)
        months = [dt.date(2027, 3, 1), dt.date(2027, 4, 1)]
        got = plan_delivery(first=FIRST, end=END, months=months, today=TODAY, zone=LONDON)
        expected, per_month, not_yet_due = Delivery(), {m: Delivery() for m in months}, 0
        for item in made:
            if not FIRST <= item.due_date < END:
                continue
            done_on = item.done_at.astimezone(LONDON).date() if item.done_at else None
            outcome = outcome_of(
                status=item.status, done_on=done_on, due=item.due_date, today=TODAY
            )
            if outcome == 4:
                not_yet_due += 1
                continue
            expected.add(outcome, 1)
            per_month[item.due_date.replace(day=1)].add(outcome, 1)
        assert got.total == expected
        assert got.by_month == list(per_month.items())
        assert got.not_yet_due == not_yet_due
        transaction.set_rollback(True)
