"""Work-list journeys in a real Chromium, with axe-core on every page: a YOT manager finds a
draft waiting for sign-off on their home page and signs it off from there."""

from __future__ import annotations

import re

import pytest

from accounts.models import Role
from screening.assessment.findings import findings_submit
from screening.models import AssessmentDraft, DraftStatus, WorkEmail
from tests import factories
from tests.factories import complete_answers, make_screened_case
from tests.frontend.conftest import check_axe, go, heading, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("default_forms_and_layout"),
]


def test_a_manager_finds_a_draft_on_their_home_page_and_signs_it_off(web):
    case_manager = factories.make_user(
        role=Role.CASE_MANAGER, first_name="Priya", last_name="Lindqvist"
    )
    manager = factories.make_user(role=Role.YOT_MANAGER, first_name="Oren", last_name="Baptiste")
    case, sessions = make_screened_case(case_manager=case_manager)
    health = sessions["health"]
    answers = complete_answers("health")
    findings_submit(session=health, user=health.practitioner.user, answers=answers)
    factories.record_judgements(case.assessment_draft)
    person = case.young_person

    # The case manager finds the draft on their home page and sends it for sign-off.
    sign_in(web, case_manager.username)
    assert heading(web) == "Dashboard"
    check_axe(web, "case-manager-home-with-drafts")
    drafts = web.locator("table[aria-labelledby=drafts]")
    assert person.given_name in drafts.inner_text()
    go(drafts.get_by_role("link", name=re.compile(f"^{case.reference}.*edit the draft$")))
    assert heading(web) == "Initial assessment draft"
    go(web.get_by_role("link", name="Send for sign-off"))
    go(web.get_by_role("button", name="Send for sign-off"))
    assert "The draft is sent for sign-off." in web.content()
    assert WorkEmail.objects.filter(recipient=manager, kind="sent_for_sign_off").exists()
    go(web.get_by_role("button", name="Sign out"))

    # The manager's home lists it; they open it from there and sign it off.
    sign_in(web, manager.username)
    assert heading(web) == "Dashboard"
    check_axe(web, "manager-home-with-draft-to-sign-off")
    waiting = web.locator("table[aria-labelledby=sign-off]")
    assert "Priya Lindqvist" in waiting.inner_text()
    link = re.compile(f"^{case.reference}.*read and sign off the draft$")
    go(waiting.get_by_role("link", name=link))
    assert heading(web) == "Initial assessment draft"
    go(web.get_by_role("link", name="Sign off"))
    assert heading(web) == "Sign off the assessment?"
    go(web.get_by_role("button", name="Sign off"))
    assert "The draft is signed off." in web.content()
    assert AssessmentDraft.objects.get(case=case).status == DraftStatus.SIGNED_OFF
    assert WorkEmail.objects.filter(recipient=case_manager, kind="signed_off").exists()

    go(web.get_by_role("link", name="Dashboard"))
    assert "No drafts are waiting for sign-off." in web.content()
    check_axe(web, "manager-home-nothing-to-sign-off")
