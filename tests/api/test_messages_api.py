"""Texts over the API: a case's messages (numbers masked), templates, admin tasks."""

import pytest

from accounts.models import Role
from screening.models import AdminTask, Message
from screening.worktray.services import admin_task_create
from tests.conftest import client_for
from tests.factories import make_user
from tests.messaging import book, freeze, make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(monkeypatch):
    freeze(monkeypatch)
    return book(make_team())


def test_case_messages_show_purpose_masked_number_time_status_and_body(visit, as_role):
    _, client = as_role(Role.YOT_ADMIN)
    response = client.get(f"/api/v1/cases/{visit.case_id}/messages/")
    assert response.status_code == 200, response.json()
    results = response.json()["results"]
    assert [r["purpose"] for r in results] == ["confirmation", "day_before", "morning"]
    first = results[0]
    assert first["to"].startswith("+44") and first["to"].endswith("456")
    assert "7400123" not in first["to"]
    assert first["status"] == "planned" and "Tuesday 2 March" in first["body"]
    assert first["send_at"].endswith(("Z", "+00:00"))


@pytest.mark.parametrize(
    "role, status", [(Role.PRACTITIONER, 403), (Role.SYSTEM_ADMIN, 403), (Role.YOT_MANAGER, 200)]
)
def test_case_messages_are_admin_territory(visit, as_role, role, status):
    _, client = as_role(role)
    assert client.get(f"/api/v1/cases/{visit.case_id}/messages/").status_code == status


def test_a_case_manager_sees_messages_of_their_own_cases_only(visit):
    manager = make_user(role=Role.CASE_MANAGER)
    client = client_for(manager)
    assert client.get(f"/api/v1/cases/{visit.case_id}/messages/").status_code == 404
    visit.case.case_manager = manager
    visit.case.save()
    assert client.get(f"/api/v1/cases/{visit.case_id}/messages/").status_code == 200
    assert client.get(f"/api/v1/cases/{visit.case_id}/replies/").status_code == 200


def test_system_admin_edits_a_template_and_sees_its_length(db, as_role):
    _, client = as_role(Role.SYSTEM_ADMIN)
    listed = client.get("/api/v1/message-templates/?purpose=confirmation&language=en").json()
    template = next(t for t in listed["results"] if not t["easy_read"])
    long_body = "{service}: on {date} at {time} at {place}. " + "Reply YES please. " * 8
    response = client.patch(
        f"/api/v1/message-templates/{template['id']}/", {"body": long_body}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["segments"] >= 2 and "parts" in response.json()["length_warning"]


def test_template_with_a_forbidden_word_is_refused_naming_the_body(db, as_role):
    _, client = as_role(Role.SYSTEM_ADMIN)
    template = client.get("/api/v1/message-templates/").json()["results"][0]
    response = client.patch(
        f"/api/v1/message-templates/{template['id']}/",
        {"body": "{service}: your YOT appointment {date} {time} {place}"},
        format="json",
    )
    assert response.status_code == 400
    assert "yot" in response.json()["errors"]["body"][0]


def test_new_variant_can_be_added_once(db, as_role):
    _, client = as_role(Role.SYSTEM_ADMIN)
    body = {
        "purpose": "help",
        "language": "cy",
        "easy_read": True,
        "body": "{service}. Tecstiwch STOP.",
    }
    assert client.post("/api/v1/message-templates/", body, format="json").status_code == 201
    again = client.post("/api/v1/message-templates/", body, format="json")
    assert again.status_code == 400 and "purpose" in again.json()["errors"]


def test_only_system_admins_change_templates(db, as_role):
    _, client = as_role(Role.YOT_ADMIN)
    template = client.get("/api/v1/message-templates/").json()["results"][0]
    response = client.patch(
        f"/api/v1/message-templates/{template['id']}/", {"body": "x"}, format="json"
    )
    assert response.status_code == 403


def test_admin_tasks_are_listed_and_marked_done_by_a_yot_admin(visit, as_role):
    message = Message.objects.filter(visit=visit).first()
    task = admin_task_create(
        kind=AdminTask.Kind.UNDELIVERED, text="Phone", visit=visit, message=message
    )
    user, client = as_role(Role.YOT_ADMIN)
    listed = client.get("/api/v1/admin-tasks/?open=true").json()
    assert [t["id"] for t in listed["results"]] == [task.pk]
    assert listed["results"][0]["case_reference"] == visit.case.reference
    done = client.post(f"/api/v1/admin-tasks/{task.pk}/done/")
    assert done.status_code == 200 and done.json()["done_by"] == user.pk
    assert client.get("/api/v1/admin-tasks/?open=true").json()["count"] == 0
    _, manager = as_role(Role.YOT_MANAGER)
    assert manager.get("/api/v1/admin-tasks/").status_code == 200
    assert manager.post(f"/api/v1/admin-tasks/{task.pk}/done/").status_code == 403
    _, practitioner = as_role(Role.PRACTITIONER)
    assert practitioner.get("/api/v1/admin-tasks/").status_code == 403
    assert client.get("/api/v1/admin-tasks/?open=maybe").status_code == 400
