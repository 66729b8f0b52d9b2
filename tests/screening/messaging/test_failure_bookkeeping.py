"""A text's failed or outcome-unknown state and the admin task it needs are written in one
transaction: if the task cannot be written, the text keeps its claim (nothing recorded), so
the recovery after the lease decides it again and the task is not silently lost."""

import pytest

from screening.messaging import dispatch
from screening.messaging.dispatch import messages_dispatch_due
from screening.models import AdminTask, NumberStatus
from tests.messaging import YP_MOBILE, book, freeze, make_team
from tests.screening.messaging.test_twilio_dispatch import gateway_for

pytestmark = pytest.mark.django_db


class TaskStoreDown(Exception):
    """Stands for the database failing (or the worker dying) while writing the task."""


@pytest.fixture
def confirmation(clock):
    return book(make_team()).messages.get(purpose="confirmation")


def break_task_creation(monkeypatch) -> None:
    def refuse(**kwargs):
        raise TaskStoreDown

    monkeypatch.setattr(dispatch, "admin_task_create", refuse)


def test_a_refused_text_whose_task_cannot_be_written_keeps_its_claim(
    fake, confirmation, clock, monkeypatch
):
    fake.script = [("error", 400, 21610)]  # the number opted out
    break_task_creation(monkeypatch)
    with pytest.raises(TaskStoreDown):
        messages_dispatch_due(gateway=gateway_for(fake))
    confirmation.refresh_from_db()
    assert confirmation.status == "sending" and confirmation.claim_owner  # still claimed
    assert confirmation.last_error == ""
    assert not NumberStatus.objects.filter(number=YP_MOBILE).exists()
    assert not AdminTask.objects.exists()
    # After the lease the recovery finds it was never sent; the next try opens the task.
    monkeypatch.undo()
    freeze(monkeypatch, clock.moment).advance(minutes=10)
    fake.script = [("error", 400, 21610)]
    messages_dispatch_due(gateway=gateway_for(fake))
    confirmation.refresh_from_db()
    assert confirmation.status == "failed"
    assert AdminTask.objects.filter(kind="opted_out", message=confirmation).count() == 1
    assert NumberStatus.objects.get(number=YP_MOBILE).opted_out_at is not None
    assert fake.created == []


def test_a_text_failing_its_last_try_whose_task_cannot_be_written_keeps_its_claim(
    fake, confirmation, clock, monkeypatch, settings
):
    settings.SMS_MAX_ATTEMPTS = 1
    fake.script = [("error", 500, 20500)]
    break_task_creation(monkeypatch)
    with pytest.raises(TaskStoreDown):
        messages_dispatch_due(gateway=gateway_for(fake))
    confirmation.refresh_from_db()
    assert confirmation.status == "sending" and confirmation.claim_owner
    assert not AdminTask.objects.exists()


def test_an_unsettled_text_whose_task_cannot_be_written_is_looked_up_again(
    fake, confirmation, clock, monkeypatch
):
    fake.script = ["close"]  # it went, but the answer was lost
    messages_dispatch_due(gateway=gateway_for(fake))
    fake.list_fails = True  # and the provider's log cannot say
    for _ in range(2):
        clock.advance(hours=1)
        messages_dispatch_due(gateway=gateway_for(fake))
    confirmation.refresh_from_db()
    assert confirmation.status == "outcome_unknown" and confirmation.reconcile_attempts == 2
    break_task_creation(monkeypatch)
    clock.advance(hours=1)
    with pytest.raises(TaskStoreDown):
        messages_dispatch_due(gateway=gateway_for(fake))
    confirmation.refresh_from_db()
    # Not given up on silently: still claimed, the third look not counted.
    assert confirmation.status == "sending" and confirmation.reconcile_attempts == 2
    assert not AdminTask.objects.exists()
    monkeypatch.undo()
    freeze(monkeypatch, clock.moment).advance(minutes=10)
    messages_dispatch_due(gateway=gateway_for(fake))
    confirmation.refresh_from_db()
    assert confirmation.status == "outcome_unknown" and confirmation.reconcile_attempts == 3
    assert AdminTask.objects.filter(kind="outcome_unknown", message=confirmation).count() == 1
    assert len(fake.created) == 1  # never resent
