"""The OpenAPI schema tells the truth (nullable fields, list limits, a summary for every
operation) and, outside DEBUG, only signed-in users may read it and its documentation."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from accounts.models import Role
from tests.conftest import client_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db
SCHEMA = "/api/v1/schema/?format=json"
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def schema() -> dict:
    response = client_for(make_user(role=Role.CASE_MANAGER)).get(SCHEMA)
    assert response.status_code == 200
    return response.json()


def test_calendar_feed_url_is_nullable_since_only_some_roles_see_it(schema):
    for component in ("Room", "Practitioner"):
        field = schema["components"]["schemas"][component]["properties"]["calendar_feed_url"]
        assert field.get("nullable") is True, component


def test_page_and_page_size_limits_are_in_the_schema(schema):
    listed = 0
    for path, operations in schema["paths"].items():
        parameters = {p["name"]: p for p in operations.get("get", {}).get("parameters", [])}
        if "page_size" not in parameters:
            continue
        listed += 1
        assert parameters["page_size"]["schema"] == {
            "type": "integer",
            "minimum": 1,
            "maximum": 200,
            "default": 50,
        }, path
        assert parameters["page"]["schema"] == {"type": "integer", "minimum": 1}, path
    assert listed >= 10


def test_every_operation_has_a_summary(schema):
    missing = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in METHODS and not operation.get("summary", "").strip()
    ]
    assert missing == []


def test_summaries_say_what_each_operation_does(schema):
    summaries = {
        (path, method): operation["summary"]
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in METHODS
    }
    assert summaries[("/api/v1/rooms/", "get")] == "List rooms"
    assert summaries[("/api/v1/young-people/{id}/", "patch")] == "Change a young person's details"
    assert summaries[("/api/v1/visits/", "post")] == "Book a visit"
    assert len(set(summaries.values())) == len(summaries), "each summary names its operation"


def test_schema_and_docs_need_sign_in_in_production(api_client, client, settings):
    settings.DEBUG = False
    assert api_client.get(SCHEMA).status_code == 401
    assert client.get("/api/v1/docs/")["Location"] == "/sign-in/?next=/api/v1/docs/"
    user = make_user(role=Role.PRACTITIONER)
    assert client_for(user).get(SCHEMA).status_code == 200
    client.force_login(user)
    assert client.get("/api/v1/docs/").status_code == 200


def test_schema_and_docs_stay_open_with_debug(api_client, client, settings):
    settings.DEBUG = True
    assert api_client.get(SCHEMA).status_code == 200
    assert client.get("/api/v1/docs/").status_code == 200


def test_docs_page_lists_every_operation_with_its_summary(client, schema):
    client.force_login(make_user(role=Role.YOT_ADMIN))
    page = client.get("/api/v1/docs/").content.decode()
    assert '<html lang="en-GB"' in page
    for operations in schema["paths"].values():
        for method, operation in operations.items():
            if method in METHODS:
                summary = escape(operation["summary"])
                assert f'id="{operation["operationId"]}">{summary}</h3>' in page
