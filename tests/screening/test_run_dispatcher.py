"""The embedded dispatcher command sends what is due through the configured gateway."""

from io import StringIO

import pytest
from django.core.management import call_command

from screening.integrations.sms.fake import FakeGateway
from tests.messaging import book, freeze, make_team

pytestmark = pytest.mark.django_db


def test_run_dispatcher_once_sends_the_due_confirmation_only(monkeypatch, settings):
    settings.SMS_BACKEND = "fake"
    FakeGateway.reset()
    freeze(monkeypatch)
    visit = book(make_team())
    out = StringIO()
    call_command("run_dispatcher", "--once", stdout=out)
    assert [t.to for t in FakeGateway.outbox] == [visit.case.young_person.mobile]
    assert visit.messages.get(purpose="confirmation").status == "sent"
    assert set(visit.messages.exclude(purpose="confirmation").values_list("status", flat=True)) == {
        "planned"
    }
    assert "'sent': 1" in out.getvalue() and "stopped" in out.getvalue()


def test_a_cancelled_visit_sends_no_reminder(monkeypatch, settings):
    from screening.models import Message

    settings.SMS_BACKEND = "fake"
    FakeGateway.reset()
    clock = freeze(monkeypatch)
    visit = book(make_team())
    call_command("run_dispatcher", "--once", stdout=StringIO())
    from screening.services.visits import visit_cancel

    visit_cancel(visit=visit, reason="moved away")
    # Even a reminder row that escaped withdrawal is refused at send time.
    Message.objects.filter(visit=visit, purpose="day_before").update(status="planned")
    clock.advance(days=7)
    call_command("run_dispatcher", "--once", stdout=StringIO())
    assert len(FakeGateway.outbox) == 2  # the confirmation, then the cancellation notice
    assert "cancelled" in FakeGateway.outbox[1].body
    assert visit.messages.get(purpose="day_before").status == "withdrawn"
