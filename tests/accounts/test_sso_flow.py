"""Organisation sign-in end to end: a real OpenID Connect provider on 127.0.0.1
(tests/support/oidc_provider.py), Django's live server, and an HTTP client that follows every
redirect: the sign-in page's button -> the provider -> back -> the role's home."""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlparse

import pytest
import requests
from axes.models import AccessLog

from accounts.models import AccountEvent, PrivilegeRequest, Role, User
from accounts.oidc import forget_discovery
from accounts.services import privilege_request_approve
from tests import factories
from tests.frontend.conftest import default_agencies  # noqa: F401 (a fixture)
from tests.support.oidc_provider import OidcProvider

# A live server and a provider for each test, about 3 s each; the database is restored as the
# migrations left it after each one, as in the browser journeys (a plain flush would leave
# later tests without the migrations' rows and with the role groups made twice).
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CLIENT_ID = "yot-screening-tests"
CLIENT_SECRET = "a-client-secret-for-tests-only"
CALLBACK = "/sign-in/organisation/callback/"
# Entra ID sends group object ids; any value works the same.
GROUP = {role: f"3f2a9c1e-0000-4000-8000-{n:012d}" for n, role in enumerate(Role.values)}
REFUSED = "You have not been signed in"
AWAITING = "Your access is waiting for approval"


@pytest.fixture
def provider():
    with OidcProvider(client_id=CLIENT_ID, client_secret=CLIENT_SECRET) as running:
        yield running


@pytest.fixture
def sso(provider, settings, live_server):
    """Organisation sign-in on, passwords off, endpoints found by discovery."""
    settings.OIDC_ENABLED = True
    settings.LOCAL_PASSWORDS = False
    settings.OIDC_ISSUER = provider.url
    for name in [
        "OIDC_OP_AUTHORIZATION_ENDPOINT",
        "OIDC_OP_TOKEN_ENDPOINT",
        "OIDC_OP_USER_ENDPOINT",
        "OIDC_OP_JWKS_ENDPOINT",
    ]:
        setattr(settings, name, "")
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ROLE_MAP = [f"{group}={role}" for role, group in GROUP.items()]
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    forget_discovery()
    yield live_server
    forget_discovery()


def person(email: str, *roles: str, sub: str = "", **more) -> dict:
    return {
        "sub": sub or f"oid-{email.lower()}",
        "email": email,
        "given_name": "Amara",
        "family_name": "Okonkwo",
        "groups": [GROUP[role] for role in roles] + ["an-unrelated-group"],
        **more,
    }


def through_provider(server, provider, who: dict, tamper: str = "") -> tuple:
    """Open the sign-in page, press its organisation button and follow every redirect."""
    provider.person, provider.tamper = who, tamper
    browser = requests.Session()
    page = browser.get(f"{server.url}/sign-in/", timeout=10)
    found = re.search(r'href="([^"]+)"[^>]*>Sign in with your organisation account', page.text)
    assert found, page.text[:2000]
    answer = browser.get(urljoin(server.url, html.unescape(found[1])), timeout=10)
    return browser, answer


def signed_in(browser, server) -> bool:
    answer = browser.get(f"{server.url}/dashboard/", timeout=10, allow_redirects=False)
    return not (answer.status_code == 302 and "/sign-in/" in answer.headers["Location"])


def landed(answer) -> str:
    return urlparse(answer.url).path


@pytest.mark.usefixtures("default_agencies")
@pytest.mark.parametrize(
    ("role", "home"),
    [
        (Role.YOT_ADMIN, "/dashboard/"),
        (Role.CASE_MANAGER, "/dashboard/"),
        (Role.YOT_MANAGER, "/dashboard/"),
        (Role.PRACTITIONER, "/my/"),
        (Role.SYSTEM_ADMIN, "/"),
    ],
)
def test_a_user_signs_in_through_the_provider_and_lands_on_their_roles_home(
    sso,
    provider,
    role,
    home,
):
    user = factories.make_user(role=role)
    if role == Role.PRACTITIONER:
        factories.make_practitioner(user=user, agency="health")
    browser, answer = through_provider(sso, provider, person(user.email.upper(), role))
    assert answer.status_code == 200, answer.text[:2000]
    assert landed(answer) == home
    assert any(CALLBACK in h.url for h in answer.history)
    assert signed_in(browser, sso)
    # Discovery, the authorisation, the code exchange, the keys and userinfo were all used.
    assert {"/.well-known/openid-configuration", "/authorize", "/token", "/jwks"} <= set(
        provider.requests
    )
    assert "/userinfo" in provider.requests
    # Recorded like a password sign-in, and nothing about the login changed.
    assert AccessLog.objects.filter(username=user.username, path_info=CALLBACK).count() == 1
    user.refresh_from_db()
    assert (user.role, user.is_active) == (role, True)
    assert not AccountEvent.objects.filter(user=user).exclude(kind="created").exists()


