"""The capacity planner's pages: YOT managers only; a run is recorded and its job started
once committed; a finished run shows the baseline, separate appointments and the what-if."""

from __future__ import annotations

import pytest

from accounts.models import Role
from screening.models import PlannerRun
from screening.planner import jobs
from tests import factories

RESULT = {
    "name": "Baseline: one visit", "changes": [], "model": "one_visit", "weeks": 13, "seed": 1,
    "first_day": "2027-06-07", "orders": 8, "bookings": 8, "seconds_per_booking": 0.05,
    "visit": {"on_time": 1, "late": 7, "not_yet_due": 0, "percent": 13},
    "findings": {"on_time": 8, "late": 0, "not_yet_due": 0, "percent": 100},
    "assessment": {"all": {"on_time": 5, "late": 3, "not_yet_due": 0, "percent": 63}},
    "working_days_to_visit": {"1": 1, "6": 2},
    "utilisation": {"practitioners": [{"name": "Ngozi Achebe", "of": "Health",
                                       "booked_minutes": 180, "available_minutes": 240,
                                       "percent": 75.0}], "rooms": []},
    "bottlenecks": {"Health": 8}, "bottleneck": "Health", "unbooked": 0,
    "late_reasons": {"No health practitioner is free before the deadline.": 7},
}  # fmt: skip


def _client(client, role):
    user = factories.make_user(role=role)
    client.force_login(user)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.YOT_ADMIN, Role.CASE_MANAGER, Role.PRACTITIONER, Role.SYSTEM_ADMIN]
)
def test_planner_is_for_yot_managers_only(client, role):
    _client(client, role)
    assert client.get("/planner/").status_code == 403
    run = PlannerRun.objects.create(params={"weeks": 1, "first_monday": "2027-06-07"})
    assert client.get(f"/planner/runs/{run.pk}/").status_code == 403


@pytest.mark.django_db
def test_a_manager_asks_for_a_run_with_a_what_if_pattern(client, monkeypatch):
    started = []
    monkeypatch.setattr(jobs, "_spawn", started.append)
    manager = _client(client, Role.YOT_MANAGER)
    person = factories.make_practitioner(agency="health")
    response = client.post(
        "/planner/",
        {"weeks": 13, "orders_per_week": 10, "missed_percent": 15, "seed": 4,
         "practitioner": person.pk, "weekday": "1", "start": "09:00", "end": "12:30"},
    )  # fmt: skip
    run = PlannerRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/planner/runs/{run.pk}/"
    assert run.requested_by == manager
    assert run.params["weeks"] == 13 and run.params["per_week"] == 10
    assert run.params["missed_rate"] == 0.15
    assert run.changes == [{"kind": "add_pattern", "practitioner": person.pk, "weekdays": [1],
                            "start": "09:00", "end": "12:30"}]  # fmt: skip


@pytest.mark.django_db
def test_the_job_starts_only_after_the_run_is_committed(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    started = []
    monkeypatch.setattr(jobs, "_spawn", started.append)
    _client(client, Role.YOT_MANAGER)
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        client.post("/planner/", {"weeks": 2, "orders_per_week": 3, "missed_percent": 0, "seed": 1})
    assert started == []  # not while the run's row is uncommitted
    for callback in after_commit:
        callback()
    assert started == [PlannerRun.objects.get().pk]


@pytest.mark.django_db
def test_bad_input_is_named_on_its_field(client, monkeypatch):
    monkeypatch.setattr(jobs, "_spawn", lambda pk: None)
    _client(client, Role.YOT_MANAGER)
    person = factories.make_practitioner(agency="health")
    response = client.post(
        "/planner/",
        {"weeks": 60, "orders_per_week": 1, "missed_percent": 15, "seed": 1,
         "practitioner": person.pk, "weekday": "1", "start": "12:00", "end": "09:00"},
    )  # fmt: skip
    assert response.status_code == 200
    text = response.content.decode()
    assert "govuk-error-summary" in text
    assert "less than or equal to 52" in text
    assert "The pattern must end after it starts." in text
    assert not PlannerRun.objects.exists()


@pytest.mark.django_db
def test_a_finished_run_shows_both_models_and_the_what_if(client):
    _client(client, Role.YOT_MANAGER)
    results = [
        RESULT,
        {**RESULT, "name": "Baseline: separate appointments",
         "visit": {"on_time": 0, "late": 8, "not_yet_due": 0, "percent": 0}},
        {**RESULT, "name": "What-if: one visit",
         "visit": {"on_time": 6, "late": 2, "not_yet_due": 0, "percent": 75}},
    ]  # fmt: skip
    run = PlannerRun.objects.create(
        params={"weeks": 13, "first_monday": "2027-06-07", "per_week": 10, "missed_rate": 0.15,
                "seed": 1},
        status=PlannerRun.Status.DONE, results=results,
    )  # fmt: skip
    text = client.get(f"/planner/runs/{run.pk}/").content.decode()
    for name in ("Baseline: one visit", "Baseline: separate appointments", "What-if: one visit"):
        assert name in text
    assert "13%" in text and "75%" in text and "0%" in text
    assert "<svg" in text
    assert "No health practitioner is free before the deadline." in text
    assert "Ngozi Achebe" in text
    assert "7 June 2027" in text


@pytest.mark.django_db
def test_a_manager_asks_for_a_run_with_a_new_venue(client, monkeypatch):
    monkeypatch.setattr(jobs, "_spawn", lambda run_id: None)
    _client(client, Role.YOT_MANAGER)
    response = client.post(
        "/planner/",
        {"weeks": 13, "orders_per_week": 10, "missed_percent": 15, "seed": 4,
         "new_venue_rooms": 2},
    )  # fmt: skip
    assert response.status_code == 302
    assert PlannerRun.objects.get().changes == [
        {"kind": "add_venue", "name": "New venue", "rooms": 2}
    ]
