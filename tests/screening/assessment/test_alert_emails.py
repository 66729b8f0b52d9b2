"""The urgent-alert email outbox: planned in the transaction that raises the alerts (and
rolled back with it), sent by the background worker, retried with growing delays after a
refused send, failed with an admin task after the last attempt, and taken over from a
worker that stopped."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q

from accounts.models import Role
from screening.assessment import alert_emails as alert_emails_module
from screening.assessment import tasks
from screening.assessment.alert_emails import alert_emails_send_due
from screening.assessment.findings import findings_submit
from screening.models import AdminTask, Alert, AlertEmail, Finding
from screening.outbox import claim_rows, finish_claimed
from tests.factories import complete_answers, make_screened_case, make_user
from tests.messaging import freeze

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Thursday 5 November 2026, 17:00 (GMT): the screening visit was that morning.
EVENING = dt.datetime(2026, 11, 5, 17, 0, tzinfo=LONDON)
BACKEND = "tests.screening.assessment.test_alert_emails.RefusingBackend"


class RefusingBackend(EmailBackend):
    """Django's in-memory backend behind a mail server that refuses the next `refusals`
    sends (every send while it is None)."""

    refusals: int | None = None
    tried: list[str] = []

    def send_messages(self, messages):
        for message in messages:
            RefusingBackend.tried.append(message.to[0])
            if RefusingBackend.refusals is None or RefusingBackend.refusals > 0:
                if RefusingBackend.refusals is not None:
                    RefusingBackend.refusals -= 1
                raise ConnectionRefusedError("mail server down")
        return super().send_messages(messages)


@pytest.fixture
def refusing(settings):
    """The mail server refuses every send until `refusals` is set to a number."""
    settings.EMAIL_BACKEND = BACKEND
    RefusingBackend.refusals, RefusingBackend.tried = None, []
    return RefusingBackend


@pytest.fixture
def clock(monkeypatch):
    return freeze(monkeypatch, EVENING)


@pytest.fixture
def screened(clock):
    case, sessions = make_screened_case()
    manager = make_user(role=Role.YOT_MANAGER)
    return {"case": case, "sessions": sessions, "manager": manager}


def submit_urgent(w) -> Finding:
    """Health findings with current self-harm: urgent for the case manager and managers."""
    session = w["sessions"]["health"]
    return findings_submit(
        session=session,
        user=session.practitioner.user,
        answers=complete_answers("health", self_harm="current"),
    )


def emails() -> list[tuple[str, str, int]]:
    """(recipient's role, status, attempts) of every alert email, by role."""
    return sorted(AlertEmail.objects.values_list("recipient__role", "status", "attempts"))


# --- planning --------------------------------------------------------------------------------


def test_an_urgent_finding_plans_one_email_per_recipient_and_sends_nothing_yet(
    screened, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit_urgent(screened)
    assert emails() == [("case_manager", "planned", 0), ("yot_manager", "planned", 0)]
    for email in AlertEmail.objects.all():
        assert list(email.alerts.values_list("recipient", flat=True)) == [email.recipient_id]
        assert email.case == screened["case"]
    assert mail.outbox == []
    assert not Alert.objects.exclude(emailed_at=None).exists()


def test_alert_emails_roll_back_with_the_submission_that_raised_them(screened):
    class SubmissionFailed(Exception):
        pass

    with pytest.raises(SubmissionFailed), transaction.atomic():
        submit_urgent(screened)
        assert AlertEmail.objects.count() == 2  # planned in the submission's transaction
        raise SubmissionFailed
    assert not AlertEmail.objects.exists() and not Alert.objects.exists()
    assert alert_emails_send_due().claimed == 0 and mail.outbox == []


def test_an_amendment_with_the_same_urgent_answer_plans_no_second_email(screened):
    submit_urgent(screened)
    submit_urgent(screened)
    assert AlertEmail.objects.count() == 2 and Alert.objects.count() == 2


def test_a_committed_alert_kicks_the_celery_task_when_a_broker_is_set(
    screened, settings, monkeypatch, django_capture_on_commit_callbacks
):
    kicked: list[str] = []
    monkeypatch.setattr(
        tasks.send_due_alert_emails, "apply_async", lambda **kw: kicked.append("alerts")
    )
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit_urgent(screened)
    assert kicked == []  # not before the commit
    for callback in callbacks:
        callback()
    assert kicked == ["alerts"]


# --- sending ---------------------------------------------------------------------------------


def test_the_worker_sends_each_alert_email_once_naming_only_the_case(screened):
    submit_urgent(screened)
    first = alert_emails_send_due()
    assert (first.claimed, first.sent) == (2, 2)
    assert alert_emails_send_due().claimed == 0
    case = screened["case"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [case.case_manager.email, screened["manager"].email]
    )
    for message in mail.outbox:
        assert message.subject == f"Urgent finding: case {case.reference}"
        assert message.body.count(f"http://testserver/cases/{case.pk}/") == 1  # once
        assert message.body.count("http") == 1
        assert "self-harm" not in message.body.lower()  # details stay behind sign-in
        assert case.young_person.given_name not in message.body
    assert emails() == [("case_manager", "sent", 1), ("yot_manager", "sent", 1)]
    assert not Alert.objects.filter(emailed_at=None).exists()


def test_a_refused_alert_email_is_retried_with_growing_delays(screened, refusing, clock, settings):
    settings.ALERT_EMAIL_MAX_ATTEMPTS = 4
    settings.ALERT_EMAIL_RETRY_SECONDS = 60
    submit_urgent(screened)
    for attempt in (1, 2, 3):
        report = alert_emails_send_due()
        assert (report.claimed, report.retried, report.failed) == (2, 2, 0)
        waits = []
        for email in AlertEmail.objects.all():
            assert (email.status, email.attempts) == ("planned", attempt)
            assert "mail server down" in email.last_error
            waits.append((email.next_attempt_at - clock()).total_seconds())
        longest = 60 * 2 ** (attempt - 1)
        assert all(longest / 2 <= w <= longest for w in waits)
        assert alert_emails_send_due().claimed == 0  # not due again before its time
        clock.advance(seconds=max(waits))
    assert not AdminTask.objects.exists() and mail.outbox == []
    refusing.refusals = 0  # the mail server is back
    report = alert_emails_send_due()
    assert (report.sent, report.retried) == (2, 0)
    assert emails() == [("case_manager", "sent", 4), ("yot_manager", "sent", 4)]
    assert len(mail.outbox) == 2 and len(refusing.tried) == 8


def test_after_the_last_attempt_the_alert_email_fails_with_an_admin_task(
    screened, refusing, clock, settings
):
    settings.ALERT_EMAIL_MAX_ATTEMPTS = 2
    submit_urgent(screened)
    alert_emails_send_due()
    clock.advance(hours=1)
    report = alert_emails_send_due()
    assert (report.failed, report.retried) == (2, 0)
    assert emails() == [("case_manager", "failed", 2), ("yot_manager", "failed", 2)]
    open_tasks = AdminTask.objects.filter(kind=AdminTask.Kind.ALERT_EMAIL_FAILED, done_at=None)
    assert open_tasks.count() == 2
    case, manager = screened["case"], screened["manager"]
    [task] = [t for t in open_tasks if manager.email in t.text]
    assert task.case == case and task.visit is None
    assert case.reference in task.text and "2 tries" in task.text and "Tell them" in task.text
    assert "self-harm" not in task.text.lower()  # admins do not read findings
    assert AdminTask.Kind.ALERT_EMAIL_FAILED.label == (
        "Urgent alert email could not be sent: tell them"
    )
    clock.advance(days=1)
    assert alert_emails_send_due().claimed == 0 and len(refusing.tried) == 4  # never again


def test_a_failed_alert_email_whose_task_cannot_be_written_keeps_its_claim(
    screened, refusing, monkeypatch, settings
):
    settings.ALERT_EMAIL_MAX_ATTEMPTS = 1

    def refuse(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(alert_emails_module, "admin_task_create", refuse)
    submit_urgent(screened)
    with pytest.raises(RuntimeError):
        alert_emails_send_due()
    first = AlertEmail.objects.order_by("id").first()
    assert (first.status, first.last_error) == ("sending", "")  # claimed, nothing recorded
    assert not AdminTask.objects.exists()


def test_a_recipient_without_an_email_address_fails_at_once_with_a_task(screened):
    manager = screened["manager"]
    type(manager).objects.filter(pk=manager.pk).update(email="")
    submit_urgent(screened)
    report = alert_emails_send_due()
    assert (report.sent, report.failed) == (1, 1)
    [task] = AdminTask.objects.filter(kind=AdminTask.Kind.ALERT_EMAIL_FAILED)
    assert "no email address" in task.text and manager.username in task.text


def test_alert_emails_a_stopped_worker_claimed_are_sent_after_the_lease(screened, clock, settings):
    submit_urgent(screened)
    ids = claim_rows(
        AlertEmail, owner="stopped-worker", size=10, where=Q(status="planned"), order_by=("id",)
    )
    assert len(ids) == 2
    assert alert_emails_send_due().claimed == 0  # held by the other worker's lease
    clock.advance(seconds=settings.ALERT_EMAIL_LEASE_SECONDS + 1)
    report = alert_emails_send_due()
    assert (report.claimed, report.sent) == (2, 2) and len(mail.outbox) == 2
    assert not finish_claimed(AlertEmail, ids[0], "stopped-worker", status="failed")
    assert emails() == [("case_manager", "sent", 2), ("yot_manager", "sent", 2)]


# --- the workers -----------------------------------------------------------------------------


def test_run_dispatcher_sends_due_alert_emails_on_each_pass(screened, settings):
    settings.SMS_BACKEND = "fake"
    submit_urgent(screened)
    out = StringIO()
    call_command("run_dispatcher", "--once", "--no-calendars", stdout=out)
    # The two alert emails, and the case manager's "findings arrived" (work_emails.py).
    assert sorted(m.subject.startswith("Urgent finding") for m in mail.outbox) == [
        False,
        True,
        True,
    ]
    assert "alert emails: {'claimed': 2, 'sent': 2}" in out.getvalue()


def test_the_celery_task_sends_due_alert_emails_and_beat_schedules_it(screened):
    from config.celery import app

    submit_urgent(screened)
    assert tasks.send_due_alert_emails()["sent"] == 2
    app.loader.import_default_modules()
    app.finalize()
    entries = [
        e for e in app.conf.beat_schedule.values() if e["task"] == "screening.send_due_alert_emails"
    ]
    assert entries and float(entries[0]["schedule"]) > 0
    assert tasks.send_due_alert_emails.name == "screening.send_due_alert_emails"
    assert "screening.send_due_alert_emails" in app.tasks
