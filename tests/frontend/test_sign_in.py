"""Sign in: password, lockout after repeated failures, two-factor by authenticator app,
sign out, idle timeout, and the API token endpoint asking for the code too."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccountEvent, ApiToken, Role, TwoFactorSetupCode
from accounts.two_factor import device_confirm, setup_code_issue, setup_device
from frontend.middleware import LAST_SEEN
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset)
    return f"{code:06d}"


def sign_in(client: Client, username: str, password: str = factories.PASSWORD):
    return client.post("/sign-in/", {"username": username, "password": password})


def test_sign_in_with_the_right_password_goes_to_the_role_home():
    admin = factories.make_user(role=Role.YOT_ADMIN)
    client = Client()
    assert sign_in(client, admin.username)["Location"] == "/"
    assert client.get("/")["Location"] == "/dashboard/"


def test_wrong_password_shows_the_error_summary_and_keeps_the_username():
    admin = factories.make_user(role=Role.YOT_ADMIN)
    response = sign_in(Client(), admin.username, "not-the-password")
    text = response.content.decode()
    assert "Enter a correct username and password" in text
    assert f'value="{admin.username}"' in text


def test_empty_sign_in_names_both_fields():
    text = Client().post("/sign-in/", {}).content.decode()
    assert "Enter your username" in text and "Enter your password" in text


def test_repeated_failures_lock_the_account_out_even_with_the_right_password(settings):
    admin = factories.make_user(role=Role.YOT_ADMIN)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, admin.username, "wrong-password-guess")
    response = sign_in(client, admin.username)
    assert response.status_code == 429
    assert "Signing in is paused" in response.content.decode()
    assert f"Wait {settings.SIGN_IN_LOCKOUT_MINUTES} minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_api_token_failures_count_towards_the_lockout(settings, api_client):
    admin = factories.make_user(role=Role.YOT_ADMIN)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api_client.post(
            "/api/v1/auth/token/", {"username": admin.username, "password": "nope"}, format="json"
        )
    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": admin.username, "password": factories.PASSWORD},
        format="json",
    )
    assert response.status_code == 429
    assert "paused" in response.json()["detail"]


def enrolled(user) -> TOTPDevice:
    """The user with a confirmed authenticator app, set up with an administrator's code."""
    setup_code, _ = setup_code_issue(user=user, by=None)
    device = setup_device(user=user)
    return device_confirm(device=device, code=code_for(device), setup_code=setup_code)


def test_two_factor_setup_needs_an_administrators_setup_code_not_just_the_password(settings):
    settings.REQUIRE_TWO_FACTOR = True
    admin = factories.make_user(role=Role.YOT_ADMIN)
    client = Client()
    response = sign_in(client, admin.username)
    assert response["Location"] == "/sign-in/set-up-authenticator/"
    # Half-way is not signed in: pages still ask for sign-in.
    assert client.get("/dashboard/").status_code == 302
    # The password alone shows no secret and cannot confirm an app.
    page = client.get("/sign-in/set-up-authenticator/").content.decode()
    assert "Enter your setup code" in page and "<svg" not in page and 'id="secret"' not in page
    assert not TOTPDevice.objects.filter(user=admin).exists()
    refused = client.post("/sign-in/set-up-authenticator/", {"otp": "123456"})
    assert "Enter the setup code" in refused.content.decode()
    wrong = client.post("/sign-in/set-up-authenticator/", {"setup_code": "AAAA-BBBB-CCCC"})
    assert "The setup code is not right" in wrong.content.decode()

    _, setup_code = setup_code_issue(user=factories.make_user(role=Role.YOT_ADMIN), by=None)
    other_users = client.post("/sign-in/set-up-authenticator/", {"setup_code": setup_code})
    assert "The setup code is not right" in other_users.content.decode()

    _, setup_code = setup_code_issue(user=admin, by=factories.make_user(role=Role.SYSTEM_ADMIN))
    given = client.post("/sign-in/set-up-authenticator/", {"setup_code": setup_code.lower()})
    assert given["Location"] == "/sign-in/set-up-authenticator/"
    text = client.get("/sign-in/set-up-authenticator/").content.decode()
    assert "<svg" in text and 'id="secret"' in text
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    wrong = client.post("/sign-in/set-up-authenticator/", {"otp": "000000"})
    assert "The code is not right" in wrong.content.decode()
    done = client.post("/sign-in/set-up-authenticator/", {"otp": code_for(device)})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/dashboard/").status_code == 200
    assert not TwoFactorSetupCode.objects.live().filter(user=admin).exists()
    assert AccountEvent.objects.filter(user=admin, kind="two_factor_set_up").exists()


