"""The API documentation page: reached from the footer, accessible (axe), every operation
with its summary, and reachable by keyboard from its contents list."""

from __future__ import annotations

import pytest

from accounts.models import Role
from tests import factories
from tests.frontend.conftest import check_axe, go, heading, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_api_docs_page_passes_axe_and_lists_operations(web, default_agencies):
    user = factories.make_user(role=Role.YOT_ADMIN)
    sign_in(web, user.username)
    go(web.get_by_role("link", name="API documentation"))
    assert heading(web) == "One-visit screening scheduler API"
    check_axe(web, "api-docs")
    assert web.get_by_role("heading", name="Book a visit", level=3).is_visible()
    go_to = web.locator("#main-content").get_by_role("link", name="Visits", exact=True)
    go_to.focus()
    web.keyboard.press("Enter")
    assert web.url.endswith("#group-visits")
