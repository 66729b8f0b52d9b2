"""The embedded background worker: send due text messages, calendar invite emails and
urgent-alert emails in a loop (a failure in one never stops the others), and reload
imported calendar addresses that are due on a thread of their own (a slow calendar server
must never hold texts up). Celery does the same work when a broker is configured."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from dataclasses import asdict

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from screening.assessment.alert_emails import alert_emails_send_due
from screening.calendars.imports import calendar_imports_refresh
from screening.calendars.invites import invites_send_due
from screening.messaging.dispatch import messages_dispatch_due
from screening.outbox import new_owner

CALENDAR_CHECK_SECONDS = 300


class Command(BaseCommand):
    help = (
        "Send due text messages, calendar invites and urgent-alert emails every few seconds "
        "until stopped (SIGTERM or Ctrl-C)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--interval", type=float, default=None, help="seconds between passes")
        parser.add_argument(
            "--no-calendars", action="store_true", help="do not reload imported calendars"
        )

    def refresh_calendars_once(self) -> None:
        try:
            result = calendar_imports_refresh()
        except Exception as exc:  # a database hiccup must not end the worker
            self.stderr.write(f"calendar refresh failed: {exc!r}")
            return
        if result.refreshed or result.failed:
            self.stdout.write(f"calendars: {result.refreshed} reloaded, {result.failed} failed")

    def refresh_calendars(self, stop: threading.Event) -> None:
        """Every few minutes, reload the imported calendar addresses that are due."""
        while not stop.is_set():
            self.refresh_calendars_once()
            close_old_connections()
            stop.wait(CALENDAR_CHECK_SECONDS)

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
                signal.signal(sig, lambda *_: stop.set())
        owner = new_owner()
        self.stdout.write(
            f"Dispatcher {owner} sending due texts, invites and alert emails every {interval:g} s."
        )
        calendars = None
        if once and not options.get("no_calendars"):
            self.refresh_calendars_once()
        elif not options.get("no_calendars"):
            calendars = threading.Thread(
                target=self.refresh_calendars, args=(stop,), name="calendars", daemon=True
            )
            calendars.start()
        while not stop.is_set():
            if not once:  # a long-running loop refreshes its connection like a request would
                close_old_connections()
            self.run_pass("texts", lambda: messages_dispatch_due(owner=owner))
            self.run_pass("invites", lambda: invites_send_due(owner=owner))
            self.run_pass("alert emails", lambda: alert_emails_send_due(owner=owner))
            if once:
                break
            stop.wait(interval)
        stop.set()
        if calendars is not None:
            calendars.join(timeout=30)
        self.stdout.write("Dispatcher stopped.")
