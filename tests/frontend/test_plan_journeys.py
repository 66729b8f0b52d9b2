"""From judgements to a delivered plan in a real Chromium, with axe-core on every page: the
case manager records the judgements and sends the draft; a manager signs it off; the plan's
actions appear on the case page; their owner marks one done."""

from __future__ import annotations

import pytest

from accounts.models import Role
from screening.assessment.drafts import draft_edit
from screening.models import AssessmentDraft, AssessmentVersion, PlanAction
from tests import factories
from tests.api.test_plans_api import PLAN
from tests.factories import make_screened_case, submit_findings
from tests.frontend.conftest import check_axe, go, heading, sign_in
from tests.frontend.test_findings_journeys import sign_out

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("default_forms_and_layout"),
]


def choose(page, name: str, value: str) -> None:
    page.locator(f"input[name={name}][value={value}]").check()


def test_judgements_then_sign_off_make_plan_actions_that_an_owner_marks_done(web):
    case_manager = factories.make_user(
        role=Role.CASE_MANAGER, first_name="Priya", last_name="Lindqvist"
    )
    manager = factories.make_user(role=Role.YOT_MANAGER, first_name="Oren", last_name="Baptiste")
    case, sessions = make_screened_case(case_manager=case_manager)
    submit_findings(sessions["health"])
    draft_edit(
        draft=AssessmentDraft.objects.get(case=case),
        user=case_manager,
        plan=PLAN,
        plan_reviewed=True,
    )

    # The case manager records the three judgements, one at first left out.
    sign_in(web, case_manager.username)
    web.goto(f"/cases/{case.pk}/assessment-draft/")
    check_axe(web, "draft-without-judgements")
    go(web.get_by_role("link", name="Record the judgements"))
    assert heading(web) == "Your judgements"
    check_axe(web, "judgements-form")
    choose(web, "risk_of_serious_harm", "medium")
    web.get_by_label("Why: risk of serious harm to others").fill("Threats made to a classmate.")
    choose(web, "safety_and_wellbeing", "high")
    web.get_by_label("Why: safety and wellbeing").fill("Missing from home twice this month.")
    go(web.get_by_role("button", name="Save the judgements"))
    assert "There is a problem" in web.content()
    check_axe(web, "judgements-form-with-errors")
    choose(web, "likelihood_of_reoffending", "medium")
    web.get_by_label("Why: likelihood of reoffending").fill("Second offence this year.")
    go(web.get_by_role("button", name="Save the judgements"))
    assert "The judgements are saved." in web.content()
    assert "Missing from home twice this month." in web.content()
    check_axe(web, "draft-with-judgements")
    go(web.get_by_role("link", name="Send for sign-off"))
    check_axe(web, "send-for-sign-off")
    assert "None: all three are recorded" in web.content()
    go(web.get_by_role("button", name="Send for sign-off"))
    assert "The draft is sent for sign-off." in web.content()
    sign_out(web)

    # A manager signs it off; the plan becomes actions on the case page.
    sign_in(web, manager.username)
    web.goto(f"/cases/{case.pk}/assessment-draft/")
    go(web.get_by_role("link", name="Sign off"))
    check_axe(web, "sign-off-confirm")
    go(web.get_by_role("button", name="Sign off"))
    assert "The draft is signed off." in web.content()
    assert AssessmentVersion.objects.filter(case=case).count() == 1
    web.goto(f"/cases/{case.pk}/")
    check_axe(web, "case-with-plan-actions")
    assert "Judgements over time" in web.content()
    actions = web.locator("#plan-actions + table")
    for item in PLAN:
        assert item["action"] in actions.inner_text()
    sign_out(web)

    # The health practitioner sees their agency's action only and marks it done.
    health = sessions["health"].practitioner.user
    sign_in(web, health.username)
    go(web.get_by_role("link", name="Plan actions"))
    assert heading(web) == "Plan actions"
    check_axe(web, "my-plan-actions")
    listed = web.locator("main").inner_text()
    assert "Refer to CAMHS" in listed
    assert "Return to a full timetable" not in listed and "safety plan" not in listed
    go(web.get_by_role("link", name="Refer to CAMHS"))
    check_axe(web, "plan-action")
    choose(web, "status", "done")
    web.get_by_label("Note").fill("Seen by CAMHS on Tuesday.")
    go(web.get_by_role("button", name="Save"))
    assert "The action is updated." in web.content()
    check_axe(web, "my-plan-actions-after-update")
    done = PlanAction.objects.get(case=case, owner_agency__code="health")
    assert (done.status, done.note) == ("done", "Seen by CAMHS on Tuesday.")
