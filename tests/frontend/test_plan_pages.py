"""The judgements and plan pages: the case manager records the judgements; sign-off without
them says which are missing; the case page shows judgements over time and the plan's
actions on need to know; owners record their actions done."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Role
from screening.assessment.drafts import draft_sign_off
from screening.models import AssessmentDraft, AuditEntry, DraftStatus, PlanAction
from tests.api.test_plans_api import PLAN, ready_for_sign_off
from tests.factories import make_practitioner, make_screened_case, make_user, submit_findings
from tests.frontend.test_findings_pages import browser_for
from tests.messaging import freeze

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def signed(db):
    case, sessions = make_screened_case()
    submit_findings(sessions["health"])
    manager = make_user(role=Role.YOT_MANAGER)
    draft_sign_off(draft=ready_for_sign_off(case), user=manager)
    actions = {a.owner_agency.code: a for a in PlanAction.objects.filter(case=case)}
    return {"case": case, "sessions": sessions, "manager": manager, "actions": actions}


def test_the_case_manager_records_the_judgements_each_with_a_reason(db):
    case, sessions = make_screened_case()
    submit_findings(sessions["health"])
    client = browser_for(case.case_manager)
    url = f"/cases/{case.pk}/assessment-draft/judgements/"
    page = client.get(url).content.decode()
    assert "Risk of serious harm to others" in page and "Very high" in page
    refused = client.post(url, {"risk_of_serious_harm": "high"}).content.decode()
    assert "Give the reason for the risk of serious harm to others judgement" in refused
    assert "Choose the likelihood of reoffending level" in refused
    assert AssessmentDraft.objects.get(case=case).missing_judgements() == [
        "risk_of_serious_harm",
        "safety_and_wellbeing",
        "likelihood_of_reoffending",
    ]
    saved = client.post(
        url,
        {
            "risk_of_serious_harm": "high",
            "risk_of_serious_harm_reason": "Carried a knife to school.",
            "safety_and_wellbeing": "medium",
            "safety_and_wellbeing_reason": "Stays out late.",
            "likelihood_of_reoffending": "low",
            "likelihood_of_reoffending_reason": "First offence.",
        },
        follow=True,
    ).content.decode()
    assert "The judgements are saved." in saved and "Carried a knife to school." in saved
    assert AssessmentDraft.objects.get(case=case).missing_judgements() == []


def test_signing_off_without_judgements_says_which_are_missing(db):
    case, sessions = make_screened_case()
    submit_findings(sessions["health"])
    draft = ready_for_sign_off(case, judgements=False)
    manager = browser_for(make_user(role=Role.YOT_MANAGER))
    confirm = manager.get(f"/cases/{case.pk}/assessment-draft/sign-off/").content.decode()
    assert "Judgements not recorded" in confirm and "Likelihood of reoffending" in confirm
    refused = manager.post(f"/cases/{case.pk}/assessment-draft/sign-off/").content.decode()
    assert "Record the risk of serious harm to others judgement" in refused
    assert "Record the likelihood of reoffending judgement" in refused
    assert AssessmentDraft.objects.get(pk=draft.pk).status == DraftStatus.AWAITING_SIGN_OFF


def test_the_case_page_shows_judgements_over_time_and_the_plan_actions(signed, monkeypatch):
    case = signed["case"]
    freeze(monkeypatch, dt.datetime(2027, 6, 2, 9, 0, tzinfo=LONDON))
    AuditEntry.objects.all().delete()
    page = browser_for(case.case_manager).get(f"/cases/{case.pk}/").content.decode()
    assert "Judgements over time" in page and "Threats made to a classmate." in page
    for item in PLAN:
        assert item["action"].replace("'", "&#x27;") in page
    # Due 1 June 2027, open on 2 June: overdue to the case manager.
    row = page.split(f'id="action-{signed["actions"]["health"].pk}"')[1].split("</tr>")[0]
    assert "Overdue" in row
    read = set(AuditEntry.objects.values_list("object_type", flat=True))
    assert {"assessmentversion", "planaction"} <= read


def test_a_plan_action_owned_by_education_is_invisible_to_health_on_the_pages(signed):
    case, sessions = signed["case"], signed["sessions"]
    health = browser_for(sessions["health"].practitioner.user)
    case_page = health.get(f"/cases/{case.pk}/").content.decode()
    listed = health.get("/plan-actions/").content.decode()
    for page in (case_page, listed):
        assert "Refer to CAMHS" in page
        assert "Return to a full timetable" not in page
        assert "safety plan" not in page
    assert "Judgements over time" not in case_page
    education = signed["actions"]["education"]
    assert health.get(f"/plan-actions/{education.pk}/").status_code == 404
    victim = signed["actions"]["social_care"]
    social_care = browser_for(sessions["social_care"].practitioner.user)
    assert social_care.get(f"/plan-actions/{victim.pk}/").status_code == 404


def test_an_owner_records_an_action_done_with_a_note(signed):
    health_user = signed["sessions"]["health"].practitioner.user
    action = signed["actions"]["health"]
    client = browser_for(health_user)
    refused = client.post(f"/plan-actions/{action.pk}/", {"status": "not_done"})
    assert "Say why the action was not done." in refused.content.decode()
    done = client.post(
        f"/plan-actions/{action.pk}/", {"status": "done", "note": "Seen by CAMHS."}, follow=True
    )
    assert "The action is updated." in done.content.decode()
    action.refresh_from_db()
    assert (action.status, action.note, action.updated_by) == (
        "done",
        "Seen by CAMHS.",
        health_user,
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.YOT_ADMIN, 403),
        (Role.SYSTEM_ADMIN, 403),
        (Role.CASE_MANAGER, 200),
        (Role.YOT_MANAGER, 200),
        (Role.PRACTITIONER, 200),
    ],
)
def test_who_may_open_the_plan_actions_page(db, role, expected):
    user = make_practitioner().user if role == Role.PRACTITIONER else make_user(role=role)
    assert browser_for(user).get("/plan-actions/").status_code == expected


def test_an_action_outside_the_users_scope_answers_404_and_admins_403(signed):
    action = signed["actions"]["health"]
    url = f"/plan-actions/{action.pk}/"
    assert browser_for(make_user(role=Role.CASE_MANAGER)).get(url).status_code == 404
    assert browser_for(make_practitioner(agency="health").user).get(url).status_code == 404
    assert browser_for(make_user(role=Role.YOT_ADMIN)).get(url).status_code == 403
    assert browser_for(signed["case"].case_manager).get(url).status_code == 200
    judgements = f"/cases/{signed['case'].pk}/assessment-draft/judgements/"
    assert browser_for(make_user(role=Role.CASE_MANAGER)).get(judgements).status_code == 404
    assert browser_for(signed["manager"]).get(judgements).status_code == 403
