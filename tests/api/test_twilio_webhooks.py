"""Twilio webhooks: signature required (PUBLIC_BASE_URL + path), replies and delivery."""

import pytest
from twilio.request_validator import RequestValidator

from screening.messaging.dispatch import messages_dispatch_due
from screening.models import AdminTask, InboundMessage, Message, NumberStatus
from tests.fake_twilio import AUTH_TOKEN
from tests.messaging import YP_MOBILE, book, freeze, make_team

pytestmark = pytest.mark.django_db
INBOUND = "/api/v1/webhooks/twilio/inbound/"
STATUS = "/api/v1/webhooks/twilio/status/"


@pytest.fixture(autouse=True)
def token(settings):
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.PUBLIC_BASE_URL = "https://screening.yot.example.org"
    # Texts carry the reply link: its address must not name the YOT (screening.E001).
    settings.REPLY_LINK_BASE_URL = "https://appointments.example.org"


def signed(client, path, data, *, url=None, signature=None):
    url = url or f"https://screening.yot.example.org{path}"
    signature = signature or RequestValidator(AUTH_TOKEN).compute_signature(url, data)
    return client.post(path, data, HTTP_X_TWILIO_SIGNATURE=signature)


def reply(api_client, body, sid="SM1", number=YP_MOBILE):
    return signed(api_client, INBOUND, {"MessageSid": sid, "From": number, "Body": body})


@pytest.fixture
def visit(monkeypatch):
    freeze(monkeypatch)
    return book(make_team())


def test_a_correctly_signed_reply_is_accepted(api_client, visit):
    response = reply(api_client, "Yes see you then")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    visit.refresh_from_db()
    assert visit.confirmed_at is not None
    inbound = InboundMessage.objects.get()
    assert inbound.kind == "confirm" and inbound.visit == visit


@pytest.mark.parametrize("path", [INBOUND, STATUS])
def test_missing_tampered_or_misaddressed_signatures_are_refused(api_client, visit, path):
    data = {"MessageSid": "SM1", "From": YP_MOBILE, "Body": "STOP", "MessageStatus": "failed"}
    assert api_client.post(path, data).status_code == 403
    good = RequestValidator(AUTH_TOKEN).compute_signature(
        f"https://screening.yot.example.org{path}", data
    )
    tampered = {**data, "Body": "START", "MessageStatus": "delivered"}
    assert api_client.post(path, tampered, HTTP_X_TWILIO_SIGNATURE=good).status_code == 403
    wrong_url = signed(api_client, path, data, url=f"http://testserver{path}")
    assert wrong_url.status_code == 403
    assert not InboundMessage.objects.exists() and not NumberStatus.objects.exists()
    assert signed(api_client, path, data).status_code in (200, 204)


def test_stop_opts_the_number_out_and_later_texts_are_not_sent(api_client, visit, settings):
    settings.SMS_BACKEND = "fake"
    reply(api_client, "STOP")
    assert NumberStatus.objects.get(number=YP_MOBILE).opted_out_at is not None
    assert AdminTask.objects.filter(kind="opted_out").exists()
    assert messages_dispatch_due().sent == 0
    assert set(visit.messages.values_list("status", flat=True)) == {"withdrawn"}
    reply(api_client, "START", sid="SM2")
    assert NumberStatus.objects.get(number=YP_MOBILE).opted_out_at is None


def test_change_asks_the_admin_to_rearrange_and_other_text_lands_in_the_inbox(api_client, visit):
    reply(api_client, "change please", sid="SM1")
    reply(api_client, "who is this", sid="SM2")
    kinds = set(AdminTask.objects.values_list("kind", flat=True))
    assert kinds == {"rearrange", "reply"}
    assert AdminTask.objects.get(kind="rearrange").case_id == visit.case_id


def test_help_is_answered_once_even_if_twilio_repeats_the_webhook(api_client, visit):
    reply(api_client, "HELP", sid="SM9")
    reply(api_client, "HELP", sid="SM9")
    assert InboundMessage.objects.count() == 1
    answer = Message.objects.get(purpose="help")
    assert answer.to == YP_MOBILE and "STOP" in answer.body


def test_status_callbacks_move_forwards_only_and_undelivered_opens_a_task(
    api_client, visit, settings
):
    settings.SMS_BACKEND = "fake"
    messages_dispatch_due()
    message = visit.messages.get(purpose="confirmation")
    message.refresh_from_db()
    sid = message.provider_id
    status_path = f"{STATUS}?m={message.pk}"

    def report(state, code=""):
        data = {"MessageSid": sid, "MessageStatus": state}
        if code:
            data["ErrorCode"] = code
        return signed(api_client, status_path, data)

    assert report("delivered").status_code == 204
    assert report("sent").status_code == 204
    message.refresh_from_db()
    assert message.status == "delivered"
    other = visit.messages.get(purpose="day_before")
    other.status, other.provider_id = "sent", "SMother"
    other.save()
    signed(
        api_client,
        STATUS,
        {"MessageSid": "SMother", "MessageStatus": "undelivered", "ErrorCode": "30005"},
    )
    signed(
        api_client,
        STATUS,
        {"MessageSid": "SMother", "MessageStatus": "undelivered", "ErrorCode": "30005"},
    )
    other.refresh_from_db()
    assert other.status == "undelivered"
    assert AdminTask.objects.filter(kind="undelivered", message=other).count() == 1


def test_a_status_callback_names_the_row_even_when_the_send_answer_was_lost(api_client, visit):
    message = visit.messages.get(purpose="confirmation")
    Message.objects.filter(pk=message.pk).update(status="outcome_unknown")
    signed(
        api_client,
        f"{STATUS}?m={message.pk}",
        {"MessageSid": "SMlost", "MessageStatus": "delivered"},
    )
    message.refresh_from_db()
    assert message.status == "delivered" and message.provider_id == "SMlost"
