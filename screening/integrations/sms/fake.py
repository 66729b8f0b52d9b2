"""An in-memory gateway for tests (SMS_BACKEND=fake): records every text it accepts.

`FakeGateway.outbox` is shared by every instance in the process, so a test can read what
a dispatcher running in another thread sent. `fail_next` queues errors to raise.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from dataclasses import dataclass, field

from django.utils import timezone

from screening.integrations.sms.base import (
    Found,
    GatewayError,
    Reconciliation,
    SendResult,
)


@dataclass
class FakeText:
    provider_id: str
    to: str
    body: str
    status_callback: str
    valid_for_seconds: int | None
    at: dt.datetime = field(default_factory=timezone.now)


class FakeGateway:
    name = "fake"
    outbox: list[FakeText] = []
    fail_next: list[GatewayError] = []
    _lock = threading.Lock()

    @classmethod
    def reset(cls) -> None:
        with cls._lock:
            cls.outbox.clear()
            cls.fail_next.clear()

    def send(
        self, *, to: str, body: str, status_callback: str, valid_for_seconds: int | None
    ) -> SendResult:
        with self._lock:
            if self.fail_next:
                raise self.fail_next.pop(0)
            text = FakeText(
                f"SMfake{uuid.uuid4().hex}", to, body, status_callback, valid_for_seconds
            )
            self.outbox.append(text)
        return SendResult(provider_id=text.provider_id)

    def find_sent(
        self, *, to: str, body: str, since: dt.datetime, exclude_ids: set[str]
    ) -> Reconciliation:
        with self._lock:
            for text in self.outbox:
                if (
                    text.to == to
                    and text.body == body
                    and text.at >= since
                    and text.provider_id not in exclude_ids
                ):
                    return Reconciliation(Found.SENT, text.provider_id, "queued")
        return Reconciliation(Found.NOT_SENT)