def test_a_secret_shown_before_the_setup_code_is_never_the_one_confirmed(settings):
    settings.REQUIRE_TWO_FACTOR = True
    admin = factories.make_user(role=Role.YOT_ADMIN)
    seen = setup_device(user=admin)  # e.g. shown to whoever had the password earlier
    client = Client()
    sign_in(client, admin.username)
    _, setup_code = setup_code_issue(user=admin, by=None)
    client.post("/sign-in/set-up-authenticator/", {"setup_code": setup_code})
    assert client.post("/sign-in/set-up-authenticator/", {"otp": code_for(seen)}).status_code == 200
    assert not TOTPDevice.objects.filter(pk=seen.pk).exists()


def test_five_wrong_setup_codes_use_the_real_one_up(settings):
    settings.REQUIRE_TWO_FACTOR = True
    admin = factories.make_user(role=Role.YOT_ADMIN)
    _, setup_code = setup_code_issue(user=admin, by=None)
    client = Client()
    sign_in(client, admin.username)
    for _ in range(5):
        client.post("/sign-in/set-up-authenticator/", {"setup_code": "WRONG-CODE-0000"})
    late = client.post("/sign-in/set-up-authenticator/", {"setup_code": setup_code})
    assert "The setup code is not right" in late.content.decode()


def test_administrators_issue_setup_codes_for_others_but_not_themselves():
    sysadmin = factories.make_user(role=Role.SYSTEM_ADMIN)
    api = client_for(sysadmin)
    user = factories.make_user(role=Role.YOT_ADMIN)
    answer = api.post(f"/api/v1/users/{user.pk}/two-factor-setup-code/")
    assert answer.status_code == 200 and len(answer.json()["setup_code"]) == 14
    assert api.post(f"/api/v1/users/{sysadmin.pk}/two-factor-setup-code/").status_code == 403
    enrolled(user)
    assert api.post(f"/api/v1/users/{user.pk}/two-factor-setup-code/").status_code == 409
    reset = api.post(f"/api/v1/users/{user.pk}/two-factor-reset/")
    assert reset.status_code == 200 and reset.json()["setup_code"]
    assert not TOTPDevice.objects.filter(user=user).exists()
    other = client_for(factories.make_user(role=Role.YOT_ADMIN))
    assert other.post(f"/api/v1/users/{user.pk}/two-factor-reset/").status_code == 403


def test_tokens_issued_before_two_factor_was_required_stop_working(settings, api_client):
    settings.REQUIRE_TWO_FACTOR = False
    admin = factories.make_user(role=Role.YOT_ADMIN)
    old = client_for(admin)
    assert old.get("/api/v1/agencies/").status_code == 200
    settings.REQUIRE_TWO_FACTOR = True
    refused = old.get("/api/v1/agencies/")
    assert refused.status_code == 401 and "two-factor" in refused.json()["detail"]
    device = enrolled(admin)
    answer = api_client.post(
        "/api/v1/auth/token/",
        {"username": admin.username, "password": factories.PASSWORD, "otp": code_for(device, 1)},
        format="json",
    )
    assert ApiToken.objects.get(user=admin, two_factor=True)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    assert api_client.get("/api/v1/agencies/").status_code == 200


def test_a_session_signed_in_without_a_code_ends_once_one_is_required(settings):
    settings.REQUIRE_TWO_FACTOR = False
    admin = factories.make_user(role=Role.YOT_ADMIN)
    client = Client()
    sign_in(client, admin.username)
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/api/v1/agencies/").status_code == 200
    settings.REQUIRE_TWO_FACTOR = True
    assert client.get("/dashboard/")["Location"].startswith("/sign-in/")
    assert client.get("/api/v1/agencies/").status_code in {401, 403}


def test_a_session_signed_in_with_a_code_stays_when_two_factor_is_required(settings):
    settings.REQUIRE_TWO_FACTOR = True
    admin = factories.make_user(role=Role.YOT_ADMIN)
    device = enrolled(admin)
    client = Client()
    sign_in(client, admin.username)
    client.post("/sign-in/code/", {"otp": code_for(device, 1)})
    assert client.get("/dashboard/").status_code == 200


def test_setting_up_an_app_stops_tokens_issued_without_a_code(settings):
    settings.REQUIRE_TWO_FACTOR = False
    admin = factories.make_user(role=Role.YOT_ADMIN)
    old = client_for(admin)
    enrolled(admin)
    assert old.get("/api/v1/agencies/").status_code == 401


def test_a_user_with_a_confirmed_device_must_give_a_code_even_when_not_required(settings):
    settings.REQUIRE_TWO_FACTOR = False
    admin = factories.make_user(role=Role.YOT_ADMIN)
    device = enrolled(admin)
    client = Client()
    assert sign_in(client, admin.username)["Location"] == "/sign-in/code/"
    assert client.get("/dashboard/").status_code == 302
    empty = client.post("/sign-in/code/", {"otp": ""})
    assert "Enter the 6-digit code" in empty.content.decode()
    assert client.post("/sign-in/code/", {"otp": code_for(device, 1)}).status_code == 302
    assert client.get("/dashboard/").status_code == 200


