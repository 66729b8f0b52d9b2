"""The retention schedule over HTTP: YOT managers only (403 for every other role), the dry
run changes nothing, approval carries the list out once (409 after)."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import Role
from screening.models import Case, DisposalBatch, OrderType, YoungPerson

pytestmark = pytest.mark.django_db

ROLES = [Role.YOT_ADMIN, Role.CASE_MANAGER, Role.PRACTITIONER, Role.SYSTEM_ADMIN]


@pytest.fixture
def due_case():
    """A detention and training order started (its last action) on 4 January 2021: basic
    details only from 4 January 2024, disposed of from 4 January 2026, so due today."""
    person = YoungPerson.objects.create(
        given_name="Idris", family_name="Apiperson", date_of_birth=dt.date(2004, 7, 19)
    )
    case = Case.objects.create(
        reference="YJ-2021-0044",
        young_person=person,
        order_type=OrderType.DETENTION_AND_TRAINING_ORDER,
        order_start_date=dt.date(2021, 1, 4),
        visit_due_by=dt.date(2021, 1, 11),
        assessment_due_by=dt.date(2021, 1, 25),
    )
    Case.objects.filter(pk=case.pk).update(created_at=dt.datetime(2021, 1, 4, 9, tzinfo=dt.UTC))
    return case


@pytest.mark.parametrize("role", ROLES)
def test_every_other_role_is_refused(as_role, role, due_case):
    _, client = as_role(role)
    assert client.get("/api/v1/disposal-batches/dry-run/").status_code == 403
    assert client.get("/api/v1/disposal-batches/").status_code == 403
    assert client.post("/api/v1/disposal-batches/propose/").status_code == 403
    _, manager = as_role(Role.YOT_MANAGER)
    batch = manager.post("/api/v1/disposal-batches/propose/").json()
    assert client.post(f"/api/v1/disposal-batches/{batch['id']}/confirm/").status_code == 403
    assert Case.objects.get(pk=due_case.pk).retention_stage == "live"


def test_a_yot_manager_reads_the_dry_run_proposes_and_approves_once(as_role, due_case):
    user, client = as_role(Role.YOT_MANAGER)
    dry = client.get("/api/v1/disposal-batches/dry-run/")
    assert dry.status_code == 200
    assert dry.json() == [
        {
            "case": due_case.pk,
            "reference": "YJ-2021-0044",
            "order_type": "detention_and_training_order",
            "rule": "Basic details only after 3 years, disposed of 5 years after the last action",
            "last_action_on": "2021-01-04",
            "due_on": "2026-01-04",
            "action": "dispose",
        }
    ]
    assert Case.objects.get(pk=due_case.pk).retention_stage == "live"
    proposed = client.post("/api/v1/disposal-batches/propose/")
    assert proposed.status_code == 201
    batch_id = proposed.json()["id"]
    assert [i["reference"] for i in proposed.json()["items"]] == ["YJ-2021-0044"]
    done = client.post(f"/api/v1/disposal-batches/{batch_id}/confirm/")
    assert done.status_code == 200
    body = done.json()
    assert (body["status"], body["disposed"], body["confirmed_by"]) == ("carried_out", 1, user.pk)
    assert body["items"][0]["outcome"] == "done"
    again = client.post(f"/api/v1/disposal-batches/{batch_id}/confirm/")
    assert again.status_code == 409
    assert "no longer waiting" in again.json()["detail"]
    assert client.post("/api/v1/disposal-batches/propose/").status_code == 204
    assert DisposalBatch.objects.count() == 1
    assert client.post("/api/v1/disposal-batches/999999/confirm/").status_code == 404
