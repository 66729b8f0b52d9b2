"""Organisation sign-in in a real browser: the sign-in page's button, the provider on
127.0.0.1, back to the role's home; and the refusal page. axe on every page."""

from __future__ import annotations

import pytest

from accounts.models import Role
from tests import factories
from tests.accounts.test_sso_flow import person, provider, sso  # noqa: F401 (fixtures)
from tests.frontend.conftest import check_axe, go, heading

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.usefixtures("sso")
def test_signing_in_with_the_organisation_account_lands_on_the_dashboard(web, provider):  # noqa: F811
    admin = factories.make_user(role=Role.YOT_ADMIN, first_name="Tola", last_name="Adeyemi")
    provider.person = person(admin.email, Role.YOT_ADMIN)
    web.goto("/sign-in/?password=break-glass")
    assert web.get_by_label("Password").count() == 1
    check_axe(web, "sso-break-glass")
    web.goto("/sign-in/")
    check_axe(web, "sso-sign-in")
    assert web.get_by_label("Password").count() == 0
    go(web.get_by_role("button", name="Sign in with your organisation account"))
    assert web.url.endswith("/dashboard/"), web.url
    check_axe(web, "sso-dashboard")


@pytest.mark.usefixtures("sso")
def test_a_person_without_a_group_sees_why_they_were_not_signed_in(web, provider):  # noqa: F811
    provider.person = person("someone.new@council.example.org")
    web.goto("/sign-in/")
    go(web.get_by_role("button", name="Sign in with your organisation account"))
    assert heading(web) == "You have not been signed in"
    assert "not in any group" in web.locator("#sso-refusal").inner_text()
    check_axe(web, "sso-refused")