def test_the_session_is_the_users_and_survives_the_next_request(sso, provider):
    user = factories.make_user(role=Role.YOT_ADMIN)
    browser, answer = through_provider(sso, provider, person(user.email, Role.YOT_ADMIN))
    assert landed(answer) == "/dashboard/"
    assert browser.get(f"{sso.url}/cases/", timeout=10).status_code == 200


@pytest.mark.parametrize(
    ("tamper", "why"),
    [
        ("nonce", "nonce does not match"),
        ("signature", "Signature verification failed"),
        ("expired", "expired"),
        ("issuer", "issuer"),
        ("audience", "audience"),
        ("userinfo_sub", "someone else"),
    ],
)
def test_a_token_that_fails_a_check_is_refused_and_recorded(sso, provider, tamper, why):
    user = factories.make_user(role=Role.YOT_ADMIN)
    browser, answer = through_provider(sso, provider, person(user.email, Role.YOT_ADMIN), tamper)
    assert answer.status_code == 403 and REFUSED in answer.text
    assert landed(answer) == CALLBACK
    assert not signed_in(browser, sso)
    refusal = AccountEvent.objects.get(kind=AccountEvent.Kind.SIGN_IN_REFUSED)
    assert why.lower() in refusal.detail.lower(), refusal.detail
    assert refusal.actor_username == "organisation sign-in"
    assert not AccessLog.objects.filter(username=user.username).exists()


def test_a_state_this_browser_did_not_start_with_is_refused(sso, provider):
    user = factories.make_user(role=Role.YOT_ADMIN)
    browser, answer = through_provider(sso, provider, person(user.email, Role.YOT_ADMIN), "state")
    assert answer.status_code == 403 and REFUSED in answer.text
    assert not signed_in(browser, sso)
    # The code was never exchanged.
    assert "/token" not in provider.requests


def test_a_callback_used_twice_is_refused_the_second_time(sso, provider):
    user = factories.make_user(role=Role.YOT_ADMIN)
    browser, answer = through_provider(sso, provider, person(user.email, Role.YOT_ADMIN))
    callback = next(h.headers["Location"] for h in answer.history if "/authorize" in h.url)
    browser.post(f"{sso.url}/sign-out/", timeout=10)  # no CSRF token: stays signed in
    again = requests.Session().get(callback, timeout=10)
    assert again.status_code == 403 and REFUSED in again.text


def test_groups_that_map_to_no_role_refuse_and_deactivate_the_login(sso, provider):
    user = factories.make_user(role=Role.YOT_ADMIN)
    browser, answer = through_provider(sso, provider, person(user.email))
    assert answer.status_code == 403
    assert "no longer in any group" in answer.text
    assert not signed_in(browser, sso)
    user.refresh_from_db()
    assert not user.is_active
    kinds = set(AccountEvent.objects.filter(user=user).values_list("kind", flat=True))
    assert {"deactivated", "sign_in_refused"} <= kinds


def test_an_unknown_person_without_a_mapped_group_gets_no_login(sso, provider):
    _browser, answer = through_provider(sso, provider, person("stranger@council.example.org"))
    assert answer.status_code == 403 and "not in any group" in answer.text
    assert not User.objects.filter(email="stranger@council.example.org").exists()
    refusal = AccountEvent.objects.get(kind="sign_in_refused")
    assert refusal.username == "stranger@council.example.org" and refusal.user is None


def test_a_new_person_whose_role_reads_no_findings_gets_an_active_login_at_once(sso, provider):
    _browser, answer = through_provider(
        sso, provider, person("new.admin@council.example.org", Role.YOT_ADMIN)
    )
    assert landed(answer) == "/dashboard/"
    user = User.objects.get(email="new.admin@council.example.org")
    assert (user.role, user.is_active, user.has_usable_password()) == ("yot_admin", True, False)
    assert (user.first_name, user.last_name) == ("Amara", "Okonkwo")
    created = AccountEvent.objects.get(user=user, kind="created")
    assert created.actor_username == "organisation sign-in"


def test_a_new_person_whose_role_reads_findings_waits_for_a_yot_managers_approval(sso, provider):
    """ADR 0012: access to findings takes a second person, whoever the claims say."""
    manager = factories.make_user(role=Role.YOT_MANAGER)
    who = person("new.cm@council.example.org", Role.CASE_MANAGER)
    browser, answer = through_provider(sso, provider, who)
    assert answer.status_code == 403 and AWAITING in answer.text
    assert "Case manager" in answer.text
    assert not signed_in(browser, sso)
    user = User.objects.get(email="new.cm@council.example.org")
    assert (user.role, user.is_active) == (Role.CASE_MANAGER, False)
    request = PrivilegeRequest.objects.get(user=user, status="pending")
    assert request.role == Role.CASE_MANAGER and request.requested_by is None

    # Trying again does not pile up requests; it still waits.
    _, again = through_provider(sso, provider, who)
    assert AWAITING in again.text
    assert PrivilegeRequest.objects.filter(user=user).count() == 1

    privilege_request_approve(request=request, by=manager)
    browser, answer = through_provider(sso, provider, who)
    assert landed(answer) == "/dashboard/" and signed_in(browser, sso)


