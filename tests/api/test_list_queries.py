"""API lists read their rows in a fixed number of queries, whatever the page shows; a
practitioner's scoped lists too (their sessions are read once, not once per row)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
