"""Browser journeys for logins: a YOT manager approves a role change asked for by a system
administrator; a new user sets up two-factor with the setup code they were given. Every page
passes axe."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import PrivilegeRequest, Role
from accounts.services import user_update
from accounts.two_factor import setup_code_issue
from tests import factories
from tests.frontend.conftest import check_axe, go, heading, sign_in
from tests.frontend.test_sign_in import code_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_yot_manager_approves_a_role_change_on_the_login_changes_page(web, default_agencies):
    sysadmin = factories.make_user(role=Role.SYSTEM_ADMIN)
    target = factories.make_user(role=Role.YOT_ADMIN, username="dami.adebayo")
    user_update(user=target, role=Role.CASE_MANAGER, by=sysadmin)
    manager = factories.make_user(role=Role.YOT_MANAGER)
    sign_in(web, manager.username)
    go(web.get_by_role("link", name="Login changes"))
    assert heading(web) == "Login changes"
    check_axe(web, "login-changes")
    go(web.get_by_role("button", name="Approve dami.adebayo as Case manager"))
    assert "dami.adebayo is now an active Case manager" in web.content()
    check_axe(web, "login-changes-approved")
    target.refresh_from_db()
    assert target.role == Role.CASE_MANAGER
    assert PrivilegeRequest.objects.get(user=target).status == "approved"


def test_a_new_user_sets_up_two_factor_with_their_setup_code(web, default_agencies, settings):
    settings.REQUIRE_TWO_FACTOR = True
    user = factories.make_user(role=Role.YOT_ADMIN)
    _, setup_code = setup_code_issue(user=user, by=factories.make_user(role=Role.SYSTEM_ADMIN))
    web.goto("/sign-in/")
    web.get_by_label("Username").fill(user.username)
    web.get_by_label("Password").fill(factories.PASSWORD)
    go(web.get_by_role("button", name="Sign in"))
    assert heading(web) == "Enter your setup code"
    check_axe(web, "two-factor-setup-code")
    go(web.get_by_role("button", name="Continue"))
    assert "Enter the setup code your administrator gave you" in web.content()
    check_axe(web, "two-factor-setup-code-error")
    web.get_by_label("Setup code").fill(setup_code)
    go(web.get_by_role("button", name="Continue"))
    assert heading(web) == "Set up your authenticator app"
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    web.get_by_label("Code from your authenticator app").fill(code_for(device))
    go(web.get_by_role("button", name="Confirm and sign in"))
    assert "Your authenticator app is set up." in web.content()
