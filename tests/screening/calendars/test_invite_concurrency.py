"""Several invite senders at once, each on its own connection: every planned invite is
emailed exactly once (SKIP LOCKED claims on PostgreSQL, serialised claims on SQLite)."""

import time

import pytest
from django.core import mail
from django.db import connection

from screening.calendars import invites as invites_module
from screening.calendars.invites import invites_send_due
from screening.models import InviteEmail
from tests.concurrency import THREAD_TEST, run_at_once
from tests.messaging import at, book, freeze, make_team, texting_person

pytestmark = THREAD_TEST

WEEKDAYS = [2, 3, 4, 5, 8, 9, 10, 11]


def race(monkeypatch, *, workers: int, visits: int) -> list[str]:
    freeze(monkeypatch)
    team = make_team()
    for n in range(visits):
        # Six a day (the practitioner's daily cap), on weekdays in March 2027.
        day = at(0).date().replace(day=WEEKDAYS[n // 6])
        book(team, person=texting_person(mobile=f"07400 14{n:04d}"), start=at(9 + n % 6, day=day))
    real = invites_module.send_invite

    def slow_send(invite) -> None:
        time.sleep(0.005)  # long enough for the other senders to try the same rows
        real(invite)

    monkeypatch.setattr(invites_module, "send_invite", slow_send)
    return run_at_once(workers, lambda: invites_send_due(batch_size=2))


def check_sent_once(failures: list[str], visits: int) -> None:
    assert failures == []
    assert InviteEmail.objects.count() == visits
    assert set(InviteEmail.objects.values_list("status", flat=True)) == {"sent"}
    assert set(InviteEmail.objects.values_list("attempts", flat=True)) == {1}
    uids = [
        line
        for message in mail.outbox
        for line in message.alternatives[0][0].splitlines()
        if line.startswith("UID:session-")
    ]
    assert len(mail.outbox) == visits and len(set(uids)) == visits


def test_concurrent_senders_email_each_invite_once(monkeypatch):
    failures = race(monkeypatch, workers=4, visits=18)
    check_sent_once(failures, 18)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_concurrent_senders_on_postgresql_skip_locked_rows_and_email_each_once(monkeypatch):
    failures = race(monkeypatch, workers=6, visits=36)
    check_sent_once(failures, 36)
