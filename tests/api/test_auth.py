"""API tokens: issued for a password, expire, and die with the account."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import ApiToken, Role
from tests.conftest import client_for
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"


def test_token_for_a_password_expires_in_about_12_hours(api_client):
    user = make_user(role=Role.YOT_ADMIN)
    response = api_client.post(
        TOKEN_URL, {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    expires = dt.datetime.fromisoformat(response.json()["expires"])
    assert abs(expires - (timezone.now() + dt.timedelta(hours=12))) < dt.timedelta(minutes=1)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api_client.get("/api/v1/agencies/").status_code == 200


def test_wrong_password_answers_401_with_the_error_body(api_client):
    user = make_user()
    response = api_client.post(
        TOKEN_URL, {"username": user.username, "password": "nope"}, format="json"
    )
    assert response.status_code == 401
    assert response.json()["detail"] and response.json()["errors"] == {}


def test_missing_field_answers_400_naming_it(api_client):
    response = api_client.post(TOKEN_URL, {"username": "someone"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()["errors"]


def test_expired_token_answers_401():
    user = make_user()
    client = client_for(user)
    ApiToken.objects.filter(user=user).update(expires=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/api/v1/agencies/")
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_unknown_token_answers_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api_client.get("/api/v1/agencies/").status_code == 401


def test_deactivating_a_user_through_the_api_kills_their_token():
    user = make_user(role=Role.CASE_MANAGER)
    their_client = client_for(user)
    assert their_client.get("/api/v1/cases/").status_code == 200
    admin = client_for(make_user(role=Role.SYSTEM_ADMIN))
    response = admin.patch(f"/api/v1/users/{user.pk}/", {"is_active": False}, format="json")
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert not ApiToken.objects.filter(user=user).exists()
    assert their_client.get("/api/v1/cases/").status_code == 401


def test_token_of_a_user_deactivated_directly_answers_401():
    user = make_user()
    client = client_for(user)
    user.is_active = False
    user.save()
    assert client.get("/api/v1/agencies/").status_code == 401


def test_inactive_user_cannot_get_a_token(api_client):
    user = make_user(is_active=False)
    response = api_client.post(
        TOKEN_URL, {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 401


def test_password_change_revokes_tokens():
    user = make_user()
    client = client_for(user)
    admin = client_for(make_user(role=Role.SYSTEM_ADMIN))
    admin.patch(f"/api/v1/users/{user.pk}/", {"password": "a-brand-new-password-5"}, format="json")
    assert client.get("/api/v1/agencies/").status_code == 401


def test_browser_session_works_for_the_api(client):
    user = make_user()
    client.force_login(user)
    assert client.get("/api/v1/agencies/").status_code == 200


def test_password_is_never_returned():
    admin = client_for(make_user(role=Role.SYSTEM_ADMIN))
    data = admin.get("/api/v1/users/").json()["results"]
    assert data and all("password" not in row for row in data)
