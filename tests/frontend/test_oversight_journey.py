"""A YOT manager's oversight in a real Chromium, with axe-core on every page: the oversight
page (a list with a row, the others empty), the case it links to with its "Management
oversight" section, an empty note refused with the error summary, then a note added."""

from __future__ import annotations

import pytest

from accounts.models import Role
from screening.assessment.drafts import draft_submit
from screening.models import AssessmentDraft, OversightNote
from tests import factories
from tests.factories import make_screened_case, record_judgements, submit_findings
from tests.frontend.conftest import check_axe, go, heading, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("default_forms_and_layout"),
]


def test_a_manager_reviews_the_oversight_page_and_adds_a_note_to_a_case(web):
    manager = factories.make_user(role=Role.YOT_MANAGER, first_name="Oren", last_name="Baptiste")
    case, sessions = make_screened_case()
    submit_findings(sessions["health"])
    draft = record_judgements(AssessmentDraft.objects.get(case=case))
    draft_submit(draft=draft, user=case.case_manager)

    sign_in(web, manager.username)
    go(web.get_by_role("link", name="Oversight"))
    assert heading(web) == "Oversight"
    check_axe(web, "oversight")
    page = web.locator("main").inner_text()
    assert "Drafts awaiting sign-off (1)" in page and "No plan actions are overdue." in page
    go(web.locator("#awaiting_sign_off + table").get_by_role("link", name=case.reference))
    assert "Management oversight" in web.content()
    check_axe(web, "case-with-management-oversight")

    go(web.get_by_role("button", name="Add the note"))
    assert "There is a problem" in web.content() and "Enter the oversight note" in web.content()
    check_axe(web, "oversight-note-with-errors")
    web.get_by_label("Add a management oversight note").fill(
        "Draft read; sign-off next week once the education findings are in."
    )
    go(web.get_by_role("button", name="Add the note"))
    assert "The oversight note is added." in web.content()
    check_axe(web, "case-with-an-oversight-note")
    assert OversightNote.objects.get().author == manager
