"""Judgements, signed-off versions and a plan that is delivered, over the API: sign-off
needs the three judgements; each sign-off is kept as a version; the plan becomes actions
seen on need to know (an agency's actions by that agency only, victim safety actions by the
case manager and managers only), overdue in the YOT's zone, their owners emailed."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Role
from screening.assessment.drafts import draft_edit, draft_reopen, draft_sign_off, draft_submit
from screening.assessment.plans import plan_actions_notify_overdue
from screening.models import (
    AssessmentDraft,
    AssessmentVersion,
    AuditEntry,
    DraftStatus,
    PlanAction,
    WorkEmail,
)
from tests.conftest import client_for, role_matrix
from tests.factories import (
    JUDGEMENTS_GIVEN,
    make_practitioner,
    make_screened_case,
    make_user,
    record_judgements,
    submit_findings,
)
from tests.messaging import freeze

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")

ADMIN, CM, CM2, MANAGER, PRAC, PRAC2, OUT, SYS = (
    "yot_admin",
    "case_manager",
    "other_case_manager",
    "yot_manager",
    "health_practitioner",
    "education_practitioner",
    "practitioner_not_on_the_case",
    "system_admin",
)
ACTORS = [ADMIN, CM, CM2, MANAGER, PRAC, PRAC2, OUT, SYS]

# Tuesday 1 June 2027 (British Summer Time), Wednesday 30 June 2027, Friday 2 July 2027.
PLAN = [
    {
        "action": "Refer to CAMHS",
        "owner_agency": "health",
        "due_date": "2027-06-01",
        "category": "safeguarding",
    },
    {
        "action": "Return to a full timetable",
        "owner_agency": "education",
        "due_date": "2027-06-30",
        "category": "reducing_reoffending",
    },
    {
        "action": "Agree a safety plan with the victim's family",
        "owner_agency": "social_care",
        "due_date": "2027-07-02",
        "category": "victim_safety",
    },
]


def ready_for_sign_off(case, *, judgements=True) -> AssessmentDraft:
    draft = AssessmentDraft.objects.get(case=case)
    draft = draft_edit(draft=draft, user=case.case_manager, plan=PLAN, plan_reviewed=True)
    if judgements:
        draft = record_judgements(draft)
    return draft_submit(draft=draft, user=case.case_manager)


@pytest.fixture
def world(db):
    return build_world()


def build_world() -> dict:
    """A screened case signed off with PLAN, and a user for each actor."""
    case, sessions = make_screened_case()
    submit_findings(sessions["health"])
    users = {
        ADMIN: make_user(role=Role.YOT_ADMIN),
        CM: case.case_manager,
        CM2: make_user(role=Role.CASE_MANAGER),
        MANAGER: make_user(role=Role.YOT_MANAGER),
        PRAC: sessions["health"].practitioner.user,
        PRAC2: sessions["education"].practitioner.user,
        OUT: make_practitioner(agency="health").user,
        SYS: make_user(role=Role.SYSTEM_ADMIN),
    }
    draft_sign_off(draft=ready_for_sign_off(case), user=users[MANAGER])
    actions = {a.owner_agency.code: a for a in PlanAction.objects.filter(case=case)}
    return {"case": case, "sessions": sessions, "users": users, "actions": actions}


def actions_seen(user, case) -> set[str]:
    response = client_for(user).get(f"/api/v1/cases/{case.pk}/plan-actions/")
    assert response.status_code == 200, response.content
    return {a["action"] for a in response.json()["results"]}


# --- judgements ---------------------------------------------------------------------------


def test_sign_off_is_refused_without_judgements_naming_each_missing_one(db):
    case, sessions = make_screened_case()
    submit_findings(sessions["health"])
    manager = make_user(role=Role.YOT_MANAGER)
    draft = AssessmentDraft.objects.get(case=case)
    draft_edit(
        draft=draft,
        user=case.case_manager,
        judgements={"risk_of_serious_harm": JUDGEMENTS_GIVEN["risk_of_serious_harm"]},
    )
    draft_submit(draft=draft, user=case.case_manager)
    response = client_for(manager).post(f"/api/v1/cases/{case.pk}/assessment-draft/sign-off/")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "judgements.safety_and_wellbeing",
        "judgements.likelihood_of_reoffending",
    }
    assert "safety and wellbeing" in response.json()["errors"]["judgements.safety_and_wellbeing"][0]
    assert AssessmentDraft.objects.get(case=case).status == DraftStatus.AWAITING_SIGN_OFF
    assert not AssessmentVersion.objects.filter(case=case).exists()
    assert not PlanAction.objects.filter(case=case).exists()


def test_a_judgement_needs_a_level_on_its_scale_and_a_reason(db):
    case, sessions = make_screened_case()
    submit_findings(sessions["health"])
    client = client_for(case.case_manager)
    url = f"/api/v1/cases/{case.pk}/assessment-draft/"
    bad = {
        "judgements": {
            "likelihood_of_reoffending": {"level": "very_high", "reason": "Many offences."},
            "risk_of_serious_harm": {"level": "high", "reason": ""},
        }
    }
    response = client.patch(url, bad, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "judgements.likelihood_of_reoffending.level",
        "judgements.risk_of_serious_harm.reason",
    }
    assert AssessmentDraft.objects.get(case=case).judgements()["risk_of_serious_harm"] is None
    good = client.patch(url, {"judgements": JUDGEMENTS_GIVEN}, format="json").json()
    assert good["judgements"]["safety_and_wellbeing"] == JUDGEMENTS_GIVEN["safety_and_wellbeing"]
    assert good["judgements_missing"] == []


def test_each_sign_off_is_kept_as_a_version_showing_how_judgements_changed(world):
    case, manager = world["case"], world["users"][MANAGER]
    draft = draft_reopen(
        draft=AssessmentDraft.objects.get(case=case), user=manager, reason="Arrested again."
    )
    raised = {"level": "high", "reason": "Arrested for a knife offence."}
    draft = record_judgements(draft, risk_of_serious_harm=raised)
    draft_sign_off(draft=draft_submit(draft=draft, user=case.case_manager), user=manager)

    response = client_for(world["users"][CM]).get(f"/api/v1/cases/{case.pk}/assessments/")
    assert response.status_code == 200
    versions = response.json()
    assert [v["version"] for v in versions] == [1, 2]
    assert [v["kind"] for v in versions] == ["initial", "initial"]
    assert [v["judgements"]["risk_of_serious_harm"]["level"] for v in versions] == [
        "medium",
        "high",
    ]
    assert versions[0]["judgements"]["risk_of_serious_harm"]["reason"] == (
        "Threats made to a classmate."
    )
    assert versions[1]["signed_off_by"] == manager.username
    # The second sign-off made no action twice.
    assert PlanAction.objects.filter(case=case).count() == len(PLAN)


def test_reads_of_judgements_and_plan_actions_are_audit_logged(world):
    case, cm = world["case"], world["users"][CM]
    AuditEntry.objects.all().delete()
    client_for(cm).get(f"/api/v1/cases/{case.pk}/assessments/")
    client_for(cm).get(f"/api/v1/cases/{case.pk}/plan-actions/")
    read = set(
        AuditEntry.objects.filter(user=cm, action=AuditEntry.Action.READ).values_list(
            "object_type", "object_id"
        )
    )
    version = AssessmentVersion.objects.get(case=case)
    assert ("assessmentversion", version.pk) in read
    assert {("planaction", a.pk) for a in world["actions"].values()} <= read


# --- plan actions -------------------------------------------------------------------------


def test_sign_off_turns_the_plan_into_open_actions_and_emails_their_owners(world):
    actions = world["actions"]
    assert {a.action: (a.category, a.status, a.due_date) for a in actions.values()} == {
        "Refer to CAMHS": ("safeguarding", "open", dt.date(2027, 6, 1)),
        "Return to a full timetable": ("reducing_reoffending", "open", dt.date(2027, 6, 30)),
        "Agree a safety plan with the victim's family": (
            "victim_safety",
            "open",
            dt.date(2027, 7, 2),
        ),
    }
    assigned = set(
        WorkEmail.objects.filter(kind=WorkEmail.Kind.ACTION_ASSIGNED).values_list(
            "recipient__username", flat=True
        )
    )
    users = world["users"]
    # The victim safety action goes to the case manager, never to a practitioner.
    assert assigned == {users[PRAC].username, users[PRAC2].username, users[CM].username}


def test_a_plan_action_owned_by_education_is_invisible_to_health(world):
    case, users = world["case"], world["users"]
    assert actions_seen(users[PRAC], case) == {"Refer to CAMHS"}
    assert actions_seen(users[PRAC2], case) == {"Return to a full timetable"}
    education = world["actions"]["education"]
    response = client_for(users[PRAC]).patch(
        f"/api/v1/cases/{case.pk}/plan-actions/{education.pk}/", {"status": "done"}, format="json"
    )
    assert response.status_code == 404
    mine = client_for(users[PRAC]).get("/api/v1/plan-actions/").json()["results"]
    assert [a["action"] for a in mine] == ["Refer to CAMHS"]


def test_victim_safety_actions_are_seen_by_the_case_manager_and_managers_only(world):
    case, users = world["case"], world["users"]
    victim = "Agree a safety plan with the victim's family"
    assert victim in actions_seen(users[CM], case)
    assert victim in actions_seen(users[MANAGER], case)
    social_care = world["sessions"]["social_care"].practitioner.user
    assert actions_seen(social_care, case) == set()


def test_an_owner_marks_an_action_done_and_not_done_needs_a_note(world):
    case, health = world["case"], world["users"][PRAC]
    url = f"/api/v1/cases/{case.pk}/plan-actions/{world['actions']['health'].pk}/"
    refused = client_for(health).patch(url, {"status": "not_done"}, format="json")
    assert refused.status_code == 400 and set(refused.json()["errors"]) == {"note"}
    done = client_for(health).patch(
        url, {"status": "done", "note": "Seen by CAMHS."}, format="json"
    )
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["note"]) == ("done", "Seen by CAMHS.")
    # An owner records delivery; moving the due date is for the case manager and managers.
    moved = client_for(health).patch(url, {"due_date": "2027-06-10"}, format="json")
    assert moved.status_code == 409
    assert PlanAction.objects.get(pk=world["actions"]["health"].pk).due_date == dt.date(2027, 6, 1)


def test_an_action_past_its_due_date_is_overdue_by_the_yots_date(world, monkeypatch):
    case, cm = world["case"], world["users"][CM]
    url = f"/api/v1/cases/{case.pk}/plan-actions/"
    # Due Tuesday 1 June 2027. At 23:30 UTC that day it is already 00:30 on Wednesday 2 June
    # in London (British Summer Time): overdue, though the UTC date is still 1 June.
    freeze(monkeypatch, dt.datetime(2027, 6, 1, 23, 0, tzinfo=LONDON))
    rows = {a["action"]: a["overdue"] for a in client_for(cm).get(url).json()["results"]}
    assert rows["Refer to CAMHS"] is False
    freeze(monkeypatch, dt.datetime(2027, 6, 1, 23, 30, tzinfo=dt.UTC))
    rows = {a["action"]: a["overdue"] for a in client_for(cm).get(url).json()["results"]}
    assert rows == {
        "Refer to CAMHS": True,
        "Return to a full timetable": False,
        "Agree a safety plan with the victim's family": False,
    }
    overdue = client_for(cm).get("/api/v1/plan-actions/?overdue=true").json()["results"]
    assert [a["action"] for a in overdue] == ["Refer to CAMHS"]


def test_the_daily_job_emails_the_owner_of_an_overdue_action_once(world, monkeypatch):
    health = world["users"][PRAC]
    freeze(monkeypatch, dt.datetime(2027, 6, 2, 7, 0, tzinfo=LONDON))
    assert plan_actions_notify_overdue().told == 1
    assert plan_actions_notify_overdue().told == 0
    overdue = WorkEmail.objects.filter(kind=WorkEmail.Kind.ACTION_OVERDUE)
    assert list(overdue.values_list("recipient", flat=True)) == [health.pk]


def test_action_emails_carry_no_case_content_only_a_link(world):
    from screening.assessment.work_emails import message_of

    case = world["case"]
    subject, body = message_of(kind=WorkEmail.Kind.ACTION_ASSIGNED, case_id=case.pk)
    assert case.reference not in subject + body
    assert "CAMHS" not in body and case.young_person.family_name not in body
    assert body.strip().endswith("/plan-actions/")


def test_a_case_manager_adds_an_action_and_its_owner_is_emailed(world):
    case, users = world["case"], world["users"]
    WorkEmail.objects.all().delete()
    response = client_for(users[CM]).post(
        f"/api/v1/cases/{case.pk}/plan-actions/",
        {
            "action": "Weekly check-in",
            "category": "reducing_reoffending",
            "owner": users[CM].pk,
            "due_date": "2027-06-15",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["owner"] == users[CM].pk and response.json()["status"] == "open"
    assert list(WorkEmail.objects.values_list("recipient", flat=True)) == [users[CM].pk]
    refused = client_for(users[CM]).post(
        f"/api/v1/cases/{case.pk}/plan-actions/",
        {
            "action": "Victim contact",
            "category": "victim_safety",
            "owner": users[PRAC].pk,
            "due_date": "2027-06-15",
        },
        format="json",
    )
    assert refused.status_code == 400 and set(refused.json()["errors"]) == {"owner"}


# --- who may use each new path ------------------------------------------------------------

NEW_ACTION = {
    "action": "Weekly check-in",
    "category": "reducing_reoffending",
    "owner_agency": "health",
    "due_date": "2027-06-15",
}

# (name, method, path, body, {actor: status})
MATRIX = [
    ("judgements over time", "get", "/api/v1/cases/{case}/assessments/", None,
     {ADMIN: 403, CM: 200, CM2: 404, MANAGER: 200, PRAC: 403, PRAC2: 403, OUT: 403, SYS: 403}),
    ("a case's plan actions", "get", "/api/v1/cases/{case}/plan-actions/", None,
     {ADMIN: 403, CM: 200, CM2: 404, MANAGER: 200, PRAC: 200, PRAC2: 200, OUT: 404, SYS: 403}),
    ("add a plan action", "post", "/api/v1/cases/{case}/plan-actions/", NEW_ACTION,
     {ADMIN: 403, CM: 201, CM2: 404, MANAGER: 201, PRAC: 403, PRAC2: 403, OUT: 403, SYS: 403}),
    ("record a health action", "patch", "/api/v1/cases/{case}/plan-actions/{health}/",
     {"status": "done"},
     {ADMIN: 403, CM: 200, CM2: 404, MANAGER: 200, PRAC: 200, PRAC2: 404, OUT: 404, SYS: 403}),
    ("record a victim safety action", "patch", "/api/v1/cases/{case}/plan-actions/{victim}/",
     {"status": "done"},
     {ADMIN: 403, CM: 200, CM2: 404, MANAGER: 200, PRAC: 404, PRAC2: 404, OUT: 404, SYS: 403}),
    ("plan actions across cases", "get", "/api/v1/plan-actions/", None,
     {ADMIN: 403, CM: 200, CM2: 200, MANAGER: 200, PRAC: 200, PRAC2: 200, OUT: 200, SYS: 403}),
]  # fmt: skip


def test_matrix_lists_every_actor_for_every_row():
    assert all(set(row[-1]) == set(ACTORS) for row in MATRIX)


@role_matrix(MATRIX)
def test_plan_role_table(world, name, method, path, body, actor, expected):
    url = path.format(
        case=world["case"].pk,
        health=world["actions"]["health"].pk,
        victim=world["actions"]["social_care"].pk,
    )
    response = getattr(client_for(world["users"][actor]), method)(url, body, format="json")
    assert response.status_code == expected, (name, actor, response.content[:300])


@pytest.mark.parametrize(("name", "method", "path", "body"), [row[:4] for row in MATRIX])
def test_plan_endpoints_need_credentials(world, api_client, name, method, path, body):
    url = path.format(case=world["case"].pk, health=1, victim=1)
    assert getattr(api_client, method)(url, body, format="json").status_code == 401


def test_the_worker_runs_the_overdue_job_once_a_day(world, monkeypatch):
    from django.core.management import call_command

    freeze(monkeypatch, dt.datetime(2027, 6, 2, 7, 0, tzinfo=LONDON))
    call_command("run_dispatcher", once=True, no_calendars=True)
    assert WorkEmail.objects.filter(kind=WorkEmail.Kind.ACTION_OVERDUE).count() == 1
    assert PlanAction.objects.get(pk=world["actions"]["health"].pk).overdue_notified_at
