"""The dispatcher with the real twilio client against a local fake Twilio on 127.0.0.1:
each error class, reconciliation, and a worker that dies mid-batch."""

import socket

import pytest

from screening.integrations.sms.base import Found, RetryableError, UnknownOutcomeError
from screening.integrations.sms.twilio_gateway import TwilioGateway
from screening.messaging.dispatch import DispatchReport, _claim, messages_dispatch_due
from screening.models import AdminTask, Message, NumberStatus
from tests.fake_twilio import ACCOUNT_SID, AUTH_TOKEN
from tests.messaging import YP_MOBILE, book, make_team

pytestmark = pytest.mark.django_db


def gateway_for(fake, timeout=2.0):
    return TwilioGateway(
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        from_number="+447400999111",
        http_client=fake.http_client(timeout=timeout),
    )


@pytest.fixture
def confirmation(clock):
    visit = book(make_team())
    return visit.messages.get(purpose="confirmation")


def test_success_records_the_provider_id_callback_and_validity(fake, confirmation):
    report = messages_dispatch_due(gateway=gateway_for(fake))
    confirmation.refresh_from_db()
    assert report.sent == 1 and confirmation.status == "sent"
    [created] = fake.created
    assert confirmation.provider_id == created["sid"] and created["to"] == YP_MOBILE
    assert created["status_callback"] == (
        f"http://testserver/api/v1/webhooks/twilio/status/?m={confirmation.pk}"
    )
    assert 0 < int(created["validity_period"]) <= 36000
    assert created["from"] == "+447400999111"


def test_21610_marks_the_number_opted_out_and_opens_a_task(fake, confirmation):
    fake.script = [("error", 400, 21610)]
    messages_dispatch_due(gateway=gateway_for(fake))
    confirmation.refresh_from_db()
    assert confirmation.status == "failed" and "21610" in confirmation.last_error
    assert NumberStatus.objects.get(number=YP_MOBILE).opted_out_at is not None
    assert AdminTask.objects.filter(kind="opted_out", message=confirmation).exists()
    # Opted out stops the later reminders too.
    assert set(Message.objects.exclude(pk=confirmation.pk).values_list("status", flat=True)) == {
        "withdrawn"
    }
    assert fake.created == []


def test_21211_flags_the_number_invalid_and_opens_a_task(fake, confirmation):
    fake.script = [("error", 400, 21211)]
    messages_dispatch_due(gateway=gateway_for(fake))
    confirmation.refresh_from_db()
    assert confirmation.status == "failed"
    assert NumberStatus.objects.get(number=YP_MOBILE).invalid_at is not None
    assert AdminTask.objects.filter(kind="invalid_number", message=confirmation).exists()


def test_a_server_error_is_retried_later_then_sent_once(fake, confirmation, clock):
    # A 429 is tried again at once and never counted (test_dispatch_in_flight.py).
    fake.script = [("error", 500, 20500)]
    first = messages_dispatch_due(gateway=gateway_for(fake))
    confirmation.refresh_from_db()
    assert first.retried == 1 and confirmation.status == "planned"
    assert confirmation.next_attempt_at > clock() and confirmation.attempts == 1
    assert messages_dispatch_due(gateway=gateway_for(fake)).claimed == 0  # not yet due
    clock.advance(minutes=2)
    second = messages_dispatch_due(gateway=gateway_for(fake))
    confirmation.refresh_from_db()
    assert second.sent == 1 and confirmation.status == "sent" and confirmation.attempts == 2
    assert len(fake.created) == 1


def test_connection_refused_is_retryable():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    gateway = TwilioGateway(
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        from_number="+447400999111",
        http_client=__import__("tests.fake_twilio", fromlist=["x"]).RewritingHttpClient(
            f"http://127.0.0.1:{port}", timeout=1
        ),
    )
    with pytest.raises(RetryableError):
        gateway.send(to=YP_MOBILE, body="x", status_callback="http://t/", valid_for_seconds=60)


def test_a_dropped_connection_after_sending_is_an_unknown_outcome(fake):
    fake.script = ["close"]
    with pytest.raises(UnknownOutcomeError):
        gateway_for(fake).send(
            to=YP_MOBILE, body="x", status_callback="http://t/", valid_for_seconds=60
        )
    assert len(fake.created) == 1


def test_a_read_timeout_is_reconciled_from_the_log_never_resent(fake, confirmation, clock):
    fake.script = [("slow", 2.0)]
    report = messages_dispatch_due(gateway=gateway_for(fake, timeout=0.5))
    confirmation.refresh_from_db()
    assert report.unknown == 1 and confirmation.status == "outcome_unknown"
    assert len(fake.created) == 1  # it did go
    clock.advance(minutes=5)
    later = messages_dispatch_due(gateway=gateway_for(fake))
    confirmation.refresh_from_db()
    assert later.reconciled == 1 and confirmation.status == "sent"
    assert confirmation.provider_id == fake.created[0]["sid"]
    assert len(fake.created) == 1 and fake.sent_twice() == 0