def test_api_token_needs_the_code_of_a_user_with_a_confirmed_device(api_client):
    admin = factories.make_user(role=Role.YOT_ADMIN)
    device = enrolled(admin)
    body = {"username": admin.username, "password": factories.PASSWORD}
    missing = api_client.post("/api/v1/auth/token/", body, format="json")
    assert missing.status_code == 400
    assert "otp" in missing.json()["errors"]
    right = api_client.post(
        "/api/v1/auth/token/", {**body, "otp": code_for(device, 1)}, format="json"
    )
    assert right.status_code == 200 and right.json()["token"]
    # The code just used cannot be used again.
    again = api_client.post(
        "/api/v1/auth/token/", {**body, "otp": code_for(device, 1)}, format="json"
    )
    assert again.status_code == 400 and "otp" in again.json()["errors"]


def test_api_token_refused_when_two_factor_is_required_and_not_set_up(settings, api_client):
    settings.REQUIRE_TWO_FACTOR = True
    admin = factories.make_user(role=Role.YOT_ADMIN)
    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": admin.username, "password": factories.PASSWORD, "otp": "123456"},
        format="json",
    )
    assert response.status_code == 400
    assert "otp" in response.json()["errors"]


def test_sign_out_is_a_post_and_ends_the_session():
    admin = factories.make_user(role=Role.YOT_ADMIN)
    client = Client()
    client.force_login(admin)
    assert client.get("/sign-out/").status_code == 405
    assert client.post("/sign-out/")["Location"] == "/sign-in/"
    assert client.get("/dashboard/").status_code == 302


def test_idle_session_ends_and_the_sign_in_page_says_why(settings):
    settings.SESSION_IDLE_SECONDS = 60
    admin = factories.make_user(role=Role.YOT_ADMIN)
    client = Client()
    client.force_login(admin)
    assert client.get("/dashboard/").status_code == 200
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 61
    session.save()
    response = client.get("/dashboard/")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "You were signed out because you had not done anything for 1 minute." in (
        page.content.decode()
    )


def test_active_session_is_kept(settings):
    settings.SESSION_IDLE_SECONDS = 60
    admin = factories.make_user(role=Role.YOT_ADMIN)
    client = Client()
    client.force_login(admin)
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 30
    session.save()
    assert client.get("/dashboard/").status_code == 200


def test_admin_login_uses_the_same_sign_in():
    response = Client().get("/admin/login/?next=/admin/")
    assert response["Location"] == "/sign-in/?next=/admin/"


def signed_in_idle_for(seconds: int, settings, idle: int = 1800) -> Client:
    settings.SESSION_IDLE_SECONDS = idle
    client = Client()
    client.force_login(factories.make_user(role=Role.YOT_ADMIN))
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()
    return client


def test_asking_how_long_is_left_does_not_count_as_activity(settings):
    client = signed_in_idle_for(100, settings)
    before = client.session[LAST_SEEN]
    answer = client.get("/session/")
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    assert answer.json()["signed_in"] is True
    assert 1698 <= answer.json()["seconds_left"] <= 1700
    assert client.session[LAST_SEEN] == before


def test_staying_signed_in_restarts_the_idle_clock(settings):
    client = signed_in_idle_for(1700, settings)
    assert client.get("/session/extend/").status_code == 405
    answer = client.post("/session/extend/")
    assert answer.json() == {"signed_in": True, "seconds_left": 1800}
    assert client.get("/session/").json()["seconds_left"] >= 1799


def test_staying_signed_in_needs_the_csrf_token(settings):
    settings.SESSION_IDLE_SECONDS = 1800
    client = Client(enforce_csrf_checks=True)
    client.force_login(factories.make_user(role=Role.YOT_ADMIN))
    assert client.post("/session/extend/").status_code == 403


def test_asking_after_the_idle_limit_finds_the_session_ended(settings):
    client = signed_in_idle_for(61, settings, idle=60)
    assert client.get("/session/").json() == {"signed_in": False, "seconds_left": 0}
    assert "You were signed out because" in client.get("/sign-in/").content.decode()


def test_signed_in_pages_carry_the_timeout_warning_and_sign_in_does_not(settings):
    client = signed_in_idle_for(0, settings)
    page = client.get("/dashboard/").content.decode()
    assert 'id="app-idle-warning"' in page and 'data-idle-seconds="1800"' in page
    assert 'data-warning-seconds="120"' in page and "frontend/idle-warning.js" in page
    assert 'id="app-idle-warning"' not in Client().get("/sign-in/").content.decode()
