"""Property-based API check: generated requests against our own OpenAPI schema give no
server error and only responses that the schema documents."""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.models import ApiToken, Role
from tests.factories import make_case, make_practitioner, make_room, make_user

# The schema needs a signed-in user outside DEBUG: load it from the generator itself (what
# /api/v1/schema/ serves) and send the generated requests to the WSGI application.
schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))
)
schema.app = get_wsgi_application()
schema.location = "/api/v1/schema/"

pytestmark = pytest.mark.slow


@pytest.fixture
def keep_test_connection():
    """The WSGI handler closes the connection after each request; the test's transaction
    lives on it, so keep it open (as Django's own test client does)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db, keep_test_connection):
    """A token per role that may use the most endpoints, and a little data to find."""
    make_case()
    practitioner = make_practitioner(agency="health")
    make_room()
    keys = {}
    for role in (Role.YOT_ADMIN, Role.SYSTEM_ADMIN):
        _, keys[role] = ApiToken.issue(user=make_user(role=role))
    _, keys[Role.PRACTITIONER] = ApiToken.issue(user=practitioner.user)
    return keys


SETTINGS = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)


@schema.parametrize()
@SETTINGS
def test_api_answers_within_its_schema(case, tokens):
    role = Role.SYSTEM_ADMIN if case.path.startswith("/api/v1/users") else Role.YOT_ADMIN
    # A valid-looking request may still name a row that does not exist (young_person 0):
    # that is a 400 by design, so "positive data acceptance" cannot apply.
    case.call_and_validate(
        headers={"Authorization": f"Token {tokens[role]}"},
        excluded_checks=[positive_data_acceptance],
    )


@schema.parametrize()
@SETTINGS
def test_api_answers_a_practitioner_within_its_schema(case, tokens):
    """The same requests from the role with the narrowest scope: refusals (403, 404) are
    answers the schema documents, never a server error."""
    case.call_and_validate(
        headers={"Authorization": f"Token {tokens[Role.PRACTITIONER]}"},
        excluded_checks=[positive_data_acceptance],
    )
