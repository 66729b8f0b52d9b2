"""Fixtures of the text message tests: a frozen clock and a local fake Twilio."""

import pytest

from tests.fake_twilio import FakeTwilio
from tests.messaging import freeze


@pytest.fixture
def clock(monkeypatch):
    return freeze(monkeypatch)


@pytest.fixture
def fake():
    with FakeTwilio() as server:
        yield server
