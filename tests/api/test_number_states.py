"""A young person's record shows each number's state for texts (consenting, opted out when
and how, unable to receive texts) in the API and on the page; START restores it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from screening.messaging.numbers import number_mark_invalid
from screening.messaging.replies import inbound_record
from tests import factories
from tests.conftest import client_for
from tests.messaging import CARER_MOBILE, YP_MOBILE, book, freeze, make_team, texting_person

pytestmark = pytest.mark.django_db
STOPPED_AT = "2027-02-23T09:00:00Z"  # Tuesday 23 February 2027 09:00, GMT


def browser_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    return freeze(monkeypatch)


@pytest.fixture
def person():
    young_person = texting_person(
        parent_carer_name="Sam Carer",
        parent_carer_mobile="07911 123456",
        parent_carer_sms_consent=True,
    )
    book(make_team(), person=young_person)
    return young_person


@pytest.fixture
def admin():
    return client_for(factories.make_user(role=Role.YOT_ADMIN))


def record(admin, person) -> dict:
    response = admin.get(f"/api/v1/young-people/{person.pk}/")
    assert response.status_code == 200
    return response.json()


def test_a_signed_stop_shows_the_number_opted_out_when_and_how(admin, person):
    inbound_record(provider_id="IN1", from_number=YP_MOBILE, body="STOP")
    body = record(admin, person)
    assert body["sms_consent"] is True  # what the young person agreed to, unchanged
    assert body["mobile_status"] == {
        "state": "opted_out",
        "since": STOPPED_AT,
        "how": "opted out via reply 'STOP'",
    }
    assert body["parent_carer_mobile_status"] == {"state": "consenting", "since": None, "how": ""}


def test_start_restores_the_number_to_consenting(admin, person):
    inbound_record(provider_id="IN1", from_number=YP_MOBILE, body="STOP")
    inbound_record(provider_id="IN2", from_number=YP_MOBILE, body="START")
    assert record(admin, person)["mobile_status"] == {
        "state": "consenting",
        "since": STOPPED_AT,
        "how": "opted in via reply 'START'",
    }


def test_a_number_that_cannot_receive_texts_shows_invalid(admin, person):
    number_mark_invalid(number=CARER_MOBILE, reason="provider error 21211")
    status = record(admin, person)["parent_carer_mobile_status"]
    assert status == {"state": "invalid", "since": STOPPED_AT, "how": "provider error 21211"}


def test_numbers_without_consent_or_without_a_number_say_so(admin):
    quiet = factories.make_young_person(mobile="07400 123457", sms_consent=False)
    body = record(admin, quiet)
    assert body["mobile_status"] == {"state": "no_consent", "since": None, "how": ""}
    assert body["parent_carer_mobile_status"] is None


def test_the_list_reads_every_numbers_state_in_a_fixed_number_of_queries(admin, person):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin.get("/api/v1/young-people/").status_code == 200
        return len(captured)

    few = queries()
    for n in range(4):
        number = f"+4474001234{60 + n}"
        texting_person(mobile=number)
        number_mark_invalid(number=number, reason="provider error 21211")
    assert queries() == few
    states = [
        r["mobile_status"]["state"] for r in admin.get("/api/v1/young-people/").json()["results"]
    ]
    assert sorted(states) == ["consenting"] + ["invalid"] * 4


def test_the_young_person_page_shows_the_opt_out(person):
    inbound_record(provider_id="IN1", from_number=YP_MOBILE, body="STOP")
    page = browser_for(factories.make_user(role=Role.YOT_ADMIN)).get(f"/young-people/{person.pk}/")
    text = page.content.decode()
    opted_out = "opted out of texts on Tuesday 23 February 2027 at 09:00 by reply &#x27;STOP&#x27;"
    assert opted_out in text
    assert "agrees to texts" in text  # the parent or carer's number
    inbound_record(provider_id="IN2", from_number=YP_MOBILE, body="START")
    page = browser_for(factories.make_user(role=Role.YOT_ADMIN)).get(f"/young-people/{person.pk}/")
    text = page.content.decode()
    assert "opted out" not in text
    assert "agrees to texts; opted in again on Tuesday 23 February 2027 at 09:00 by reply" in text
