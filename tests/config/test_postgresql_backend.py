"""PostgreSQL runs with server-side binding and prepared statements (ADR 0008), through
Django's backend told the protocol's limit of 65,535 parameters per statement."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
PRINT_DATABASE = (
    "import json; from django.conf import settings; d = settings.DATABASES['default']; "
    "print(json.dumps({'engine': d['ENGINE'], 'options': d['OPTIONS']}))"
)


def run_settings(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run `code` in a clean environment with a PostgreSQL DATABASE_URL (no server needed:
    nothing connects)."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": "postgres://yot:secret@127.0.0.1:5432/yot",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def database_settings(**env: str) -> dict:
    done = run_settings(f"import django; django.setup(); {PRINT_DATABASE}", **env)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_postgresql_binds_on_the_server_and_prepares_repeated_statements_by_default():
    found = database_settings()
    assert found["engine"] == "config.postgresql"
    assert found["options"] == {"server_side_binding": True, "prepare_threshold": 5}


def test_prepared_statements_can_be_turned_off_for_a_pooler():
    assert database_settings(DATABASE_PREPARE_THRESHOLD="0")["options"] == {
        "server_side_binding": True,
        "prepare_threshold": None,
    }
    # Client-side binding cannot prepare, whatever the threshold says.
    assert database_settings(DATABASE_SERVER_SIDE_BINDING="false")["options"] == {
        "server_side_binding": False,
        "prepare_threshold": None,
    }


def test_a_bad_switch_is_named():
    done = run_settings("import config.settings", DATABASE_PREPARE_THRESHOLD="often")
    assert done.returncode != 0
    assert "DATABASE_PREPARE_THRESHOLD must be a whole number, not 'often'" in done.stderr


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_lookup_beyond_the_parameter_limit_is_split_into_statements():
    from screening.models import Message

    assert connection.features.max_query_params == 65535
    at = dt.datetime(2031, 1, 6, 10, tzinfo=dt.UTC)
    kept = Message.objects.create(
        purpose="confirmation", to="+447700900123", body="x", send_at=at, next_attempt_at=at
    )
    # One statement would need 70,000 parameters, more than the protocol carries.
    found = Message.objects.in_bulk([*range(kept.pk + 1, kept.pk + 70_000), kept.pk])
    assert list(found) == [kept.pk]


def test_bulk_writes_are_batched_under_the_parameter_limit():
    from config.postgresql.base import PROTOCOL_MAX_PARAMS, DatabaseOperations

    class Bound:
        class features:
            max_query_params = PROTOCOL_MAX_PARAMS

    ops = DatabaseOperations(Bound())
    assert ops.bulk_batch_size(["a"] * 10, range(100_000)) == 6553
    Bound.features.max_query_params = None  # client-side binding: Django's own rule
    assert ops.bulk_batch_size(["a"] * 10, range(100_000)) == 100_000


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_statement_run_again_and_again_is_prepared():
    from screening.models import ClosureDay

    for _ in range(6):
        list(ClosureDay.objects.filter(date__gte=dt.date(2031, 1, 1)))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("screening_closureday" in statement for statement in prepared), prepared
