"""One interface for every SMS provider, and the error classes the dispatcher acts on.

A provider call ends in one of four ways, and each one decides what the dispatcher may
do next (DESIGN.md rule 7):
- `SendResult`: accepted; the provider's id is recorded.
- `RetryableError`: provably not sent (5xx with an error body, connection refused,
  connect timeout): try again later with backoff. `ThrottledError`, its kind for 429
  (past the sender's rate), is tried again soon and never counts as an attempt.
- `PermanentError`: the provider refused it for good (opted out, invalid number...).
- `UnknownOutcomeError`: the request may have left (read timeout, connection reset after
  sending): never retried blindly, reconciled with the provider's log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Protocol


@dataclass(frozen=True)
class SendResult:
    provider_id: str
    status: str = "queued"


class GatewayError(Exception):
    def __init__(self, reason: str, *, code: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class RetryableError(GatewayError):
    """Nothing was sent; safe to try again."""


class ThrottledError(RetryableError):
    """Refused as past the sender's rate (HTTP 429): nothing was sent; slow down, try again."""


class PermanentError(GatewayError):
    """Refused for good; `code` is the provider's error code when it gave one."""


class UnknownOutcomeError(GatewayError):
    """The request may have reached the provider; the text may or may not be on its way."""


# Provider error codes with a meaning of their own (Twilio's numbering).
OPTED_OUT_CODES = frozenset({21610})
INVALID_NUMBER_CODES = frozenset({21211, 21614})


class Found(Enum):
    SENT = "sent"
    NOT_SENT = "not_sent"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Reconciliation:
    found: Found
    provider_id: str = ""
    status: str = ""


class SmsGateway(Protocol):
    name: str

    def send(
        self, *, to: str, body: str, status_callback: str, valid_for_seconds: int | None
    ) -> SendResult:
        """Hand one text to the provider; raises one of the GatewayError classes."""

    def find_sent(
        self, *, to: str, body: str, since: dt.datetime, exclude_ids: set[str]
    ) -> Reconciliation:
        """Look in the provider's log for this text to this number since a moment."""
