"""The embedded background worker: send due text messages, calendar invite emails,
urgent-alert emails and work-list emails in a loop (a failure in one never stops the
others), and, on a thread of its own (a slow calendar server or a calendar that takes long
to read must never hold texts up), load the calendars practitioners asked to import within
seconds and reload the imported addresses that are due every few minutes. Once a local day
it emails the owners of plan actions that became overdue, clears old texts' bodies and puts
what the retention schedule makes due up for a YOT manager's approval. Each calendar is
read in a child process with its own time and memory limits. Celery does the same work
when a broker is configured."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from dataclasses import asdict

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from screening.assessment.alert_emails import alert_emails_send_due
from screening.assessment.plans import plan_actions_notify_overdue
from screening.assessment.work_emails import work_emails_send_due
from screening.calendars.invites import invites_send_due
from screening.calendars.loading import calendar_imports_load_requested, calendar_imports_refresh
from screening.governance.disposal import retention_daily
from screening.messaging.dispatch import messages_dispatch_due
from screening.outbox import new_owner

CALENDAR_CHECK_SECONDS = 300
# How soon a calendar a practitioner just asked to import is loaded.
CALENDAR_REQUEST_CHECK_SECONDS = 5


def stop_soon(stop: threading.Event) -> None:
    """What a stop signal does: set `stop` from a thread of its own. The handler runs on the
    main thread between two of its steps, possibly while that thread holds the event's own
    lock inside stop.wait(); setting it there would wait for that lock for ever."""
    threading.Thread(target=stop.set, name="stop", daemon=True).start()


class Command(BaseCommand):
    help = (
        "Send due text messages, calendar invites, urgent-alert and work-list emails every "
        "few seconds "
        "until stopped (SIGTERM or Ctrl-C)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--interval", type=float, default=None, help="seconds between passes")
        parser.add_argument(
            "--no-calendars", action="store_true", help="do not reload imported calendars"
        )

    def calendar_pass(self, name: str, work: Callable[[], object], done: str) -> None:
        """One pass over the calendars; `done` words its counts (reloaded/loaded, failed).
        A failure (a database hiccup) is reported and never ends the worker."""
        try:
            result = work()
        except Exception as exc:
            self.stderr.write(f"{name} failed: {exc!r}")
            return
        counts = list(asdict(result).values())
        if any(counts):
            self.stdout.write(f"{name}: " + done.format(*counts))

    def refresh_calendars_once(self) -> None:
        self.calendar_pass("calendars", calendar_imports_refresh, "{} reloaded, {} failed")

    def load_requested_calendars_once(self) -> None:
        self.calendar_pass(
            "calendar imports", calendar_imports_load_requested, "{} loaded, {} failed"
        )

    def refresh_calendars(self, stop: threading.Event) -> None:
        """Every few seconds, load the calendars practitioners asked to import; every few
        minutes, reload the imported calendar addresses that are due."""
        last_refresh: float | None = None
        while not stop.is_set():
            self.load_requested_calendars_once()
            if last_refresh is None or time.monotonic() - last_refresh >= CALENDAR_CHECK_SECONDS:
                self.refresh_calendars_once()
                last_refresh = time.monotonic()
            close_old_connections()
            stop.wait(CALENDAR_REQUEST_CHECK_SECONDS)

    def run_pass(self, name: str, send: Callable[[], object]) -> None:
        """One pass over one outbox; a failure (a database hiccup, a bug) is reported and
        never ends the loop nor stops the other outbox."""
        try:
            report = send()
        except Exception as exc:
            self.stderr.write(f"{name} pass failed: {exc!r}")
            return
        counts = {k: v for k, v in asdict(report).items() if v}
        if counts:
            self.stdout.write(f"{name}: {counts}")

    def handle(self, *args, once: bool = False, interval: float | None = None, **options) -> None:
        interval = settings.SMS_DISPATCH_INTERVAL_SECONDS if interval is None else interval
        stop = threading.Event()
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stop_soon(stop))
        owner = new_owner()
        self.stdout.write(
            f"Dispatcher {owner} sending due texts, invites and emails every {interval:g} s."
        )
        calendars = None
        if once and not options.get("no_calendars"):
            self.load_requested_calendars_once()
            self.refresh_calendars_once()
        elif not options.get("no_calendars"):
            calendars = threading.Thread(
                target=self.refresh_calendars, args=(stop,), name="calendars", daemon=True
            )
            calendars.start()
        overdue_checked_on = None
        while not stop.is_set():
            if not once:  # a long-running loop refreshes its connection like a request would
                close_old_connections()
            if overdue_checked_on != timezone.localdate():  # the daily job, in the YOT's zone
                overdue_checked_on = timezone.localdate()
                self.run_pass("overdue plan actions", plan_actions_notify_overdue)
                self.run_pass("retention", retention_daily)
            self.run_pass("texts", lambda: messages_dispatch_due(owner=owner))
            self.run_pass("invites", lambda: invites_send_due(owner=owner))
            self.run_pass("alert emails", lambda: alert_emails_send_due(owner=owner))
            self.run_pass("work emails", lambda: work_emails_send_due(owner=owner))
            if once:
                break
            stop.wait(interval)
        stop.set()
        if calendars is not None:
            calendars.join(timeout=30)
        self.stdout.write("Dispatcher stopped.")
