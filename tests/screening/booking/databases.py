"""Run a test once on SQLite and once on PostgreSQL: `each_database` skips the run whose
database is not the one configured, and marks the PostgreSQL run `postgres`."""

import pytest
from django.db import connection


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def each_database(request, db) -> str:
    if connection.vendor != request.param:
        pytest.skip(f"runs on {request.param}; this run's database is {connection.vendor}")
    return request.param
