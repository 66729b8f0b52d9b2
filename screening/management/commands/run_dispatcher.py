"""Send due text messages in a loop (the embedded dispatcher; Celery does it with a broker)."""

from __future__ import annotations

import signal
import threading
from dataclasses import asdict

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from screening.services.messages import messages_dispatch_due, new_owner


class Command(BaseCommand):
    help = "Send due text messages every few seconds until stopped (SIGTERM or Ctrl-C)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--interval", type=float, default=None, help="seconds between passes")

    def handle(self, *args, once: bool = False, interval: float | None = None, **options) -> None:
        from django.conf import settings

        interval = settings.SMS_DISPATCH_INTERVAL_SECONDS if interval is None else interval
        stop = threading.Event()
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stop.set())
        owner = new_owner()
        self.stdout.write(f"Dispatcher {owner} sending due texts every {interval:g} s.")
        while not stop.is_set():
            if not once:  # a long-running loop refreshes its connection like a request would
                close_old_connections()
            try:
                report = messages_dispatch_due(owner=owner)
            except Exception as exc:  # a database hiccup must not end the loop
                self.stderr.write(f"dispatch pass failed: {exc!r}")
            else:
                counts = {k: v for k, v in asdict(report).items() if v}
                if counts:
                    self.stdout.write(f"dispatched: {counts}")
            if once:
                break
            stop.wait(interval)
        self.stdout.write("Dispatcher stopped.")
