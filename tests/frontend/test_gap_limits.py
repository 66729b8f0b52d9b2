"""The booking page and the API take the same gaps between sessions: each refuses a gap
beyond the one limit, or a window that ends before it starts, with an error on the field
at fault that says what is allowed."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client

from accounts.models import Role
from tests.conftest import client_for
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db

# The longest gap anyone may ask for is 240 minutes (4 hours), at either end of the window;
# with no longest gap given, the configured default of 60 minutes applies.
PAGE_WORDS = {
    "min_gap": "The shortest gap between sessions must be from 0 to 240 minutes",
    "max_gap": "The longest gap between sessions must be from 0 to 240 minutes",
}


def page_errors(case, **gaps: int) -> dict[str, list[str]]:
    browser = Client()
    browser.force_login(make_user(role=Role.YOT_ADMIN))
    query = {"agencies": ["health"], "order": "fixed", **gaps}
    response = browser.get(f"/cases/{case.pk}/book/", query)
    assert response.status_code == 200
    return dict(response.context["form"].errors)


def api_errors(case, **gaps: int) -> dict[str, list[str]]:
    api = client_for(make_user(role=Role.YOT_ADMIN))
    response = api.get(f"/api/v1/cases/{case.pk}/visit-options/?{urlencode(gaps)}")
    assert response.status_code in (200, 400)
    return response.json()["errors"] if response.status_code == 400 else {}


@pytest.mark.parametrize(
    "gaps",
    [{"min_gap": 150, "max_gap": 240}, {"min_gap": 240, "max_gap": 240}, {"max_gap": 240}],
)
def test_the_page_and_the_api_take_the_same_gaps(gaps):
    case = make_case()
    assert page_errors(case, **gaps) == {}
    assert api_errors(case, **gaps) == {}


@pytest.mark.parametrize("field", ["min_gap", "max_gap"])
def test_the_page_and_the_api_refuse_a_gap_beyond_the_limit_naming_the_field(field):
    case = make_case()
    assert page_errors(case, **{field: 241}) == {field: [PAGE_WORDS[field]]}
    assert api_errors(case, **{field: 241}) == {field: [f"{field} must be from 0 to 240 minutes."]}


def test_a_shortest_gap_beyond_the_default_longest_is_refused_on_the_longest(db):
    case = make_case()
    words = "The longest gap between sessions (60 minutes) is shorter than the shortest (150)."
    assert page_errors(case, min_gap=150) == {"max_gap": [words]}
    assert api_errors(case, min_gap=150) == {"max_gap": [words]}
