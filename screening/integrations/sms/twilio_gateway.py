"""Twilio through its own client, with a timeout, a status callback and a validity period.

Errors are sorted by what they prove (see base.py). Twilio has no idempotency key, so a
request that may have left is never repeated here: it is reported as an unknown outcome
and reconciled with `find_sent`, which lists the provider's messages to that number.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator

import requests
from twilio.base.exceptions import TwilioException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from urllib3.exceptions import NewConnectionError

from screening.integrations.sms.base import (
    Found,
    GatewayError,
    PermanentError,
    Reconciliation,
    RetryableError,
    SendResult,
    ThrottledError,
    UnknownOutcomeError,
)

# A provider's clock and ours may differ a little; look this far before the attempt.
CLOCK_MARGIN = dt.timedelta(minutes=2)
# Twilio keeps 1 to 36,000 seconds (10 hours) of validity.
MAX_VALIDITY_SECONDS = 36000
LIST_LIMIT = 100


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception, the ones it wraps, and what they wrap (requests nests urllib3's)."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        nested = [a for a in current.args if isinstance(a, BaseException)]
        for attr in ("reason", "__cause__", "__context__"):
            value = getattr(current, attr, None)
            if isinstance(value, BaseException):
                nested.append(value)
        stack.extend(nested)


def classify_transport_error(exc: requests.RequestException) -> GatewayError:
    """Connect failures prove nothing left; anything after connecting might have."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return RetryableError(f"connect timeout: {exc}")
    if isinstance(exc, requests.exceptions.ConnectionError) and any(
        isinstance(c, (NewConnectionError, ConnectionRefusedError)) for c in _causes(exc)
    ):
        return RetryableError(f"connection refused: {exc}")
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return UnknownOutcomeError(f"no answer in time after sending: {exc}")
    return UnknownOutcomeError(f"connection broken after sending: {exc}")


def classify_provider_error(exc: TwilioException) -> GatewayError:
    """Sort Twilio's HTTP error answers into retry, give up, or unknown."""
    status = int(getattr(exc, "status", 0) or 0)
    code = getattr(exc, "code", None)
    code = (
        int(code) if isinstance(code, int) or (isinstance(code, str) and code.isdigit()) else None
    )
    text = f"HTTP {status}, code {code}: {getattr(exc, 'msg', exc)}"
    if status == 429:
        # Past the sender's rate: refused before anything was queued.
        return ThrottledError(text, code=code)
    if status in (401, 403):
        # Not authorised: refused before anything was queued.
        return RetryableError(text, code=code)
    if status >= 500:
        # Twilio's own error body carries a Twilio code (not just the HTTP status): the
        # API answered and refused. A bare 5xx from something in between proves nothing.
        if code is not None and code != status:
            return RetryableError(text, code=code)
        return UnknownOutcomeError(text, code=code)
    return PermanentError(text, code=code)


class TwilioGateway:
    """Sends may run on several threads at once: each thread gets a client of its own
    (the Twilio HTTP client keeps the last response on itself, so one must not be shared).
    A single `http_client` given in is not copied: that gateway sends on one thread."""

    name = "twilio"

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        from_number: str = "",
        messaging_service_sid: str = "",
        timeout: float = 10,
        http_client: TwilioHttpClient | None = None,
        http_client_factory: Callable[[], TwilioHttpClient] | None = None,
    ) -> None:
        if not (from_number or messaging_service_sid):
            raise ValueError("Twilio needs a from number or a Messaging Service SID")
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid
        # The sender the provider's rate applies to (README "Configuration").
        self.sender = messaging_service_sid or from_number
        self._credentials = (account_sid, auth_token)
        self._local = threading.local()
        self._shared: Client | None = None
        if http_client is not None:
            self._shared = Client(account_sid, auth_token, http_client=http_client)
            self.max_in_flight: int | None = 1
        else:
            self._factory = http_client_factory or (lambda: TwilioHttpClient(timeout=timeout))
            self.max_in_flight = None  # as many threads as asked for

    @property
    def client(self) -> Client:
        """The Twilio client of this thread (or the one given in)."""
        if self._shared is not None:
            return self._shared
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = Client(*self._credentials, http_client=self._factory())
        return client

    def send(
        self, *, to: str, body: str, status_callback: str, valid_for_seconds: int | None
    ) -> SendResult:
        options: dict[str, object] = {"to": to, "body": body, "status_callback": status_callback}
        if self.messaging_service_sid:
            options["messaging_service_sid"] = self.messaging_service_sid
        else:
            options["from_"] = self.from_number
        if valid_for_seconds is not None:
            options["validity_period"] = max(1, min(MAX_VALIDITY_SECONDS, valid_for_seconds))
        try:
            message = self.client.messages.create(**options)
        except TwilioException as exc:
            raise classify_provider_error(exc) from exc
        except requests.RequestException as exc:
            raise classify_transport_error(exc) from exc
        return SendResult(provider_id=message.sid, status=message.status or "queued")

    def find_sent(
        self, *, to: str, body: str, since: dt.datetime, exclude_ids: set[str]
    ) -> Reconciliation:
        # Filtered by number only: date_sent stays empty while a message is queued, so
        # the time is compared on date_created here.
        try:
            listed = self.client.messages.list(to=to, limit=LIST_LIMIT)
        except (TwilioException, requests.RequestException):
            return Reconciliation(Found.UNKNOWN)
        for message in listed:
            created = message.date_created
            if (
                message.body == body
                and message.sid not in exclude_ids
                and (created is None or created >= since - CLOCK_MARGIN)
            ):
                return Reconciliation(Found.SENT, message.sid, message.status or "")
        if len(listed) >= LIST_LIMIT:
            return Reconciliation(Found.UNKNOWN)  # too many to be sure it is not further back
        return Reconciliation(Found.NOT_SENT)
