"""The daily retention step: texts' bodies cleared after exactly MESSAGE_BODY_RETENTION_DAYS
local days in London, status kept, audited as a count; and the property that the dry run's
list is exactly what a confirmed run disposes of."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Role
from screening.governance.disposal import (
    disposal_batch_confirm,
    disposal_batch_propose,
    message_bodies_clear,
    retention_daily,
)
from screening.governance.retention import retention_due
from screening.models import (
    AuditEntry,
    Case,
    DisposalBatch,
    InboundMessage,
    Message,
    OrderType,
    YoungPerson,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC


def text(*, sent_at, status="delivered", send_at=None, body="See you Monday 1 March at 10am."):
    send_at = send_at or sent_at
    return Message.objects.create(
        purpose="confirmation",
        to="+447911123456",
        body=body,
        send_at=send_at,
        next_attempt_at=send_at,
        status=status,
        sent_at=sent_at,
    )


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def texts():
    return {
        # Sent Monday 1 March 2027, 10:00 GMT: 30 days on is Wednesday 31 March (after the
        # clocks went forward on Sunday 28 March).
        "first_march": text(sent_at=london(2027, 3, 1, 10)),
        # Sent at 00:30 on 2 March: one local day later, cleared from 1 April.
        "second_march": text(sent_at=london(2027, 3, 2, 0, 30)),
        # Never sent, given up: its planned time counts.
        "failed": text(sent_at=None, send_at=london(2027, 3, 1, 9), status="failed"),
        # Still planned (its body is still needed): never cleared.
        "planned": text(sent_at=None, send_at=london(2027, 2, 1, 9), status="planned"),
        "reply": InboundMessage.objects.create(
            provider_id="IN-1",
            from_number="+447911123456",
            body="Yes I will come, my mum is ill though",
            kind="confirm",
            received_at=london(2027, 3, 1, 20),
        ),
    }


def bodies(texts) -> dict[str, str]:
    return {
        k: type(m).objects.values_list("body", flat=True).get(pk=m.pk) for k, m in texts.items()
    }


def test_bodies_are_kept_until_the_last_minute_of_the_30th_day(texts):
    # 23:59:59 BST on Tuesday 30 March 2027 is 22:59:59 UTC.
    assert message_bodies_clear(now=dt.datetime(2027, 3, 30, 22, 59, 59, tzinfo=UTC)).texts == 0
    assert all(bodies(texts).values())


def test_bodies_are_cleared_from_midnight_in_london_30_days_on_and_status_kept(texts):
    # Midnight starting Wednesday 31 March 2027 in London (BST) is 23:00 UTC on the 30th.
    cleared = message_bodies_clear(now=dt.datetime(2027, 3, 30, 23, 0, tzinfo=UTC))
    assert (cleared.texts, cleared.replies) == (2, 1)
    now = bodies(texts)
    assert now["first_march"] == now["failed"] == now["reply"] == ""
    assert now["second_march"] and now["planned"]
    assert Message.objects.get(pk=texts["first_march"].pk).status == "delivered"
    assert Message.objects.get(pk=texts["failed"].pk).status == "failed"
    assert InboundMessage.objects.get(pk=texts["reply"].pk).kind == "confirm"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DISPOSE, object_type="message")
    assert entry.detail == "cleared the bodies of 2 texts and 1 replies older than 30 days"
    assert "ill" not in entry.detail
    # The next day the 2 March text goes too; nothing is cleared twice.
    again = message_bodies_clear(now=dt.datetime(2027, 3, 31, 23, 0, tzinfo=UTC))
    assert (again.texts, again.replies) == (1, 0)


def test_the_number_of_days_is_a_setting(texts, settings):
    settings.MESSAGE_BODY_RETENTION_DAYS = 7
    # 7 local days after 1 March: cleared from midnight starting 8 March (GMT).
    assert message_bodies_clear(now=dt.datetime(2027, 3, 7, 23, 59, tzinfo=UTC)).texts == 0
    assert message_bodies_clear(now=dt.datetime(2027, 3, 8, 0, 0, tzinfo=UTC)).texts == 2


def test_the_daily_job_clears_and_proposes_without_carrying_anything_out(texts):
    person = YoungPerson.objects.create(
        given_name="Ola", family_name="Dailyperson", date_of_birth=dt.date(2008, 4, 2)
    )
    case = _case(person, OrderType.REFERRAL_ORDER, dt.date(2023, 1, 9), number=1)
    result = retention_daily(now=dt.datetime(2027, 4, 1, 5, 45, tzinfo=UTC))
    assert (result.texts_cleared, result.due) == (3, 1)
    batch = DisposalBatch.objects.get(status="proposed")
    assert [i.case_id for i in batch.items.all()] == [case.pk]
    assert Case.objects.get(pk=case.pk).retention_stage == "live"  # waits for approval


def test_run_dispatcher_runs_the_daily_job_once(texts, monkeypatch):
    calls = []
    monkeypatch.setattr(
        "screening.management.commands.run_dispatcher.retention_daily",
        lambda: calls.append(1) or retention_daily(now=dt.datetime(2027, 4, 1, 5, tzinfo=UTC)),
    )
    call_command("run_dispatcher", "--once", "--no-calendars")
    assert calls == [1]
    assert Message.objects.get(pk=texts["first_march"].pk).body == ""


# --- the dry run is what a confirmed run disposes of ----------------------------------------


def _case(person, order_type, last_action: dt.date, *, number: int) -> Case:
    case = Case.objects.create(
        reference=f"YJ-P-{number:05d}",
        young_person=person,
        order_type=order_type,
        order_start_date=last_action,
        visit_due_by=last_action,
        assessment_due_by=last_action,
    )
    created = dt.datetime.combine(last_action, dt.time(12), tzinfo=LONDON)
    Case.objects.filter(pk=case.pk).update(created_at=created)
    return case


cases = st.lists(
    st.tuples(
        st.sampled_from(OrderType.values),
        st.dates(dt.date(2015, 1, 1), dt.date(2026, 12, 31)),  # last action
        st.dates(dt.date(2000, 2, 20), dt.date(2014, 3, 10)),  # date of birth
        st.sampled_from(["live", "reduced"]),
    ),
    min_size=1,
    max_size=8,
)


@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(cases=cases, today=st.dates(dt.date(2020, 1, 1), dt.date(2034, 12, 31)))
def test_the_dry_run_lists_exactly_what_a_confirmed_run_disposes_of(cases, today):
    with transaction.atomic():
        manager = make_user(role=Role.YOT_MANAGER)
        made = []
        for n, (order_type, last_action, born, stage) in enumerate(cases):
            person = YoungPerson.objects.create(
                given_name=f"P{n}", family_name="Property", date_of_birth=born
            )
            case = _case(person, order_type, last_action, number=n)
            if stage == "reduced":
                Case.objects.filter(pk=case.pk).update(
                    retention_stage="reduced", retention_last_action_on=last_action
                )
            made.append(case)
        listed = {(d.case_id, d.action) for d in retention_due(today=today)}
        batch = disposal_batch_propose(today=today)
        if batch is None:
            assert listed == set()
        else:
            report = disposal_batch_confirm(batch=batch, by=manager, today=today)
            done = {(i.case_id, i.action) for i in batch.items.filter(outcome="done")}
            assert done == listed
            assert report.failed == report.skipped == 0
            for case_id, action in done:
                stage = Case.objects.get(pk=case_id).retention_stage
                assert stage == ("disposed" if action == "dispose" else "reduced")
        # What was not listed is untouched.
        for case in made:
            if all(case.pk != c for c, _ in listed):
                before = "reduced" if case.pk in _reduced(cases, made) else "live"
                assert Case.objects.get(pk=case.pk).retention_stage == before
        transaction.set_rollback(True)


def _reduced(cases, made) -> set[int]:
    return {c.pk for c, (_, _, _, stage) in zip(made, cases, strict=True) if stage == "reduced"}


def test_celery_runs_the_daily_job_once_a_day_and_it_proposes(texts):
    from config.celery import app
    from screening.governance import tasks

    app.loader.import_default_modules()
    app.finalize()
    entries = [
        e for e in app.conf.beat_schedule.values() if e["task"] == "screening.retention_daily"
    ]
    assert entries and "screening.retention_daily" in app.tasks
    assert (entries[0]["schedule"].hour, entries[0]["schedule"].minute) == ({5}, {45})
    result = tasks.retention_daily_task()
    assert set(result) == {"texts_cleared", "replies_cleared", "due"}
