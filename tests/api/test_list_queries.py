"""API lists read their rows in a fixed number of queries, whatever the page shows; a
practitioner's scoped lists too (their sessions are read once, not once per row)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from tests import factories
from tests.conftest import client_for
from tests.messaging import at, book, freeze, make_team

PRACTITIONER_LISTS = ["/api/v1/cases/", "/api/v1/young-people/", "/api/v1/visits/"]


def _queries_and_rows(client, path: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, {"page_size": 100})
    assert response.status_code == 200
    return len(captured), response.json()["count"]


@pytest.mark.parametrize("path", PRACTITIONER_LISTS)
def test_practitioner_lists_query_count_does_not_grow_with_rows(db, monkeypatch, path):
    freeze(monkeypatch)
    team = make_team()
    people, _ = team
    client = client_for(people["health"].user)
    for hour in (10, 11):
        book(team, start=at(hour))
    few_queries, few_rows = _queries_and_rows(client, path)
    for hour in (12, 13, 14, 15):
        book(team, start=at(hour))
    many_queries, many_rows = _queries_and_rows(client, path)
    assert (few_rows, many_rows) == (2, 6)
    assert many_queries == few_queries


@pytest.mark.parametrize("path", PRACTITIONER_LISTS)
def test_practitioner_lists_leave_out_other_practitioners_visits(db, monkeypatch, path):
    freeze(monkeypatch)
    team = make_team()
    other = make_team()
    book(team, start=at(10))
    book(other, start=at(11))
    people, _ = team
    _, rows = _queries_and_rows(client_for(people["health"].user), path)
    assert rows == 1


def _case_manager_books(team, case_manager, hour: int) -> None:
    visit = book(team, start=at(hour))
    visit.case.case_manager = case_manager
    visit.case.save()


@pytest.mark.parametrize("role", [Role.YOT_ADMIN, Role.YOT_MANAGER, Role.CASE_MANAGER])
def test_visits_list_query_count_does_not_grow_with_rows(db, monkeypatch, role):
    freeze(monkeypatch)
    team = make_team()
    case_manager = factories.make_user(role=Role.CASE_MANAGER)
    user = case_manager if role == Role.CASE_MANAGER else factories.make_user(role=role)
    client = client_for(user)
    for hour in (10, 11):
        _case_manager_books(team, case_manager, hour)
    few_queries, few_rows = _queries_and_rows(client, "/api/v1/visits/")
    for hour in (12, 13, 14, 15):
        _case_manager_books(team, case_manager, hour)
    many_queries, many_rows = _queries_and_rows(client, "/api/v1/visits/")
    assert (few_rows, many_rows) == (2, 6)
    assert many_queries == few_queries


def test_visits_list_shows_each_visit_as_its_own_page_does(db, monkeypatch):
    freeze(monkeypatch)
    team = make_team()
    visits = [book(team, start=at(hour)) for hour in (10, 11)]
    client = client_for(factories.make_user(role=Role.YOT_ADMIN))
    listed = client.get("/api/v1/visits/").json()["results"]
    assert listed == [client.get(f"/api/v1/visits/{v.pk}/").json() for v in visits]
    assert [s["agency"] for s in listed[0]["sessions"]] == ["health"]
    assert listed[0]["room_name"] == str(visits[0].room)
