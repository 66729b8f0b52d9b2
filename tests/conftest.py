from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiToken, Role, User
from tests import factories

# Fixtures of the calendar tests (world, ics_server).
pytest_plugins = ["tests.calendar_support"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hashing cost is not what these tests check; a cheap hasher keeps them fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def client_for(user: User) -> APIClient:
    """An API client authenticated with a real token of this user."""
    _, key = ApiToken.issue(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def as_role(db):
    """as_role("yot_admin") -> (user, client); one user per role per test."""
    made: dict[str, tuple[User, APIClient]] = {}

    def make(role: str) -> tuple[User, APIClient]:
        if role not in made:
            if role == Role.PRACTITIONER:
                user = factories.make_user(role=Role.PRACTITIONER)
                factories.make_practitioner(user=user, agency="health")
            else:
                user = factories.make_user(role=role)
            made[role] = (user, client_for(user))
        return made[role]

    return make
