"""New information to a signed-off review in a real Chromium, with axe-core on every page:
a practitioner records new information (first with the error summary), the case manager
starts the review from the case page and sends it, and a manager signs it off saying what
changed (refused without it)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import Role
from screening.assessment.drafts import draft_sign_off
from screening.models import AssessmentVersion, NewInformation, Review
from tests import factories
from tests.api.test_plans_api import ready_for_sign_off
from tests.factories import make_screened_case, submit_findings
from tests.frontend.conftest import check_axe, go, heading, sign_in
from tests.frontend.test_findings_journeys import sign_out

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("default_forms_and_layout"),
]


def test_new_information_opens_a_review_that_a_manager_signs_off(web):
    case_manager = factories.make_user(
        role=Role.CASE_MANAGER, first_name="Priya", last_name="Lindqvist"
    )
    manager = factories.make_user(role=Role.YOT_MANAGER, first_name="Oren", last_name="Baptiste")
    case, sessions = make_screened_case(case_manager=case_manager)
    submit_findings(sessions["health"])
    draft_sign_off(draft=ready_for_sign_off(case), user=manager)
    practitioner = sessions["health"].practitioner.user

    sign_in(web, practitioner.username)
    web.goto(f"/cases/{case.pk}/")
    check_axe(web, "case-page-for-a-practitioner")
    go(web.get_by_role("link", name="Record new information"))
    assert heading(web) == "Record significant new information"
    check_axe(web, "new-information-form")
    go(web.get_by_role("button", name="Record the new information"))
    assert "There is a problem" in web.content()
    check_axe(web, "new-information-form-with-errors")
    web.locator("input[name=kind][value=arrest]").check()
    web.get_by_label("Summary").fill("Arrested on Saturday night outside the station.")
    today = timezone.localdate()
    web.locator("input[name=received_on_0]").fill(str(today.day))
    web.locator("input[name=received_on_1]").fill(str(today.month))
    web.locator("input[name=received_on_2]").fill(str(today.year))
    go(web.get_by_role("button", name="Record the new information"))
    assert "The new information is recorded." in web.content()
    assert NewInformation.objects.filter(case=case).count() == 1
    sign_out(web)

    sign_in(web, case_manager.username)
    web.goto(f"/cases/{case.pk}/")
    check_axe(web, "case-page-with-new-information")
    go(web.get_by_role("button", name="Start a review now"))
    assert "Review in progress" in web.content()
    check_axe(web, "review-draft")
    go(web.get_by_role("link", name="Send for sign-off"))
    go(web.get_by_role("button", name="Send for sign-off"))
    sign_out(web)

    sign_in(web, manager.username)
    web.goto(f"/cases/{case.pk}/assessment-draft/sign-off/")
    check_axe(web, "review-sign-off")
    go(web.get_by_role("button", name="Sign off"))
    assert "There is a problem" in web.content()
    check_axe(web, "review-sign-off-with-errors")
    web.get_by_label("What did the review change?").fill(
        "The arrest was not charged; nothing at home or school changed, so the plan stands."
    )
    go(web.get_by_role("button", name="Sign off"))
    assert "The review is signed off." in web.content()
    assert AssessmentVersion.objects.get(case=case, version=2).kind == "review"
    assert Review.objects.filter(case=case, status="signed_off").count() == 1
