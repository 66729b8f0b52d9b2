"""Reviews through the pages: a practitioner records new information (the form's error
summary first), the case page lists it and the review it opened, the case manager starts the
review (the draft page says why), changes the plan and sends it; the manager's sign-off asks
what changed, refuses without it, and the changed plan becomes a new action."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Role
from screening.assessment.drafts import draft_sign_off
from screening.models import AssessmentVersion, AuditEntry, NewInformation, PlanAction, Review
from tests.api.test_plans_api import PLAN, ready_for_sign_off
from tests.factories import make_screened_case, make_user, submit_findings
from tests.frontend.test_findings_pages import browser_for
from tests.messaging import freeze

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def signed(db, monkeypatch):
    freeze(monkeypatch, dt.datetime(2026, 11, 20, 10, 0, tzinfo=LONDON))
    case, sessions = make_screened_case()
    submit_findings(sessions["health"])
    manager = make_user(role=Role.YOT_MANAGER)
    draft_sign_off(draft=ready_for_sign_off(case), user=manager)
    # Tuesday 1 December 2026, a week and a half later.
    freeze(monkeypatch, dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON))
    return {"case": case, "sessions": sessions, "manager": manager}


def plan_rows(extra: dict | None = None) -> dict:
    data = {}
    for row, item in enumerate(PLAN + ([extra] if extra else [])):
        year, month, day = item["due_date"].split("-")
        data.update(
            {
                f"a{row}_action": item["action"],
                f"a{row}_owner_agency": item["owner_agency"],
                f"a{row}_category": item["category"],
                f"a{row}_due_date_0": str(int(day)),
                f"a{row}_due_date_1": str(int(month)),
                f"a{row}_due_date_2": year,
            }
        )
    return data


def test_new_information_to_a_signed_off_review_with_a_changed_plan(signed):
    case, manager = signed["case"], signed["manager"]
    health = browser_for(signed["sessions"]["health"].practitioner.user)
    url = f"/cases/{case.pk}/new-information/new/"

    refused = health.post(url, {"summary": ""}).content.decode()
    assert "govuk-error-summary" in refused
    assert 'href="#id_kind' in refused and 'href="#id_summary"' in refused
    assert 'href="#id_received_on_0"' in refused
    assert not NewInformation.objects.exists()

    recorded = health.post(
        url,
        {
            "kind": "arrest",
            "summary": "Arrested on Saturday night outside the station.",
            "received_on_0": "30",
            "received_on_1": "11",
            "received_on_2": "2026",
        },
    )
    assert recorded.status_code == 302
    item = NewInformation.objects.get()
    # Monday 30 November 2026 + 5 working days: Monday 7 December, before the scheduled
    # review's 20 February 2027.
    assert item.review.due_by == dt.date(2026, 12, 7)

    cm = browser_for(case.case_manager)
    page = cm.get(f"/cases/{case.pk}/").content.decode()
    assert "Arrested on Saturday night" in page and "Start a review now" in page
    assert "7 December 2026" in page
    assert AuditEntry.objects.filter(
        user=case.case_manager, object_type="newinformation", object_id=item.pk
    ).exists()

    draft_page = cm.get(f"/cases/{case.pk}/assessment-draft/").content.decode()
    assert "This assessment needs review" in draft_page and "Arrested on Saturday" in draft_page

    started = cm.post(f"/cases/{case.pk}/reviews/start/")
    assert started.status_code == 302 and started["Location"].endswith("/assessment-draft/")
    draft_page = cm.get(f"/cases/{case.pk}/assessment-draft/").content.decode()
    assert "Assessment review" in draft_page and "Review in progress" in draft_page

    extra = {
        "action": "Weekly check-in with the police liaison officer",
        "owner_agency": "social_care",
        "due_date": "2027-01-08",
        "category": "minimising_risk_of_harm",
    }
    saved = cm.post(f"/cases/{case.pk}/assessment-draft/plan/", plan_rows(extra))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert cm.post(f"/cases/{case.pk}/assessment-draft/submit/").status_code == 302

    boss = browser_for(manager)
    confirm = boss.get(f"/cases/{case.pk}/assessment-draft/sign-off/").content.decode()
    assert "What did the review change?" in confirm
    assert "The intervention plan changed" in confirm
    refused = boss.post(f"/cases/{case.pk}/assessment-draft/sign-off/", {"changes_summary": ""})
    body = refused.content.decode()
    assert refused.status_code == 200 and 'href="#id_changes_summary"' in body
    assert AssessmentVersion.objects.filter(case=case).count() == 1

    done = boss.post(
        f"/cases/{case.pk}/assessment-draft/sign-off/",
        {"changes_summary": "Weekly police liaison check-in added after the arrest."},
    )
    assert done.status_code == 302
    version = AssessmentVersion.objects.get(case=case, version=2)
    assert version.kind == "review" and version.changes["plan"] is True
    assert PlanAction.objects.filter(case=case).count() == len(PLAN) + 1
    assert PlanAction.objects.get(from_version=version).action == extra["action"]
    review = Review.objects.get(pk=item.review_id)
    assert (review.status, review.signed_off_on) == ("signed_off", dt.date(2026, 12, 1))
    # The next: three months after Tuesday 1 December 2026, Monday 1 March 2027.
    assert Review.objects.get(case=case, status="due").due_by == dt.date(2027, 3, 1)
    page = cm.get(f"/cases/{case.pk}/").content.decode()
    assert "Version 2, review" in page


def test_pages_refuse_people_who_may_not_use_them(signed):
    case = signed["case"]
    admin = browser_for(make_user(role=Role.YOT_ADMIN))
    assert admin.get(f"/cases/{case.pk}/new-information/new/").status_code == 403
    assert admin.post(f"/cases/{case.pk}/reviews/start/").status_code == 403
    other = browser_for(make_user(role=Role.CASE_MANAGER))
    assert other.get(f"/cases/{case.pk}/new-information/new/").status_code == 404
    assert other.post(f"/cases/{case.pk}/reviews/start/").status_code == 404
    admin_page = admin.get(f"/cases/{case.pk}/").content.decode()
    assert "New information" not in admin_page and "Start a review" not in admin_page


# --- a late review's reason on the page ------------------------------------------------------


def test_a_late_review_records_why_from_the_case_page(signed, monkeypatch):
    case = signed["case"]
    review = Review.objects.get(case=case, status="due")
    # Signed off Friday 20 November 2026: the scheduled review falls due three calendar
    # months later, Saturday 20 February 2027.
    assert review.due_by == dt.date(2027, 2, 20)
    cm = browser_for(case.case_manager)
    url = f"/cases/{case.pk}/reviews/{review.pk}/late-reason/"
    # Tuesday 1 December 2026: not late, no link; the service refuses naming the field.
    assert "Record why it is late" not in cm.get(f"/cases/{case.pk}/").content.decode()
    early = cm.post(url, {"late_reason": "Waiting for the police report."}).content.decode()
    assert 'href="#id_late_reason"' in early and "This review is not late" in early
    assert Review.objects.get(pk=review.pk).late_reason == ""

    # Monday 1 March 2027: open past its due date.
    freeze(monkeypatch, dt.datetime(2027, 3, 1, 10, 0, tzinfo=LONDON))
    cm = browser_for(case.case_manager)  # signed in afresh: the old session has expired
    page = cm.get(f"/cases/{case.pk}/").content.decode()
    assert "No reason recorded" in page and f'href="{url}"' in page
    form = cm.get(url).content.decode()
    assert "Why is the review late?" in form and "20 February 2027" in form
    blank = cm.post(url, {"late_reason": "  "}).content.decode()
    assert "govuk-error-summary" in blank and 'href="#id_late_reason"' in blank
    assert "Say why the review is late" in blank
    too_long = cm.post(url, {"late_reason": "x" * 1001}).content.decode()
    assert 'href="#id_late_reason"' in too_long
    assert Review.objects.get(pk=review.pk).late_reason == ""

    done = cm.post(url, {"late_reason": "Waiting for the police report."})
    assert done.status_code == 302 and done["Location"].endswith(f"/cases/{case.pk}/#reviews")
    assert Review.objects.get(pk=review.pk).late_reason == "Waiting for the police report."
    assert AuditEntry.objects.filter(
        user=case.case_manager,
        action=AuditEntry.Action.WRITE,
        object_type="review",
        object_id=review.pk,
        detail="review late reason",
    ).exists()
    page = cm.get(f"/cases/{case.pk}/").content.decode()
    assert "Waiting for the police report." in page and "Change the reason" in page
    boss = browser_for(signed["manager"])
    assert boss.post(url, {"late_reason": "Manager's note: leave cover."}).status_code == 302

    admin = browser_for(make_user(role=Role.YOT_ADMIN))
    assert admin.get(url).status_code == 403 and admin.post(url, {}).status_code == 403
    practitioner = browser_for(signed["sessions"]["health"].practitioner.user)
    assert practitioner.post(url, {"late_reason": "x"}).status_code == 403
    other = browser_for(make_user(role=Role.CASE_MANAGER))
    assert other.get(url).status_code == 404 and other.post(url, {}).status_code == 404
    assert Review.objects.get(pk=review.pk).late_reason == "Manager's note: leave cover."


def test_an_admin_books_the_open_review_s_visit_from_the_case_page(signed):
    case = signed["case"]
    cm = browser_for(case.case_manager)
    cm.post(
        f"/cases/{case.pk}/new-information/new/",
        {
            "kind": "arrest",
            "summary": "Arrested on Saturday night outside the station.",
            "received_on_0": "30",
            "received_on_1": "11",
            "received_on_2": "2026",
        },
    )
    review = Review.objects.get(case=case, status="due")
    admin_user = make_user(role=Role.YOT_ADMIN)
    admin = browser_for(admin_user)
    page = admin.get(f"/cases/{case.pk}/").content.decode()
    booking = f"/cases/{case.pk}/reviews/{review.pk}/book/"
    # Monday 30 November 2026 + 5 working days: Monday 7 December 2026.
    assert "Book a review visit" in page and f'href="{booking}"' in page
    assert "7 December 2026" in page
    # Need to know: the due date only, nothing of the review's reason or new information.
    assert "Arrested" not in page and "New information" not in page
    assert AuditEntry.objects.filter(
        user=admin_user, object_type="review", object_id=review.pk
    ).exists()
    AuditEntry.objects.all().delete()
    booking_page = admin.get(booking)
    assert booking_page.status_code == 200
    shown = booking_page.content.decode()
    # The booking page says it is the review's visit, and by when.
    assert "<title>Book a review visit" in shown and ">Book a review visit</h1>" in shown
    assert "The review is due by Monday 7 December 2026" in shown
    assert list(
        AuditEntry.objects.filter(user=admin_user, object_type="review").values_list(
            "object_id", "detail"
        )
    ) == [(review.pk, "review due date, to book a visit")]
    # A review that is not this case's is not found.
    other_case, _ = make_screened_case()
    assert admin.get(f"/cases/{other_case.pk}/reviews/{review.pk}/book/").status_code == 404
    # Only those who book visits open the booking page.
    practitioner = browser_for(signed["sessions"]["health"].practitioner.user)
    for other in (cm, browser_for(signed["manager"]), practitioner):
        assert other.get(booking).status_code == 403
    # Those who do not book visits see no booking entry point.
    assert "Book a review visit" not in cm.get(f"/cases/{case.pk}/").content.decode()
    # A signed-off case with no open review offers none.
    Review.objects.filter(pk=review.pk).update(status="signed_off", signed_off_on=dt.date.max)
    assert "Book a review visit" not in admin.get(f"/cases/{case.pk}/").content.decode()
