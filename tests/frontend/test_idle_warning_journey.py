"""The idle timeout warning in a real Chromium: it appears before the session ends, staying
signed in keeps the session, and a session left alone ends on the sign-in page."""

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


def test_the_warning_comes_before_the_session_ends_and_staying_keeps_it(web, settings):
    settings.SESSION_IDLE_SECONDS = 8  # warned 4 seconds before (half, as it is so short)
    admin = factories.make_user(role=Role.YOT_ADMIN)
    sign_in(web, admin.username)
    assert heading(web) == "Dashboard"
    dialog = web.get_by_role("dialog", name="You will be signed out soon")
    assert not dialog.is_visible()
    dialog.wait_for(state="visible", timeout=10_000)
    assert "we will sign you out in" in dialog.inner_text()
    check_axe(web, "idle-warning")
    # The modal dialog takes the focus: the keyboard reaches "Stay signed in" at once.
    assert web.evaluate("document.activeElement.textContent.trim()") == "Stay signed in"
    dialog.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="hidden")
    assert web.url.endswith("/dashboard/")
    # Escape also means "stay": the warning comes back later and goes away again.
    dialog.wait_for(state="visible", timeout=10_000)
    web.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    go(web.get_by_role("link", name="Cases", exact=True))
    assert heading(web) == "Cases"


def test_a_session_left_alone_ends_on_the_sign_in_page_saying_why(web, settings):
    settings.SESSION_IDLE_SECONDS = 6
    admin = factories.make_user(role=Role.YOT_ADMIN)
    sign_in(web, admin.username)
    web.wait_for_url("**/sign-in/", timeout=15_000)
    assert "You were signed out because you had not done anything" in web.content()
    web.goto("/dashboard/")
    assert "/sign-in/" in web.url