def test_claims_that_change_the_role_change_it_at_the_next_sign_in(sso, provider):
    user = factories.make_user(role=Role.YOT_ADMIN)
    _, answer = through_provider(sso, provider, person(user.email, Role.SYSTEM_ADMIN))
    assert landed(answer) == "/"
    user.refresh_from_db()
    assert (user.role, user.is_active) == (Role.SYSTEM_ADMIN, True)
    change = AccountEvent.objects.get(user=user, kind="role_changed")
    assert change.actor_username == "organisation sign-in"
    assert "from YOT admin to System administrator" in change.detail


def test_claims_that_would_grant_findings_hold_the_change_and_stop_the_old_role(sso, provider):
    user = factories.make_user(role=Role.YOT_ADMIN)
    browser, answer = through_provider(sso, provider, person(user.email, Role.YOT_MANAGER))
    assert answer.status_code == 403 and AWAITING in answer.text
    assert not signed_in(browser, sso)
    user.refresh_from_db()
    # The admin role the groups no longer give stops now; the manager role waits.
    assert (user.role, user.is_active) == (Role.YOT_ADMIN, False)
    assert PrivilegeRequest.objects.get(user=user, status="pending").role == Role.YOT_MANAGER
    kinds = set(AccountEvent.objects.filter(user=user).values_list("kind", flat=True))
    assert {"deactivated", "change_requested", "sign_in_refused"} <= kinds


def test_lowering_access_from_claims_takes_effect_at_once(sso, provider):
    user = factories.make_user(role=Role.CASE_MANAGER)
    _, answer = through_provider(sso, provider, person(user.email, Role.YOT_ADMIN))
    assert landed(answer) == "/dashboard/"
    user.refresh_from_db()
    assert (user.role, user.is_active) == (Role.YOT_ADMIN, True)


def test_groups_giving_two_roles_refuse_unless_one_is_already_held(sso, provider):
    user = factories.make_user(role=Role.YOT_ADMIN)
    _, kept = through_provider(sso, provider, person(user.email, Role.YOT_ADMIN, Role.SYSTEM_ADMIN))
    assert landed(kept) == "/dashboard/"
    _, answer = through_provider(
        sso, provider, person("two.roles@council.example.org", Role.YOT_ADMIN, Role.SYSTEM_ADMIN)
    )
    assert answer.status_code == 403 and "more than one role" in answer.text
    assert not User.objects.filter(email="two.roles@council.example.org").exists()


def test_a_deactivated_login_is_not_brought_back_by_organisation_sign_in(sso, provider):
    user = factories.make_user(role=Role.YOT_ADMIN)
    User.objects.filter(pk=user.pk).update(is_active=False)
    browser, answer = through_provider(sso, provider, person(user.email, Role.YOT_ADMIN))
    assert answer.status_code == 403 and "deactivated" in answer.text
    user.refresh_from_db()
    assert not user.is_active and not signed_in(browser, sso)


def test_explicit_endpoints_work_without_discovery(sso, provider, settings):
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider.url}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider.url}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider.url}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider.url}/jwks"
    user = factories.make_user(role=Role.YOT_ADMIN)
    _, answer = through_provider(sso, provider, person(user.email, Role.YOT_ADMIN))
    assert landed(answer) == "/dashboard/"
    assert "/.well-known/openid-configuration" not in provider.requests


def test_a_login_stays_with_the_organisation_account_first_signed_in_as_it(sso, provider):
    """Once linked, another account claiming the same email is refused, and the linked
    account still signs in after its email changes."""
    user = factories.make_user(role=Role.YOT_ADMIN)
    _, first = through_provider(sso, provider, person(user.email, Role.YOT_ADMIN, sub="oid-1"))
    assert landed(first) == "/dashboard/"
    user.refresh_from_db()
    assert user.sso_subject == "oid-1"

    browser, other = through_provider(
        sso, provider, person(user.email, Role.YOT_ADMIN, sub="oid-someone-else")
    )
    assert other.status_code == 403 and "different organisation account" in other.text
    assert not signed_in(browser, sso)

    renamed = person("amara.okonkwo@newname.example.org", Role.YOT_ADMIN, sub="oid-1")
    _, again = through_provider(sso, provider, renamed)
    assert landed(again) == "/dashboard/"
