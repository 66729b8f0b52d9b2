"""Sending at the provider's rate: several requests in flight per sender (SMS_IN_FLIGHT,
SMS_SENDER_LIMITS), a 429 tried again and never counted as an attempt nor failed, and
with 429s injected by the fake's rate limit, every text sent once and none left behind."""

import pytest

from screening.integrations.sms.twilio_gateway import TwilioGateway
from screening.messaging import dispatch
from screening.messaging.dispatch import messages_dispatch_due
from screening.models import AdminTask, Message
from tests.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio
from tests.messaging import book, book_visits_texting_two, make_team

pytestmark = pytest.mark.django_db

SENDER = "+447400999111"
THROTTLED = ("error", 429, 20429)


def threaded_gateway(fake: FakeTwilio) -> TwilioGateway:
    """A gateway that may send on several threads (a client per thread)."""
    return TwilioGateway(
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        from_number=SENDER,
        http_client_factory=lambda: fake.http_client(timeout=10),
    )


def due_texts(visits: int) -> int:
    """`visits` visits booked, each planning a confirmation to the young person and one
    to the carer; returns the number of texts due now."""
    book_visits_texting_two(visits, series=14)
    due = Message.objects.filter(purpose="confirmation")
    assert due.count() == 2 * visits
    return 2 * visits


def check_each_sent_once(fake: FakeTwilio, count: int) -> None:
    due = Message.objects.filter(purpose="confirmation")
    assert set(due.values_list("status", flat=True)) == {"sent"}  # none left behind
    assert len(fake.created) == count and fake.sent_twice() == 0
    assert set(due.values_list("provider_id", flat=True)) == {m["sid"] for m in fake.created}


@pytest.fixture
def one_text(clock):
    return book(make_team()).messages.get(purpose="confirmation")


def test_a_429_is_tried_again_and_is_never_an_attempt_nor_a_failure(fake, one_text, settings):
    settings.SMS_MAX_ATTEMPTS = 1  # any counted failure would be the last
    fake.script = [THROTTLED, THROTTLED, THROTTLED]
    report = messages_dispatch_due(gateway=threaded_gateway(fake))
    one_text.refresh_from_db()
    assert report.sent == 1 and report.failed == 0 and report.retried == 0
    assert one_text.status == "sent" and one_text.attempts == 1
    assert len(fake.created) == 1
    assert not AdminTask.objects.filter(message=one_text).exists()


def test_a_text_still_throttled_goes_back_to_the_queue_without_an_attempt(
    fake, one_text, settings, clock, monkeypatch
):
    settings.SMS_MAX_ATTEMPTS = 1
    monkeypatch.setattr(dispatch, "THROTTLE_GIVE_UP_SECONDS", 0)
    fake.script = [THROTTLED]
    report = messages_dispatch_due(gateway=threaded_gateway(fake))
    one_text.refresh_from_db()
    assert report.throttled == 1 and report.failed == 0
    assert one_text.status == "planned" and one_text.attempts == 0
    assert one_text.next_attempt_at > clock()
    assert not AdminTask.objects.filter(message=one_text).exists()
    clock.advance(minutes=1)
    assert messages_dispatch_due(gateway=threaded_gateway(fake)).sent == 1
    one_text.refresh_from_db()
    assert one_text.status == "sent" and one_text.attempts == 1 and len(fake.created) == 1


def test_many_in_flight_with_429s_send_each_text_once_and_leave_none_behind(clock, settings):
    count = due_texts(12)
    # Unpaced, 8 at a time against 10 a second: the fake answers many of them 429.
    settings.SMS_SENDER_LIMITS = {SENDER: (0, 8)}
    with FakeTwilio(latency=0.05, rate_per_second=10) as fake:
        report = messages_dispatch_due(gateway=threaded_gateway(fake), batch_size=5)
    assert fake.throttled > 0 and fake.max_in_flight > 1
    assert report.sent == count and report.failed == 0 and report.throttled == 0
    check_each_sent_once(fake, count)
    due = Message.objects.filter(purpose="confirmation")
    assert set(due.values_list("attempts", flat=True)) == {1}


@pytest.mark.parametrize(
    ("limits", "in_flight", "expected"),
    [
        ({SENDER: (0, 3)}, 8, 3),  # the sender's own setting
        ({"+447400000000": (0, 2)}, 5, 5),  # another sender's: the default applies
    ],
)
def test_requests_in_flight_follow_the_sender_setting(clock, settings, limits, in_flight, expected):
    count = due_texts(6)
    settings.SMS_SENDER_LIMITS = limits
    settings.SMS_IN_FLIGHT = in_flight
    with FakeTwilio(latency=0.2) as fake:
        messages_dispatch_due(gateway=threaded_gateway(fake), batch_size=4)
    assert fake.max_in_flight == expected
    check_each_sent_once(fake, count)


def test_a_gateway_given_one_http_client_sends_one_at_a_time(clock, settings):
    count = due_texts(3)
    settings.SMS_IN_FLIGHT = 4
    with FakeTwilio(latency=0.1) as fake:
        gateway = TwilioGateway(
            account_sid=ACCOUNT_SID,
            auth_token=AUTH_TOKEN,
            from_number=SENDER,
            http_client=fake.http_client(timeout=10),
        )
        messages_dispatch_due(gateway=gateway)
    assert fake.max_in_flight == 1
    check_each_sent_once(fake, count)
