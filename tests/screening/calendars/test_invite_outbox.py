"""The calendar invite outbox: which rows a visit change plans (inside the booking
transaction, with one query), and how the background sender sends, supersedes, retries,
fails with an admin task and takes over rows a stopped worker left."""

import datetime as dt

import icalendar
from django.core import mail
from django.db.models import Q

from screening.booking.services import session_record_attendance, visit_cancel, visit_reschedule
from screening.calendars import invites as invites_module
from screening.calendars import tasks
from screening.calendars.invite_planning import invites_plan_for_change
from screening.calendars.invites import invites_send_due
from screening.messaging import tasks as messaging_tasks
from screening.models import AdminTask, InviteEmail, Visit
from screening.outbox import claim_rows, finish_claimed
from tests.calendar_support import CODES, LONDON, NOW, book, replace_practitioner, sessions_from
from tests.messaging import freeze

TUESDAY = dt.datetime(2027, 3, 2, 10, 0, tzinfo=LONDON)


def rows(visit: Visit, version: int | None = None) -> list[tuple[str, str, str, int, int]]:
    """(method, kind, status, practitioner id, session id) of a visit's invite rows."""
    qs = visit.invites.order_by("id")
    if version is not None:
        qs = qs.filter(visit_version=version)
    return list(qs.values_list("method", "kind", "status", "practitioner", "session"))


def session_ids(visit: Visit) -> dict[str, int]:
    return dict(visit.sessions.values_list("agency__code", "id"))


def refuse_email(monkeypatch, *, times: int | None = None) -> list[str]:
    """Make the mail server refuse the next `times` sends (all when None)."""
    calls: list[str] = []
    real = invites_module.send_invite

    def send(invite):
        calls.append(invite.to)
        if times is None or len(calls) <= times:
            raise ConnectionRefusedError("mail server down")
        real(invite)

    monkeypatch.setattr(invites_module, "send_invite", send)
    return calls


# --- planning --------------------------------------------------------------------------------


