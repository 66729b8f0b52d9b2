"""Need to know, endpoint by endpoint, for findings forms, findings, drafts, alerts and the
audit log: every role, plus a case manager of another case and a practitioner of another
agency in the same visit (who must get 404 for the first agency's findings)."""

import pytest

from accounts.models import Role
from screening.assessment.drafts import draft_merge
from screening.assessment.findings import findings_submit
from tests.conftest import client_for
from tests.factories import complete_answers, make_screened_case, make_user, record_judgements

ADMIN, CM, CM2, MANAGER, PRAC, PRAC2, SYS = (
    "yot_admin",
    "case_manager",
    "other_case_manager",
    "yot_manager",
    "practitioner",
    "other_agency_practitioner",
    "system_admin",
)
ACTORS = [ADMIN, CM, CM2, MANAGER, PRAC, PRAC2, SYS]


@pytest.fixture
def world(db):
    case, sessions = make_screened_case()
    users = {
        ADMIN: make_user(role=Role.YOT_ADMIN),
        CM: case.case_manager,
        CM2: make_user(role=Role.CASE_MANAGER),
        MANAGER: make_user(role=Role.YOT_MANAGER),
        PRAC: sessions["health"].practitioner.user,
        PRAC2: sessions["education"].practitioner.user,
        SYS: make_user(role=Role.SYSTEM_ADMIN),
    }
    findings_submit(
        session=sessions["health"], user=users[PRAC], answers=complete_answers("health")
    )
    return {"case": case, "sessions": sessions, "users": users}


def awaiting_sign_off(w):
    from screening.assessment.drafts import draft_submit

    draft_submit(draft=record_judgements(draft_merge(case=w["case"])), user=w["users"][CM])


def signed_off(w):
    from screening.assessment.drafts import draft_sign_off

    awaiting_sign_off(w)
    draft_sign_off(draft=w["case"].assessment_draft, user=w["users"][MANAGER])


FORM = {
    "title": "Health screening",
    "questions": [
        {"key": "gp_registered", "label": "Registered with a GP", "type": "yes_no_unknown"}
    ],
}
HEALTH_ANSWERS = {"answers": complete_answers("health")}

# (name, method, path, body, prepare, {actor: status})
MATRIX = [
    ("current form", "get", "/api/v1/agencies/health/forms/current/", None, None,
     dict.fromkeys(ACTORS, 200)),
    ("form versions", "get", "/api/v1/agencies/health/forms/", None, None,
     dict.fromkeys(ACTORS, 200)),
    ("publish a form", "post", "/api/v1/agencies/health/forms/", FORM, None,
     {**dict.fromkeys(ACTORS, 403), SYS: 201}),
    ("read findings", "get", "/api/v1/sessions/{health}/findings/", None, None,
     {ADMIN: 403, CM: 200, CM2: 404, MANAGER: 200, PRAC: 200, PRAC2: 404, SYS: 403}),
    ("read a version", "get", "/api/v1/sessions/{health}/findings/?version=1", None, None,
     {ADMIN: 403, CM: 200, CM2: 404, MANAGER: 200, PRAC: 200, PRAC2: 404, SYS: 403}),
    ("save findings", "put", "/api/v1/sessions/{health}/findings/", HEALTH_ANSWERS, None,
     {ADMIN: 403, CM: 403, CM2: 403, MANAGER: 403, PRAC: 200, PRAC2: 404, SYS: 403}),
    ("submit findings", "post", "/api/v1/sessions/{health}/findings/submit/", HEALTH_ANSWERS,
     None, {ADMIN: 403, CM: 403, CM2: 403, MANAGER: 403, PRAC: 200, PRAC2: 404, SYS: 403}),
    ("read draft", "get", "/api/v1/cases/{case}/assessment-draft/", None, None,
     {ADMIN: 403, CM: 200, CM2: 404, MANAGER: 200, PRAC: 403, PRAC2: 403, SYS: 403}),
    ("edit draft", "patch", "/api/v1/cases/{case}/assessment-draft/",
     {"sections": [{"key": "neighbourhood", "text": "Lives near the town centre."}]}, None,
     {ADMIN: 403, CM: 200, CM2: 404, MANAGER: 403, PRAC: 403, PRAC2: 403, SYS: 403}),
    ("submit draft", "post", "/api/v1/cases/{case}/assessment-draft/submit/", None, None,
     {ADMIN: 403, CM: 200, CM2: 404, MANAGER: 403, PRAC: 403, PRAC2: 403, SYS: 403}),
    ("sign off", "post", "/api/v1/cases/{case}/assessment-draft/sign-off/", None,
     awaiting_sign_off,
     {ADMIN: 403, CM: 403, CM2: 403, MANAGER: 200, PRAC: 403, PRAC2: 403, SYS: 403}),
    ("reopen", "post", "/api/v1/cases/{case}/assessment-draft/reopen/",
     {"reason": "New information from the school."}, signed_off,
     {ADMIN: 403, CM: 403, CM2: 403, MANAGER: 200, PRAC: 403, PRAC2: 403, SYS: 403}),
    ("word document", "get", "/api/v1/cases/{case}/assessment-draft/document/", None, None,
     {ADMIN: 403, CM: 200, CM2: 404, MANAGER: 200, PRAC: 403, PRAC2: 403, SYS: 403}),
    ("audit log", "get", "/api/v1/audit-log/", None, None,
     {**dict.fromkeys(ACTORS, 403), MANAGER: 200}),
    ("own alerts", "get", "/api/v1/alerts/", None, None, dict.fromkeys(ACTORS, 200)),
]  # fmt: skip


def test_matrix_lists_every_actor_for_every_row():
    assert all(set(row[-1]) == set(ACTORS) for row in MATRIX)


@pytest.mark.parametrize(
    ("name", "method", "path", "body", "prepare", "actor", "expected"),
    [(*row[:5], actor, status) for row in MATRIX for actor, status in row[5].items()],
    ids=[f"{row[0]}-{actor}" for row in MATRIX for actor in row[5]],
)
def test_findings_role_table(world, name, method, path, body, prepare, actor, expected):
    if prepare:
        prepare(world)
    url = path.format(health=world["sessions"]["health"].pk, case=world["case"].pk)
    client = client_for(world["users"][actor])
    response = getattr(client, method)(url, body, format="json")
    assert response.status_code == expected, (name, actor, response.content[:300])


@pytest.mark.parametrize(("name", "method", "path", "body"), [row[:4] for row in MATRIX])
def test_findings_endpoints_need_credentials(world, api_client, name, method, path, body):
    url = path.format(health=world["sessions"]["health"].pk, case=world["case"].pk)
    assert getattr(api_client, method)(url, body, format="json").status_code == 401


def test_alerts_list_only_the_users_own(world):
    health = world["sessions"]["health"]
    findings_submit(
        session=health,
        user=world["users"][PRAC],
        answers=complete_answers("health", self_harm="current"),
    )
    manager = client_for(world["users"][MANAGER]).get("/api/v1/alerts/").json()
    other = client_for(world["users"][CM2]).get("/api/v1/alerts/").json()
    assert manager["count"] == 1 and other["count"] == 0
