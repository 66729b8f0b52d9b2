"""Several dispatchers at once, each with its own connection, against one fake Twilio:
every due text goes exactly once (SKIP LOCKED claims on PostgreSQL, serialised claims on
SQLite)."""

import pytest
from django.db import connection

from screening.integrations.sms.twilio_gateway import TwilioGateway
from screening.messaging.dispatch import messages_dispatch_due
from screening.models import Message
from tests.concurrency import THREAD_TEST, run_at_once
from tests.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio
from tests.messaging import book_visits_texting_two, travel

pytestmark = THREAD_TEST


@pytest.fixture(autouse=True)
def tuesday_morning():
    """09:00 on Tuesday 23 February 2027 for every thread: outside quiet hours (21:00 to
    08:00), so each confirmation is due at once, and before the visits in March."""
    with travel():
        yield


def race(workers: int, visits: int) -> tuple[FakeTwilio, list[str]]:
    book_visits_texting_two(visits, series=13)
    with FakeTwilio() as fake:

        def work() -> None:
            gateway = TwilioGateway(
                account_sid=ACCOUNT_SID,
                auth_token=AUTH_TOKEN,
                from_number="+447400999111",
                http_client=fake.http_client(timeout=10),
            )
            messages_dispatch_due(gateway=gateway, batch_size=3)

        failures = run_at_once(workers, work)
    return fake, failures


def check_sent_once(fake: FakeTwilio, failures: list[str], visits: int) -> None:
    assert failures == []
    due = Message.objects.filter(purpose="confirmation")
    assert due.count() == 2 * visits
    assert set(due.values_list("status", flat=True)) == {"sent"}
    assert len(fake.created) == 2 * visits and fake.sent_twice() == 0
    assert set(due.values_list("provider_id", flat=True)) == {m["sid"] for m in fake.created}


def test_concurrent_dispatchers_send_each_text_once():
    fake, failures = race(workers=4, visits=12)
    check_sent_once(fake, failures, 12)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_concurrent_dispatchers_on_postgresql_skip_locked_rows_and_send_each_once():
    fake, failures = race(workers=6, visits=30)
    check_sent_once(fake, failures, 30)