def test_booking_plans_a_request_per_practitioner_and_emails_nothing_yet(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        visit = book(world, TUESDAY)
    ids = session_ids(visit)
    assert rows(visit) == [
        ("REQUEST", "booked", "planned", world.people[code].pk, ids[code]) for code in CODES
    ]
    assert set(visit.invites.values_list("visit_version", flat=True)) == {1}
    assert mail.outbox == []


def test_reschedule_plans_moved_for_the_kept_a_new_invite_for_the_new_and_a_cancel_for_the_old(
    world,
):
    visit = book(world, TUESDAY)
    visit, old, new = replace_practitioner(world, visit)
    ids = session_ids(visit)
    kept = [code for code in CODES if code != "health"]
    assert rows(visit, version=2) == [
        ("REQUEST", "moved", "planned", world.people["speech_language"].pk, ids["speech_language"]),
        ("REQUEST", "booked", "planned", new.pk, ids["health"]),
        *[("REQUEST", "moved", "planned", world.people[c].pk, ids[c]) for c in kept[1:]],
        ("CANCEL", "cancelled", "planned", old.pk, ids["health"]),
    ]
    # The cancel carries the old session's own time and room; the others carry none.
    cancel = visit.invites.get(visit_version=2, method="CANCEL")
    assert (cancel.previous_start.isoformat(), cancel.previous_end.isoformat()) == (
        "2027-03-02T10:35:00+00:00",
        "2027-03-02T11:20:00+00:00",
    )
    assert cancel.previous_room == world.room
    assert not visit.invites.filter(visit_version=2, method="REQUEST", previous_start__isnull=False)


def test_reschedule_with_the_same_practitioners_plans_no_cancel(world):
    visit = book(world, TUESDAY)
    visit_reschedule(
        visit=visit, room=world.room, sessions=sessions_from(world, TUESDAY + dt.timedelta(hours=2))
    )
    assert {r[0] for r in rows(visit, version=2)} == {"REQUEST"}
    assert len(rows(visit, version=2)) == 4


def test_cancel_plans_a_cancel_per_practitioner(world):
    visit = book(world, TUESDAY)
    visit_cancel(visit=visit, reason="Family moved away")
    ids = session_ids(visit)
    assert rows(visit, version=2) == [
        ("CANCEL", "cancelled", "planned", world.people[code].pk, ids[code]) for code in CODES
    ]


def test_attendance_plans_no_invites(world, monkeypatch):
    visit = book(world, TUESDAY)
    clock = freeze(monkeypatch, TUESDAY + dt.timedelta(minutes=5))
    session = visit.sessions.get(agency__code="speech_language")
    session_record_attendance(session=session, attended=True)
    clock.advance(hours=4)
    for s in visit.sessions.exclude(pk=session.pk):
        session_record_attendance(session=s, attended=False, reason="Left early")
    visit.refresh_from_db()
    assert visit.status == "completed"
    assert visit.invites.count() == 4 and not visit.invites.exclude(visit_version=1).exists()


def test_invite_planning_writes_a_change_with_one_query_and_reads_nothing(
    world, django_assert_num_queries
):
    visit = book(world, TUESDAY)
    visit, _, _ = replace_practitioner(world, visit)
    before, after = visit.history.order_by("id").values_list("snapshot", flat=True)
    InviteEmail.objects.filter(visit_version=2).delete()
    with django_assert_num_queries(1):
        invites_plan_for_change(visit=visit, kind="rescheduled", previous=before, snapshot=after)
    assert len(rows(visit, version=2)) == 5


def test_a_committed_change_kicks_the_celery_task_when_a_broker_is_set(
    world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    kicked: list[str] = []
    monkeypatch.setattr(
        tasks.send_due_invites, "apply_async", lambda **kw: kicked.append("invites")
    )
    monkeypatch.setattr(
        messaging_tasks.dispatch_due_messages, "apply_async", lambda **kw: kicked.append("texts")
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        visit = book(world, TUESDAY)
    assert kicked == []  # not before the commit
    for callback in callbacks:
        callback()
    assert kicked == []  # no broker: the worker loop finds the rows
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    with django_capture_on_commit_callbacks(execute=True):
        visit_cancel(visit=visit, reason="Family moved away")
    assert kicked.count("invites") == 1


# --- sending ---------------------------------------------------------------------------------


def test_the_sender_sends_each_invite_once(world):
    visit = book(world, TUESDAY)
    first = invites_send_due()
    assert (first.claimed, first.sent) == (4, 4)
    again = invites_send_due()
    assert (again.claimed, again.sent) == (0, 0)
    assert len(mail.outbox) == 4
    assert {r[2] for r in rows(visit)} == {"sent"}
    assert not visit.invites.filter(sent_at=None).exists()
    assert set(visit.invites.values_list("attempts", flat=True)) == {1}


def test_invites_of_an_older_version_are_superseded_not_sent(world):
    visit = book(world, TUESDAY)
    visit_reschedule(
        visit=visit, room=world.room, sessions=sessions_from(world, TUESDAY + dt.timedelta(hours=2))
    )
    report = invites_send_due()
    assert (report.superseded, report.sent) == (4, 4)
    assert {r[2] for r in rows(visit, version=1)} == {"superseded"}
    assert "changed since" in visit.invites.filter(visit_version=1).first().last_error
    events = [
        icalendar.Calendar.from_ical(m.alternatives[0][0]).walk("VEVENT")[0] for m in mail.outbox
    ]
    assert {e["SEQUENCE"] for e in events} == {2}
    assert {e.decoded("DTSTART").astimezone(LONDON).hour for e in events} >= {12}


def test_a_replaced_practitioner_never_invited_gets_no_cancel(world):
    visit = book(world, TUESDAY)
    visit, old, new = replace_practitioner(world, visit)
    report = invites_send_due()
    assert (report.superseded, report.withdrawn) == (4, 1)
    assert [m for m in mail.outbox if m.to == [old.email]] == []
    assert [m.subject.split(":")[0] for m in mail.outbox if m.to == [new.email]] == [
        "Screening session"
    ]
    cancel = visit.invites.get(method="CANCEL")
    assert cancel.status == "withdrawn" and "never sent" in cancel.last_error
    # Those kept on their sessions were never invited either: theirs is no "Moved" notice.
    assert {m.subject.split(":")[0] for m in mail.outbox} == {"Screening session"}


def test_a_replaced_practitioner_who_was_invited_gets_the_cancel(world):
    visit = book(world, TUESDAY)
    invites_send_due()
    visit, old, _ = replace_practitioner(world, visit)
    mail.outbox.clear()
    report = invites_send_due()
    assert (report.withdrawn, report.sent) == (0, 5)
    assert [m.subject.split(":")[0] for m in mail.outbox if m.to == [old.email]] == ["Cancelled"]
    assert {m.subject.split(":")[0] for m in mail.outbox if m.to != [old.email]} >= {"Moved"}


def test_a_visit_cancelled_before_sending_sends_nothing(world):
    visit = book(world, TUESDAY)
    visit_cancel(visit=visit, reason="Family moved away")
    report = invites_send_due()
    assert (report.superseded, report.withdrawn, report.sent) == (4, 4, 0)
    assert mail.outbox == []
    assert set(visit.invites.filter(method="CANCEL").values_list("status", flat=True)) == {
        "withdrawn"
    }


def test_a_visit_cancelled_after_sending_sends_the_cancellations(world):
    visit = book(world, TUESDAY)
    invites_send_due()
    visit_cancel(visit=visit, reason="Family moved away")
    mail.outbox.clear()
    report = invites_send_due()
    assert (report.withdrawn, report.sent) == (0, 4)
    assert all(m.subject.startswith("Cancelled") for m in mail.outbox)


def test_a_cancel_goes_to_one_whose_invitation_may_be_going_out_now(world):
    visit = book(world, TUESDAY)
    health = visit.invites.get(practitioner=world.people["health"])
    claim_rows(InviteEmail, owner="other-worker", size=1, where=Q(pk=health.pk), order_by=("id",))
    visit_cancel(visit=visit, reason="Family moved away")
    invites_send_due()
    assert [m.to for m in mail.outbox] == [[world.people["health"].email]]


def test_an_invite_for_a_visit_that_has_ended_is_superseded(world, monkeypatch):
    visit = book(world, TUESDAY)
    freeze(monkeypatch, TUESDAY + dt.timedelta(hours=5))
    report = invites_send_due()
    assert (report.superseded, report.sent) == (4, 0)
    assert set(visit.invites.values_list("last_error", flat=True)) == {"visit already ended"}
    assert mail.outbox == []


def test_a_failed_email_is_retried_with_growing_delays(world, monkeypatch, settings):
    settings.INVITE_MAX_ATTEMPTS = 4
    settings.INVITE_RETRY_SECONDS = 60
    clock = freeze(monkeypatch, NOW)
    refuse_email(monkeypatch)
    visit = book(world, TUESDAY)
    for attempt in (1, 2, 3):
        report = invites_send_due()
        assert (report.claimed, report.retried, report.failed) == (4, 4, 0)
        waits = []
        for invite in visit.invites.all():
            assert invite.status == "planned" and invite.attempts == attempt
            assert "mail server down" in invite.last_error
            waits.append((invite.next_attempt_at - clock()).total_seconds())
        longest = 60 * 2 ** (attempt - 1)
        assert all(longest / 2 <= w <= longest for w in waits)
        assert invites_send_due().claimed == 0  # not due again before its time
        clock.advance(seconds=max(waits))
    assert not AdminTask.objects.exists()


def test_after_the_last_attempt_the_invite_fails_with_an_admin_task(world, monkeypatch, settings):
    settings.INVITE_MAX_ATTEMPTS = 2
    clock = freeze(monkeypatch, NOW)
    calls = refuse_email(monkeypatch)
    visit = book(world, TUESDAY)
    invites_send_due()
    clock.advance(hours=1)
    report = invites_send_due()
    assert (report.failed, report.retried) == (4, 0)
    assert {r[2] for r in rows(visit)} == {"failed"}
    tasks_open = AdminTask.objects.filter(kind=AdminTask.Kind.INVITE_FAILED, done_at=None)
    assert tasks_open.count() == 4
    health = world.people["health"]
    [task] = [t for t in tasks_open if health.name in t.text]
    assert task.visit == visit and task.case == world.case
    assert f"JQ {world.case.reference}" in task.text and health.email in task.text
    assert "Health" in task.text and "2 tries" in task.text and "Jordan" not in task.text
    clock.advance(days=1)
    assert invites_send_due().claimed == 0 and len(calls) == 8  # never tried again


def test_an_invite_sent_on_a_retry_is_sent_once(world, monkeypatch):
    clock = freeze(monkeypatch, NOW)
    calls = refuse_email(monkeypatch, times=1)
    visit = book(world, TUESDAY)
    report = invites_send_due()
    assert (report.sent, report.retried) == (3, 1)
    clock.advance(hours=1)
    assert invites_send_due().sent == 1
    assert len(mail.outbox) == 4 and len(calls) == 5
    assert sorted(visit.invites.values_list("attempts", flat=True)) == [1, 1, 1, 2]


def test_a_practitioner_without_an_email_address_fails_at_once_with_a_task(world):
    visit = book(world, TUESDAY)
    world.people["education"].__class__.objects.filter(pk=world.people["education"].pk).update(
        email=""
    )
    report = invites_send_due()
    assert (report.sent, report.failed) == (3, 1)
    [task] = AdminTask.objects.filter(kind=AdminTask.Kind.INVITE_FAILED)
    assert "no email address" in task.text and task.visit == visit


def test_rows_a_stopped_worker_claimed_are_sent_after_the_lease(world, monkeypatch, settings):
    clock = freeze(monkeypatch, NOW)
    visit = book(world, TUESDAY)
    ids = claim_rows(
        InviteEmail, owner="stopped-worker", size=10, where=Q(status="planned"), order_by=("id",)
    )
    assert len(ids) == 4
    assert invites_send_due().claimed == 0  # held by the other worker's lease
    clock.advance(seconds=settings.INVITE_LEASE_SECONDS - 1)
    assert invites_send_due().claimed == 0
    clock.advance(seconds=2)
    report = invites_send_due()
    assert (report.claimed, report.sent) == (4, 4)
    assert len(mail.outbox) == 4
    # The stopped worker can no longer record anything over the new outcome.
    assert not finish_claimed(InviteEmail, ids[0], "stopped-worker", status="failed")
    assert {r[2] for r in rows(visit)} == {"sent"}
    assert set(visit.invites.values_list("attempts", flat=True)) == {2}


def test_the_celery_task_sends_due_invites_and_beat_schedules_it(world):
    from config.celery import app

    book(world, TUESDAY)
    assert tasks.send_due_invites()["sent"] == 4
    app.loader.import_default_modules()
    app.finalize()
    entries = [
        e for e in app.conf.beat_schedule.values() if e["task"] == "screening.send_due_invites"
    ]
    assert entries and float(entries[0]["schedule"]) > 0
    assert tasks.send_due_invites.name == "screening.send_due_invites"
