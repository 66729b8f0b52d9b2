"""While organisation sign-in is on and local passwords are off: the sign-in page offers the
organisation button, a password signs in only a break-glass system administrator (with
two-factor), and the API token endpoint refuses everyone else's password, saying why."""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from accounts.models import ApiToken, Role
from accounts.sso import SignInRefused, role_map, roles_from_claims
from frontend.auth_views import PASSWORDS_OFF
from tests import factories
from tests.frontend.test_sign_in import code_for, enrolled, sign_in

pytestmark = pytest.mark.django_db
BUTTON = "Sign in with your organisation account"
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def sso_on(settings):
    settings.OIDC_ENABLED = True
    settings.LOCAL_PASSWORDS = False
    settings.OIDC_ROLE_MAP = ["g-admin=yot_admin", "g-cm=case_manager"]


def test_the_sign_in_page_offers_the_organisation_button_and_hides_passwords(sso_on):
    page = Client().get("/sign-in/").content.decode()
    assert BUTTON in page and 'href="/sign-in/organisation/?next=/"' in page
    assert 'name="password"' not in page
    assert "?password=break-glass" in page
    glass = Client().get("/sign-in/?password=break-glass").content.decode()
    assert 'name="password"' in glass and "Break-glass sign-in" in glass


def test_without_organisation_sign_in_the_page_is_the_password_form_alone():
    page = Client().get("/sign-in/").content.decode()
    assert BUTTON not in page and 'name="password"' in page


def test_with_local_passwords_kept_on_both_ways_are_offered(sso_on, settings):
    settings.LOCAL_PASSWORDS = True
    page = Client().get("/sign-in/").content.decode()
    assert BUTTON in page and 'name="password"' in page
    admin = factories.make_user(role=Role.YOT_ADMIN)
    assert sign_in(Client(), admin.username)["Location"] == "/"


def test_the_organisation_pages_are_not_there_while_it_is_off():
    assert Client().get("/sign-in/organisation/").status_code == 404
    assert Client().get("/sign-in/organisation/callback/?code=a&state=b").status_code == 404


def test_a_right_password_is_refused_for_a_login_that_signs_in_through_the_organisation(sso_on):
    admin = factories.make_user(role=Role.YOT_ADMIN)
    client = Client()
    response = sign_in(client, admin.username)
    assert response.status_code == 200
    assert html.escape(PASSWORDS_OFF) in response.content.decode()
    assert client.get("/dashboard/").status_code == 302


def test_a_wrong_password_gets_the_usual_error_revealing_nothing(sso_on):
    admin = factories.make_user(role=Role.YOT_ADMIN)
    text = sign_in(Client(), admin.username, "not-the-password").content.decode()
    assert (
        "Enter a correct username and password" in text and html.escape(PASSWORDS_OFF) not in text
    )


def test_break_glass_system_administrator_signs_in_with_password_and_code(sso_on):
    admin = factories.make_user(role=Role.SYSTEM_ADMIN)
    device = enrolled(admin)
    client = Client()
    # Two-factor is asked although REQUIRE_TWO_FACTOR is off in the tests.
    assert sign_in(client, admin.username)["Location"] == "/sign-in/code/"
    assert "_auth_user_id" not in client.session  # not signed in half-way
    done = client.post("/sign-in/code/", {"otp": code_for(device, 1)})
    assert done["Location"] == "/"
    assert client.get("/").status_code == 200
    assert "_auth_user_id" in client.session


def test_break_glass_without_an_authenticator_app_must_set_one_up_first(sso_on):
    admin = factories.make_user(role=Role.SYSTEM_ADMIN)
    assert sign_in(Client(), admin.username)["Location"] == "/sign-in/set-up-authenticator/"


def test_a_password_session_from_before_ends_once_passwords_are_off(settings):
    admin = factories.make_user(role=Role.YOT_ADMIN)
    client = Client()
    sign_in(client, admin.username)
    assert client.get("/dashboard/").status_code == 200
    settings.OIDC_ENABLED, settings.LOCAL_PASSWORDS = True, False
    assert client.get("/dashboard/").status_code == 302


def test_api_token_by_password_is_refused_for_others_saying_why(sso_on, api_client):
    admin = factories.make_user(role=Role.YOT_ADMIN)
    response = api_client.post(
        TOKEN_URL, {"username": admin.username, "password": factories.PASSWORD}, format="json"
    )
    assert response.status_code == 403
    assert "Passwords are turned off for this login" in response.json()["detail"]
    assert not ApiToken.objects.filter(user=admin).exists()
    wrong = api_client.post(
        TOKEN_URL, {"username": admin.username, "password": "wrong-one"}, format="json"
    )
    assert wrong.status_code == 401 and "turned off" not in wrong.json()["detail"]


def test_api_token_for_break_glass_needs_the_code(sso_on, api_client):
    admin = factories.make_user(role=Role.SYSTEM_ADMIN)
    device = enrolled(admin)
    body = {"username": admin.username, "password": factories.PASSWORD}
    assert api_client.post(TOKEN_URL, body, format="json").status_code == 400
    response = api_client.post(TOKEN_URL, {**body, "otp": code_for(device, 1)}, format="json")
    assert response.status_code == 200 and response.json()["token"]


def test_tokens_issued_without_a_code_stop_working_once_passwords_are_off(settings):
    user = factories.make_user(role=Role.YOT_ADMIN)
    from tests.conftest import client_for

    client = client_for(user)
    assert client.get("/api/v1/agencies/").status_code == 200
    settings.OIDC_ENABLED, settings.LOCAL_PASSWORDS = True, False
    assert client.get("/api/v1/agencies/").status_code == 401


def test_role_map_names_a_bad_entry(settings):
    settings.OIDC_ROLE_MAP = ["g-admin=yot_admin", "g-boss=boss"]
    with pytest.raises(ImproperlyConfigured, match="g-boss=boss"):
        role_map()


def test_roles_come_from_the_configured_claim_as_a_list_or_one_value(settings, sso_on):
    assert roles_from_claims({"groups": ["g-admin", "other"]}) == {"yot_admin"}
    assert roles_from_claims({"groups": "g-cm"}) == {"case_manager"}
    settings.OIDC_ROLES_CLAIM = "roles"
    assert roles_from_claims({"groups": ["g-admin"], "roles": ["g-cm"]}) == {"case_manager"}


def test_entra_group_overage_is_refused_with_what_to_do(sso_on):
    claims = {"_claim_names": {"groups": "src1"}, "_claim_sources": {"src1": {}}}
    with pytest.raises(SignInRefused, match="too many groups"):
        roles_from_claims(claims)


def test_a_bad_role_map_fails_the_system_check(settings, sso_on):
    from accounts.checks import check_role_map

    assert check_role_map() == []
    settings.OIDC_ROLE_MAP = ["g-admin=admin"]
    errors = check_role_map()
    assert [e.id for e in errors] == ["accounts.E001"] and "g-admin=admin" in errors[0].msg
