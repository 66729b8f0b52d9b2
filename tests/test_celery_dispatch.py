"""The Celery path for real: Debian's redis-server on 127.0.0.1, a Celery worker, the
dispatch task queued twice and the due text sent exactly once; a booking's calendar invite
queued through the broker and emailed by the worker."""

import shutil
import socket
import subprocess
import tempfile
import time

import pytest
from django.db import connections

from screening.integrations.sms.fake import FakeGateway
from screening.models import Message

pytestmark = [
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def tuesday_morning():
    """09:00 on Tuesday 23 February 2027 for the worker's thread too: outside quiet hours
    (21:00 to 08:00), so the booking's confirmation is due at once."""
    from tests.messaging import travel

    with travel():
        yield


@pytest.fixture(scope="module")
def redis_url():
    """One server for the module: the Celery app keeps its broker connections pooled."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (Debian package redis-server; .ci/run adds it)")
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="yot-redis-")
    process = subprocess.Popen(
        [
            binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            workdir,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def test_celery_worker_sends_a_due_text_exactly_once(
    tuesday_morning, redis_url, settings, monkeypatch
):
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    from config.celery import app
    from screening.messaging.tasks import dispatch_due_messages
    from tests.messaging import book, make_team

    settings.SMS_BACKEND = "fake"
    settings.CELERY_BROKER_URL = redis_url
    FakeGateway.reset()
    app.conf.broker_url = redis_url
    app.conf.result_backend = None
    app.conf.task_ignore_result = True
    # The booking's on_commit kick goes through the broker too.
    visit = book(make_team())
    due = visit.messages.get(purpose="confirmation")
    finished = []

    def count(sender=None, **kwargs):
        if sender is not None and sender.name == "screening.dispatch_due_messages":
            finished.append(kwargs.get("task_id"))

    task_postrun.connect(count, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            dispatch_due_messages.delay()
            dispatch_due_messages.delay()
            deadline = time.monotonic() + 30
            # The booking's kick plus the two queued here.
            while len(finished) < 3 and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        task_postrun.disconnect(count)
    assert len(finished) == 3
    connections.close_all()
    due.refresh_from_db()
    assert due.status == "sent"
    assert [t.to for t in FakeGateway.outbox] == [due.to]
    assert Message.objects.filter(status="sent").count() == 1


def test_celery_worker_emails_the_calendar_invites_a_booking_queued(
    tuesday_morning, redis_url, settings
):
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.core import mail

    from config.celery import app
    from screening.models import InviteEmail
    from tests.messaging import book, make_team

    settings.SMS_BACKEND = "fake"
    settings.CELERY_BROKER_URL = redis_url
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    app.conf.broker_url = redis_url
    app.conf.result_backend = None
    app.conf.task_ignore_result = True
    mail.outbox = []
    finished = []

    def count(sender=None, **kwargs):
        if sender is not None and sender.name == "screening.send_due_invites":
            finished.append(kwargs.get("task_id"))

    visit = book(make_team())  # its on_commit kick queues the invites task on the broker
    assert InviteEmail.objects.filter(visit=visit, status="planned").count() == 1
    task_postrun.connect(count, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            deadline = time.monotonic() + 30
            while not finished and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        task_postrun.disconnect(count)
    assert len(finished) == 1
    connections.close_all()
    invite = InviteEmail.objects.get(visit=visit)
    assert invite.status == "sent"
    assert [m.to for m in mail.outbox] == [[invite.practitioner.email]]
    assert "METHOD:REQUEST" in mail.outbox[0].alternatives[0][0]


def test_beat_schedules_the_dispatch_task_every_interval():
    from config.celery import app

    app.loader.import_default_modules()
    app.finalize()
    entries = [
        e for e in app.conf.beat_schedule.values() if e["task"] == "screening.dispatch_due_messages"
    ]
    assert entries and float(entries[0]["schedule"]) > 0
