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
    from screening.booking.services import visit_cancel

    visit_cancel(visit=visit, reason="moved away")
    # Even a reminder row that escaped withdrawal is refused at send time.
    Message.objects.filter(visit=visit, purpose="day_before").update(status="planned")
    clock.advance(days=7)
    call_command("run_dispatcher", "--once", stdout=StringIO())
    assert len(FakeGateway.outbox) == 2  # the confirmation, then the cancellation notice
    assert "cancelled" in FakeGateway.outbox[1].body
    assert visit.messages.get(purpose="day_before").status == "withdrawn"


def test_run_dispatcher_once_sends_due_invites_beside_the_texts(monkeypatch, settings):
    from django.core import mail

    settings.SMS_BACKEND = "fake"
    FakeGateway.reset()
    freeze(monkeypatch)
    people, _ = team = make_team()
    visit = book(team)
    out = StringIO()
    call_command("run_dispatcher", "--once", "--no-calendars", stdout=out)
    assert [m.to for m in mail.outbox] == [[people["health"].email]]
    assert visit.invites.get().status == "sent"
    assert len(FakeGateway.outbox) == 1
    assert "invites: {'claimed': 1, 'sent': 1}" in out.getvalue()


@pytest.mark.parametrize(
    ("broken", "still_sent"), [("messages_dispatch_due", "invites"), ("invites_send_due", "texts")]
)
def test_a_failing_pass_of_one_outbox_never_stops_the_other(
    monkeypatch, settings, broken, still_sent
):
    from django.core import mail

    from screening.management.commands import run_dispatcher

    def fail(**kwargs):
        raise RuntimeError("database went away")

    settings.SMS_BACKEND = "fake"
    FakeGateway.reset()
    freeze(monkeypatch)
    book(make_team())
    monkeypatch.setattr(run_dispatcher, broken, fail)
    err = StringIO()
    call_command("run_dispatcher", "--once", "--no-calendars", stdout=StringIO(), stderr=err)
    assert "database went away" in err.getvalue()
    sent = {"invites": len(mail.outbox), "texts": len(FakeGateway.outbox)}
    assert sent[still_sent] == 1
    assert sum(sent.values()) == 1


def test_a_stop_signal_arriving_while_the_loop_holds_the_events_lock_still_stops_it():
    import threading

    from screening.management.commands.run_dispatcher import stop_soon

    stop = threading.Event()
    handled = threading.Event()

    def signal_during_wait() -> None:
        # As when SIGTERM interrupts the main thread inside stop.wait(): the handler runs
        # on the thread that holds the event's (non-reentrant) lock.
        with stop._cond:  # the lock Event.wait() holds around its own checks
            stop_soon(stop)
        handled.set()

    thread = threading.Thread(target=signal_during_wait, daemon=True)
    thread.start()
    # Setting the event in the handler itself would wait for that lock for ever.
    assert handled.wait(5), "the stop signal's handler never returned"
    assert stop.wait(5)
