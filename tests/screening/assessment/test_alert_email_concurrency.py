"""Several alert email senders at once, each on its own connection: every planned urgent
alert email is sent exactly once (SKIP LOCKED claims on PostgreSQL, serialised claims on
SQLite)."""

import time

import pytest
from django.core import mail
from django.db import connection

from accounts.models import Role
from screening.assessment import alert_emails as alert_emails_module
from screening.assessment.alert_emails import alert_emails_send_due
from screening.models import AlertEmail
from tests.concurrency import THREAD_TEST, run_at_once
from tests.factories import make_screened_case, make_user
from tests.messaging import freeze
from tests.screening.assessment.test_alert_emails import EVENING, submit_urgent

pytestmark = THREAD_TEST


def race(monkeypatch, *, workers: int, cases: int) -> list[str]:
    freeze(monkeypatch, EVENING)
    make_user(role=Role.YOT_MANAGER)
    for _ in range(cases):
        case, sessions = make_screened_case()
        submit_urgent({"case": case, "sessions": sessions})
    real = alert_emails_module.send_mail

    def slow_send(**kwargs):
        time.sleep(0.005)  # long enough for the other senders to try the same rows
        return real(**kwargs)

    monkeypatch.setattr(alert_emails_module, "send_mail", slow_send)
    return run_at_once(workers, lambda: alert_emails_send_due(batch_size=2))


def check_sent_once(failures: list[str], emails: int) -> None:
    assert failures == []
    assert AlertEmail.objects.count() == emails
    assert set(AlertEmail.objects.values_list("status", flat=True)) == {"sent"}
    assert set(AlertEmail.objects.values_list("attempts", flat=True)) == {1}
    sent = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert len(sent) == emails and len(set(sent)) == emails


def test_concurrent_senders_send_each_alert_email_once(monkeypatch):
    # Each case alerts its case manager and the one YOT manager.
    failures = race(monkeypatch, workers=4, cases=5)
    check_sent_once(failures, 10)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_concurrent_senders_on_postgresql_skip_locked_rows_and_send_each_once(monkeypatch):
    failures = race(monkeypatch, workers=6, cases=8)
    check_sent_once(failures, 16)
