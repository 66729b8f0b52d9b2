"""Why there is no option, in the page's language: a Welsh booking page words the reason in
Welsh (day and month names, durations, the language an interpreter is needed for), while
the API answers the same reason in English whatever the caller's language cookie."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from accounts.models import Role
from agencies.services import leave_create
from screening.people.young_people import young_person_update
from tests.api.test_visit_options import LONDON, url, world  # noqa: F401 - the fixture
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ENGLISH = (
    "No health practitioner is free before the deadline of Monday 8 March 2027; "
    "the earliest would be Thursday 11 March 2027."
)
# Monday 8 March and Thursday 11 March 2027, in Welsh.
WELSH = (
    "Nid oes ymarferydd health ar gael cyn y dyddiad cau, sef Dydd Llun 8 Mawrth 2027; "
    "y cynharaf fyddai Dydd Iau 11 Mawrth 2027."
)


@pytest.fixture(autouse=True)
def english_again_afterwards():
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _health_on_leave(world):  # noqa: F811
    leave_create(
        practitioner=world["people"]["health"],
        start=dt.datetime(2027, 3, 1, tzinfo=LONDON),
        end=dt.datetime(2027, 3, 11, tzinfo=LONDON),
        reason="Leave",
    )


def _welsh_page(world, path: str) -> str:  # noqa: F811
    client = Client()
    client.force_login(make_user(role=Role.YOT_ADMIN))
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "cy"})
    page = client.get(path)
    assert page.status_code == 200
    return page.content.decode()


def test_the_reason_is_welsh_on_a_welsh_booking_page_and_english_in_the_api(world):  # noqa: F811
    _health_on_leave(world)
    page = _welsh_page(world, f"/cases/{world['case'].pk}/book/")
    assert WELSH in page and ENGLISH not in page
    api = world["admin"]
    api.cookies.load({settings.LANGUAGE_COOKIE_NAME: "cy"})
    assert api.get(url(world, "?count=2")).json()["reasons"] == [ENGLISH]


def test_an_interpreter_reason_names_the_language_and_length_in_welsh(world):  # noqa: F811
    young_person_update(
        young_person=world["case"].young_person,
        interpreter_needed=True,
        interpreter_language="pl",
    )
    page = _welsh_page(world, f"/cases/{world['case'].pk}/book/")
    # No interpreter at all: the whole visit (2 hours 30 minutes) without a Polish one.
    assert "Nid oes cyfieithydd Pwyleg ar gael am 2 awr 30 munud cyn y dyddiad cau" in page
    reasons = world["admin"].get(url(world, "?count=2")).json()["reasons"]
    english = "No Polish interpreter is free for 2 hours 30 minutes"
    assert any(r.startswith(english) for r in reasons)
