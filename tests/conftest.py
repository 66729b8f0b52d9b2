from __future__ import annotations

import datetime as dt
import os

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.models import ApiToken, Role, User
from tests import factories

# Fixtures of the calendar tests (world, ics_server).
pytest_plugins = ["tests.calendar_support"]


# SUITE_CLOCK=2027-03-28T07:30:00+01:00 runs each test as if started at that moment (the
# whole process travels, threads and live servers included; the clock keeps ticking).
# tests/test_suite_clock.py runs the tests marked `clock` at the awkward hours this way.
SUITE_CLOCK = "SUITE_CLOCK"

# The tests whose rules read the clock (quiet hours, minimum notice, "today", reminders,
# deadlines, sessions timing out), marked `clock`; a test elsewhere can be marked by hand.
CLOCK_TESTS = (
    "tests/screening/messaging/",
    "tests/screening/booking/",
    "tests/screening/calendars/",
    "tests/screening/people/",
    "tests/screening/reports/",
    "tests/screening/assessment/test_alert_emails.py",
    "tests/screening/assessment/test_alert_email_concurrency.py",
    "tests/screening/test_local_dates.py",
    "tests/api/test_visits_api.py",
    "tests/api/test_visit_options.py",
    "tests/api/test_messages_api.py",
    "tests/api/test_twilio_webhooks.py",
    "tests/api/test_calendar_feeds.py",
    "tests/api/test_calendar_import_api.py",
    "tests/frontend/test_dashboard.py",
    "tests/frontend/test_pages.py",
    "tests/frontend/test_pages_work_lists.py",
    "tests/frontend/test_findings_pages.py",
    "tests/frontend/test_gap_limits.py",
    "tests/frontend/test_reschedule_page.py",
    "tests/frontend/test_sign_in.py",
    "tests/frontend/test_timeliness_queries.py",
    "tests/test_admin.py",
    "tests/test_celery_dispatch.py",
)


def pytest_collection_modifyitems(config, items):
    root = config.rootpath
    for item in items:
        path = item.path.relative_to(root).as_posix()
        if path.startswith(CLOCK_TESTS):
            item.add_marker(pytest.mark.clock)


def suite_clock() -> dt.datetime | None:
    """The moment SUITE_CLOCK names, or None; raises ValueError unless it is an ISO 8601
    date and time with its UTC offset."""
    value = os.environ.get(SUITE_CLOCK, "").strip()
    if not value:
        return None
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"{SUITE_CLOCK}={value!r} needs a UTC offset, e.g. +01:00")
    return moment


@pytest.fixture(autouse=True)
def travel_to_suite_clock():
    """Start each test at SUITE_CLOCK when it is set."""
    moment = suite_clock()
    if moment is None:
        yield
        return
    with time_machine.travel(moment, tick=True):
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hashing cost is not what these tests check; a cheap hasher keeps them fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def client_for(user: User) -> APIClient:
    """An API client authenticated with a real token of this user."""
    _, key = ApiToken.issue(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def as_role(db):
    """as_role("yot_admin") -> (user, client); one user per role per test."""
    made: dict[str, tuple[User, APIClient]] = {}

    def make(role: str) -> tuple[User, APIClient]:
        if role not in made:
            if role == Role.PRACTITIONER:
                user = factories.make_user(role=Role.PRACTITIONER)
                factories.make_practitioner(user=user, agency="health")
            else:
                user = factories.make_user(role=role)
            made[role] = (user, client_for(user))
        return made[role]

    return make


def role_matrix(matrix: list[tuple]):
    """Parametrize a test over a role table `[(name, method, path, body, {actor: status})]`,
    one case per row and actor: `(name, method, path, body, actor, expected)`."""
    return pytest.mark.parametrize(
        ("name", "method", "path", "body", "actor", "expected"),
        [(*row[:4], actor, status) for row in matrix for actor, status in row[4].items()],
        ids=[f"{row[0]}-{actor}" for row in matrix for actor in row[4]],
    )
