"""The demo shows plans under way and management oversight: signed-off cases whose plans
have actions done, open and overdue, and one case judged high risk of serious harm whose
last manager's review is older than the oversight rule allows."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from screening.models import (
    AssessmentVersion,
    NewInformation,
    OversightNote,
    PlanAction,
    Review,
)
from screening.oversight.selectors import oversight_for
from tests.messaging import travel

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.mark.parametrize("moment", [dt.datetime(2026, 12, 2, 10, tzinfo=dt.UTC)])
def test_seed_demo_shows_plans_under_way_and_a_high_risk_case_due_a_managers_review(moment):
    with travel(moment):
        call_command("seed_demo", stdout=StringIO())
        today = timezone.localdate()
        manager = User.objects.get(username="manager.hartwell")
        lists = {s.list.key: s.listed for s in oversight_for(user=manager)}
    statuses = set(PlanAction.objects.values_list("status", flat=True))
    assert {"done", "open"} <= statuses
    assert PlanAction.objects.filter(status="open", due_date__lt=today).exists()
    assert PlanAction.objects.filter(status="done", done_at__isnull=False).exists()
    assert AssessmentVersion.objects.filter(risk_of_serious_harm="high").count() == 1
    high = lists["high_risk_without_manager_review"]
    assert high.count == 1
    row = high.rows[0]
    assert row.extra["last_manager_review_by"] == "oversight_note"
    assert row.days_overdue == 3
    assert OversightNote.objects.filter(case_id=row.case).count() == 1
    assert lists["awaiting_sign_off"].count >= 1
    assert lists["actions_overdue"].count >= 1
    # Every list on the oversight page has something to show.
    assert {key: listed.count >= 1 for key, listed in lists.items()} == dict.fromkeys(lists, True)
    assert set(lists) == {
        "awaiting_sign_off",
        "reviews_due",
        "reviews_overdue",
        "actions_overdue",
        "high_risk_without_manager_review",
        "new_information_without_review",
    }
    # Wednesday 2 December 2026: a review due next week (by Wednesday 9 December), one
    # overdue, new information received last week (Wednesday 25 November).
    due = set(Review.objects.filter(status="due").values_list("due_by", flat=True))
    assert any(dt.date(2026, 12, 3) <= day <= dt.date(2026, 12, 9) for day in due)
    assert any(day < dt.date(2026, 12, 2) for day in due)
    assert NewInformation.objects.filter(received_on=dt.date(2026, 11, 25)).count() == 1