def test_an_unknown_outcome_the_log_cannot_settle_stays_visible_to_admins(
    fake, confirmation, clock
):
    fake.script = ["close"]
    messages_dispatch_due(gateway=gateway_for(fake))
    fake.list_fails = True
    for _ in range(3):
        clock.advance(hours=1)
        messages_dispatch_due(gateway=gateway_for(fake))
    confirmation.refresh_from_db()
    assert confirmation.status == "outcome_unknown" and confirmation.reconcile_attempts == 3
    assert AdminTask.objects.filter(kind="outcome_unknown", message=confirmation).count() == 1
    clock.advance(hours=5)
    messages_dispatch_due(gateway=gateway_for(fake))
    assert len(fake.created) == 1


def test_reconciliation_finds_nothing_then_the_text_goes_exactly_once(fake, confirmation, clock):
    fake.script = ["close_before"]
    messages_dispatch_due(gateway=gateway_for(fake))
    confirmation.refresh_from_db()
    assert confirmation.status == "outcome_unknown" and fake.created == []
    clock.advance(minutes=5)
    report = messages_dispatch_due(gateway=gateway_for(fake))
    confirmation.refresh_from_db()
    assert report.released == 1 and report.sent == 1 and confirmation.status == "sent"
    assert len(fake.created) == 1


class WorkerDied(BaseException):
    """Stands for the process being killed: nothing after it runs."""


class DiesAfter:
    def __init__(self, gateway, sends: int) -> None:
        self.gateway, self.left, self.name = gateway, sends, gateway.name

    def send(self, **kwargs):
        if self.left == 0:
            raise WorkerDied
        self.left -= 1
        result = self.gateway.send(**kwargs)
        if self.left == 0:
            raise WorkerDied  # sent, but killed before recording it
        return result

    def find_sent(self, **kwargs):
        return self.gateway.find_sent(**kwargs)


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(fake, clock):
    team = make_team()
    from tests.messaging import at, texting_person

    visits = [
        book(team, person=texting_person(mobile=f"07400 12{n:04d}"), start=at(9 + n))
        for n in range(5)
    ]
    # A worker claims a batch and is killed just after handing its second text to Twilio,
    # before recording the batch: all five are left `sending`, two of them did go.
    with pytest.raises(WorkerDied):
        messages_dispatch_due(gateway=DiesAfter(gateway_for(fake), sends=2), batch_size=10)
    assert Message.objects.filter(status="sending").count() == 5
    assert len(fake.created) == 2
    # Another worker before the lease ends leaves the claimed rows alone.
    assert messages_dispatch_due(gateway=gateway_for(fake)).claimed == 0
    clock.advance(minutes=10)
    report = messages_dispatch_due(gateway=gateway_for(fake))
    assert report.reconciled == 2 and report.released == 3 and report.sent == 3
    confirmations = Message.objects.filter(visit__in=visits, purpose="confirmation")
    assert set(confirmations.values_list("status", flat=True)) == {"sent"}
    assert len(fake.created) == 5 and fake.sent_twice() == 0
    sids = {m["sid"] for m in fake.created}
    assert set(confirmations.values_list("provider_id", flat=True)) == sids


def test_claims_skip_rows_another_worker_holds(confirmation):
    first = _claim(
        owner="a",
        size=10,
        where=__import__("django.db.models", fromlist=["Q"]).Q(
            status="planned", next_attempt_at__lte=confirmation.send_at
        ),
        count_attempt=True,
    )
    assert first == [confirmation.pk]
    second = messages_dispatch_due(gateway=None, owner="b")
    assert isinstance(second, DispatchReport) and second.claimed == 0


def test_find_sent_says_not_sent_only_from_a_complete_log(fake):
    gateway = gateway_for(fake)
    from django.utils import timezone

    since = timezone.now()
    gateway.send(to=YP_MOBILE, body="one", status_callback="http://t/", valid_for_seconds=60)
    assert gateway.find_sent(to=YP_MOBILE, body="one", since=since, exclude_ids=set()).found == (
        Found.SENT
    )
    sid = fake.created[0]["sid"]
    assert gateway.find_sent(to=YP_MOBILE, body="one", since=since, exclude_ids={sid}).found == (
        Found.NOT_SENT
    )
    fake.list_fails = True
    assert gateway.find_sent(to=YP_MOBILE, body="one", since=since, exclude_ids=set()).found == (
        Found.UNKNOWN
    )


def test_a_messaging_service_sends_instead_of_a_from_number(fake):
    gateway = TwilioGateway(
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        messaging_service_sid="MG" + "1" * 32,
        http_client=fake.http_client(),
    )
    gateway.send(to=YP_MOBILE, body="x", status_callback="http://t/", valid_for_seconds=99999)
    [created] = fake.created
    assert created["messaging_service_sid"] == "MG" + "1" * 32 and created["from"] == ""
    assert created["validity_period"] == "36000"  # Twilio's maximum
    with pytest.raises(ValueError):
        TwilioGateway(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN)
