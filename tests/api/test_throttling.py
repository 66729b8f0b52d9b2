"""Throttling and lockout key on the real client: forwarded addresses are believed only
from the proxies in TRUSTED_PROXIES, counts live in a store every web process shares, and a
lockout behind the proxy holds one person back, not everyone."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.test import Client, RequestFactory

from accounts.client_address import client_ip
from accounts.models import Role
from api.throttles import ClientScopedRateThrottle
from tests import factories

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"
PROXY = "10.0.0.5"


@pytest.fixture
def one_request_a_minute(monkeypatch):
    monkeypatch.setattr(ClientScopedRateThrottle, "THROTTLE_RATES", {"auth": "1/minute"})
    caches["default"].clear()
    yield
    caches["default"].clear()


def ask_for_token(client, **meta):
    return client.post(
        TOKEN_URL,
        {"username": "nobody", "password": "not-a-password"},
        content_type="application/json",
        **meta,
    )


def test_a_new_forwarded_header_does_not_escape_the_throttle(one_request_a_minute, settings):
    settings.TRUSTED_PROXIES = []
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert ask_for_token(client, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 401
    answers = [
        ask_for_token(client, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(2, 12)
    ]
    assert answers == [429] * 10


def test_behind_a_trusted_proxy_each_client_is_throttled_on_its_own(one_request_a_minute, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    proxy = Client(REMOTE_ADDR=PROXY)
    assert ask_for_token(proxy, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 401
    assert ask_for_token(proxy, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    # Another person behind the same proxy still gets an answer.
    assert ask_for_token(proxy, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 401
    # A forged address to the left of the real one does not help.
    forged = "192.0.2.77, 198.51.100.1"
    assert ask_for_token(proxy, HTTP_X_FORWARDED_FOR=forged).status_code == 429


def test_throttle_counts_live_in_the_shared_database_cache():
    assert isinstance(caches["default"], DatabaseCache)


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "client"),
    [
        ([], "203.0.113.9", "198.51.100.1", "203.0.113.9"),
        ([PROXY], "203.0.113.9", "198.51.100.1", "203.0.113.9"),
        ([PROXY], PROXY, "198.51.100.1", "198.51.100.1"),
        ([PROXY], PROXY, "192.0.2.1, 198.51.100.1", "198.51.100.1"),
        (["10.0.0.0/8"], PROXY, "198.51.100.1, 10.0.0.9", "198.51.100.1"),
        ([PROXY], PROXY, "", PROXY),
        ([PROXY], PROXY, "not-an-address", PROXY),
        (["2001:db8::/32"], "2001:db8::1", "2001:db8:ffff::2, 2001:db8::3", "2001:db8:ffff::2"),
    ],
)
def test_client_ip_believes_forwarded_addresses_only_from_trusted_proxies(
    settings, trusted, remote, forwarded, client
):
    settings.TRUSTED_PROXIES = trusted
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip(RequestFactory().get("/", **meta)) == client


def sign_in(client, username, password, forwarded):
    return client.post(
        "/sign-in/",
        {"username": username, "password": password},
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_a_lockout_behind_the_proxy_holds_back_only_the_person_guessing(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    admin = factories.make_user(role=Role.YOT_ADMIN)
    guesser = Client(REMOTE_ADDR=PROXY)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(guesser, admin.username, "wrong-password-guess", "198.51.100.66")
    assert sign_in(guesser, admin.username, factories.PASSWORD, "198.51.100.66").status_code == 429
    # The account's owner, behind the same proxy from their own address, signs in.
    owner = Client(REMOTE_ADDR=PROXY)
    assert sign_in(owner, admin.username, factories.PASSWORD, "198.51.100.7").status_code == 302


def test_a_lockout_is_not_escaped_by_forging_the_forwarded_header(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    admin = factories.make_user(role=Role.YOT_ADMIN)
    direct = Client(REMOTE_ADDR="203.0.113.50")
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(direct, admin.username, "wrong-password-guess", f"198.51.100.{n}")
    assert sign_in(direct, admin.username, factories.PASSWORD, "198.51.100.99").status_code == 429
