"""Issue 15's whole path in a real Chromium, with axe-core on every page: a practitioner
records new information (first with the error summary), the case manager starts the review
from the case page, a YOT admin books the review visit with two agencies only from the case
page's entry point (agencies= on the review booking page), the case manager adds an action to
the plan and sends the review, and a manager signs it off saying what changed (refused
without it). The clock is Tuesday 23 February 2027, 09:00 (tests/messaging.py NOW)."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import Role
from screening.assessment.drafts import draft_sign_off
from screening.booking.services import session_record_attendance
from screening.models import AssessmentVersion, NewInformation, PlanAction, Review, Visit
from tests import factories
from tests.api.test_plans_api import PLAN, ready_for_sign_off
from tests.factories import make_screened_case, submit_findings
from tests.frontend.conftest import check_axe, go, heading, sign_in
from tests.frontend.test_findings_journeys import sign_out
from tests.messaging import NOW, travel

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("default_forms_and_layout"),
]


def test_new_information_to_a_review_visit_a_changed_plan_and_a_sign_off(web):
    with travel(NOW):
        journey(web)


def journey(web):
    case_manager = factories.make_user(
        role=Role.CASE_MANAGER, first_name="Priya", last_name="Lindqvist"
    )
    manager = factories.make_user(role=Role.YOT_MANAGER, first_name="Oren", last_name="Baptiste")
    admin = factories.make_user(role=Role.YOT_ADMIN, first_name="Tola", last_name="Adeyemi")
    # The first visit on Thursday 5 November 2026; its practitioners work weekdays 09:00-17:00.
    case, sessions = make_screened_case(case_manager=case_manager)
    for session in sessions.values():  # the first visit took place: it is completed
        session_record_attendance(session=session, attended=True)
    submit_findings(sessions["health"])
    draft_sign_off(draft=ready_for_sign_off(case), user=manager)
    practitioner = sessions["health"].practitioner.user

    # --- new information -------------------------------------------------------------------
    sign_in(web, practitioner.username)
    web.goto(f"/cases/{case.pk}/")
    check_axe(web, "case-page-for-a-practitioner")
    go(web.get_by_role("link", name="Record new information"))
    assert heading(web) == "Record significant new information"
    check_axe(web, "new-information-form")
    go(web.get_by_role("button", name="Record the new information"))
    assert "There is a problem" in web.content()
    check_axe(web, "new-information-form-with-errors")
    web.locator("input[name=kind][value=new_offence]").check()
    web.get_by_label("Summary").fill("Charged with theft from a shop on Saturday.")
    web.locator("input[name=received_on_0]").fill("22")
    web.locator("input[name=received_on_1]").fill("2")
    web.locator("input[name=received_on_2]").fill("2027")
    go(web.get_by_role("button", name="Record the new information"))
    # Received Monday 22 February 2027 + 5 working days: Monday 1 March 2027.
    assert "A review is due by 1 March 2027." in web.content()
    review = Review.objects.get(case=case, status="due")
    assert review.due_by == dt.date(2027, 3, 1)
    assert NewInformation.objects.get(case=case).review == review
    sign_out(web)

    # --- the review starts ------------------------------------------------------------------
    sign_in(web, case_manager.username)
    web.goto(f"/cases/{case.pk}/")
    check_axe(web, "case-page-with-new-information")
    assert web.get_by_role("link", name="Book a review visit").count() == 0
    go(web.get_by_role("button", name="Start a review now"))
    assert "Review in progress" in web.content()
    check_axe(web, "review-draft")
    sign_out(web)

    # --- a review visit with two agencies -----------------------------------------------------
    sign_in(web, admin.username)
    web.goto(f"/cases/{case.pk}/")
    check_axe(web, "case-page-for-an-admin-with-a-review")
    assert "Charged with theft" not in web.content()
    go(web.get_by_role("link", name="Book a review visit"))
    assert web.url.endswith(f"/cases/{case.pk}/reviews/{review.pk}/book/")
    assert "1 March 2027" in web.locator("main").inner_text()
    check_axe(web, "review-booking")
    for code in ("speech_language", "social_care"):
        web.locator(f"input[name=agencies][value={code}]").uncheck()
    go(web.get_by_role("button", name="Show options"))
    assert "agencies=health" in web.url and "agencies=education" in web.url
    assert "agencies=social_care" not in web.url
    check_axe(web, "review-booking-two-agencies")
    first = web.locator(".govuk-summary-card").first
    go(first.get_by_role("button", name="Book this visit"))
    assert "The review visit is booked." in web.content(), web.locator("main").inner_text()[:600]
    check_axe(web, "review-visit-booked")
    visit = Visit.objects.get(review=review)
    assert {s.agency.code for s in visit.sessions.all()} == {"health", "education"}
    # Before the review's due date, so no late reason was asked for.
    assert visit.late_reason == "" and visit.start.date() <= dt.date(2027, 3, 1)
    sign_out(web)

    # --- a changed plan ----------------------------------------------------------------------
    sign_in(web, case_manager.username)
    web.goto(f"/cases/{case.pk}/assessment-draft/plan/")
    check_axe(web, "review-plan")
    row = len(PLAN)
    web.locator(f"[name=a{row}_action]").fill("Restorative justice session with the shop")
    web.locator(f"[name=a{row}_owner_agency]").select_option("social_care")
    web.locator(f"[name=a{row}_category][value=reducing_reoffending]").check()
    # Wednesday 31 March 2027, a working day after the Easter bank holidays.
    web.locator(f"[name=a{row}_due_date_0]").fill("31")
    web.locator(f"[name=a{row}_due_date_1]").fill("3")
    web.locator(f"[name=a{row}_due_date_2]").fill("2027")
    go(web.get_by_role("button", name="Save the plan"))
    assert "The intervention plan is saved." in web.content(), web.content()[:3000]
    check_axe(web, "review-draft-with-changed-plan")
    go(web.get_by_role("link", name="Send for sign-off"))
    check_axe(web, "review-send-for-sign-off")
    go(web.get_by_role("button", name="Send for sign-off"))
    sign_out(web)

    # --- sign-off ----------------------------------------------------------------------------
    sign_in(web, manager.username)
    web.goto(f"/cases/{case.pk}/assessment-draft/sign-off/")
    check_axe(web, "review-sign-off")
    assert "The intervention plan changed" in web.content()
    go(web.get_by_role("button", name="Sign off"))
    assert "There is a problem" in web.content()
    check_axe(web, "review-sign-off-with-errors")
    assert AssessmentVersion.objects.filter(case=case).count() == 1
    web.get_by_label("What did the review change?").fill(
        "A restorative justice session with the shop is added to the plan after the charge."
    )
    go(web.get_by_role("button", name="Sign off"))
    assert "The review is signed off." in web.content()
    check_axe(web, "review-signed-off")
    version = AssessmentVersion.objects.get(case=case, version=2)
    assert version.kind == "review" and version.changes["plan"] is True
    assert PlanAction.objects.get(from_version=version).due_date == dt.date(2027, 3, 31)
    signed = Review.objects.get(pk=review.pk)
    assert (signed.status, signed.signed_off_on) == ("signed_off", dt.date(2027, 2, 23))
    web.goto(f"/cases/{case.pk}/")
    check_axe(web, "case-page-after-the-review")
    assert "Version 2, review" in web.content()
