"""The lists the oversight page reads: reviews due within the next week, overdue reviews and
new information that no signed-off review has taken in yet, scoped to the reader."""

import datetime as dt

import pytest

from accounts.models import Role
from screening.assessment.review_selectors import (
    new_information_without_review,
    reviews_due,
    reviews_overdue,
)
from screening.assessment.reviews import new_information_record, review_start
from screening.models import AuditEntry, Review
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db

# Wednesday 2 December 2026.
TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def cases():
    made = {}
    for name, due in [
        ("overdue", dt.date(2026, 12, 1)),
        ("today", TODAY),
        ("in_six_days", dt.date(2026, 12, 8)),
        ("in_seven_days", dt.date(2026, 12, 9)),
    ]:
        case = make_case(case_manager=make_user(role=Role.CASE_MANAGER))
        Review.objects.create(case=case, reason="scheduled", due_by=due)
        made[name] = case
    done = make_case(case_manager=made["today"].case_manager)
    Review.objects.create(
        case=done, reason="scheduled", due_by=dt.date(2026, 11, 1), status="signed_off"
    )
    return made


def test_reviews_due_lists_open_reviews_due_today_and_the_six_days_after(cases):
    rows = reviews_due(TODAY)
    assert [r["reference"] for r in rows] == [
        cases["today"].reference,
        cases["in_six_days"].reference,
    ]
    assert rows[0]["due_by"] == TODAY and rows[0]["case"] == cases["today"].pk
    assert rows[0]["status"] == "due" and rows[0]["reason"] == "scheduled"


def test_reviews_overdue_lists_open_reviews_past_their_date_not_signed_off_ones(cases):
    rows = reviews_overdue(TODAY)
    assert [(r["reference"], r["due_by"]) for r in rows] == [
        (cases["overdue"].reference, dt.date(2026, 12, 1))
    ]


def test_a_case_manager_sees_only_their_own_cases_and_an_admin_none(cases):
    own = cases["in_six_days"].case_manager
    assert [r["case"] for r in reviews_due(TODAY, user=own)] == [cases["in_six_days"].pk]
    assert reviews_overdue(TODAY, user=make_user(role=Role.YOT_ADMIN)) == []
    manager = make_user(role=Role.YOT_MANAGER)
    assert len(reviews_due(TODAY, user=manager)) == 2


def test_new_information_without_review_until_its_review_is_signed_off(cases, monkeypatch):
    from tests.messaging import freeze

    freeze(monkeypatch, dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC))
    case = cases["in_seven_days"]
    item = new_information_record(
        case=case,
        user=case.case_manager,
        kind="arrest",
        summary="Arrested on Saturday.",
        received_on=dt.date(2026, 11, 30),
    )
    manager = make_user(role=Role.YOT_MANAGER)
    rows = new_information_without_review(user=manager)
    # Monday 30 November 2026 + 5 working days: Monday 7 December, before the 9th.
    assert rows == [
        {
            "case": case.pk,
            "reference": case.reference,
            "due_by": dt.date(2026, 12, 7),
            "id": item.pk,
            "kind": "arrest",
            "received_on": dt.date(2026, 11, 30),
            "review": item.review_id,
            "review_status": "due",
        }
    ]
    assert AuditEntry.objects.filter(
        user=manager, action="read", object_type="newinformation", object_id=item.pk
    ).exists()
    assert new_information_without_review(user=make_user(role=Role.CASE_MANAGER)) == []
    Review.objects.filter(pk=item.review_id).update(status="signed_off")
    assert new_information_without_review() == []
    with pytest.raises(Exception, match="not signed off"):
        review_start(case=case, user=case.case_manager)


def test_the_audit_log_says_what_was_done_in_words(cases):
    from screening.audit import audit_entry_words

    case = cases["today"]
    new_information_record(
        case=case,
        user=case.case_manager,
        kind="arrest",
        summary="Arrested.",
        received_on=TODAY,
    )
    new_information_without_review(user=make_user(role=Role.YOT_MANAGER))
    words = {
        audit_entry_words(e, agency_names={})
        for e in AuditEntry.objects.filter(object_type="newinformation")
    }
    assert words == {
        "Recorded significant new information (arrest)",
        "Read significant new information",
    }
