"""A local fake of Twilio's Messages API for tests and benchmarks, on 127.0.0.1.

It speaks enough of the API for the real `twilio` client: create a message (JSON with a
sid) and list messages filtered by `To`. `script` queues what the next creates do:
"ok", ("error", http_status, twilio_code), ("slow", seconds) (creates the message, then
answers too late: a read timeout after the request left), "close" (creates it, then
drops the connection without answering), "close_before" (drops it without creating).

Like the real service it can be slow and strict: `latency` (seconds) delays every answer,
and `rate_per_second` answers 429 (Twilio's code 20429) to a create once that many
messages from the same sender (From or MessagingServiceSid) were accepted in the last
second. It counts the requests it is answering at once (`max_in_flight`) and the 429s it
gave (`throttled`); a fake in another process reports both at `/_fake/stats`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import socket
import threading
import time
import uuid
from collections import Counter, deque
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit, urlunsplit

from django.utils import timezone
from twilio.http.http_client import TwilioHttpClient

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-auth-token-0123456789abcdef"


THROTTLED_CODE = 20429


class FakeTwilio:
    def __init__(self, *, latency: float = 0.0, rate_per_second: int | None = None) -> None:
        self.latency = latency
        self.rate_per_second = rate_per_second
        self.accepted_at: dict[str, deque[float]] = {}
        self.throttled = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.created: list[dict] = []
        self.script: list[object] = []
        self.list_fails = False
        self.lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"fake": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeTwilio:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def sent_twice(self) -> int:
        counts = Counter((m["to"], m["body"]) for m in self.created)
        return sum(n - 1 for n in counts.values() if n > 1)

    def http_client(self, timeout: float = 5) -> TwilioHttpClient:
        return RewritingHttpClient(self.base_url, timeout=timeout)

    def next_action(self) -> object:
        with self.lock:
            return self.script.pop(0) if self.script else "ok"

    def over_rate(self, form: dict[str, str]) -> bool:
        """Whether this create is past the sender's rate; if not, it counts toward it."""
        if self.rate_per_second is None:
            return False
        sender = form.get("MessagingServiceSid") or form.get("From", "")
        now = time.monotonic()
        with self.lock:
            window = self.accepted_at.setdefault(sender, deque())
            while window and window[0] <= now - 1:
                window.popleft()
            if len(window) >= self.rate_per_second:
                self.throttled += 1
                return True
            window.append(now)
            return False

    def request_started(self) -> None:
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def request_ended(self) -> None:
        with self.lock:
            self.in_flight -= 1

    def create(self, form: dict[str, str]) -> dict:
        message = {
            "sid": "SM" + uuid.uuid4().hex,
            "account_sid": ACCOUNT_SID,
            "to": form.get("To", ""),
            "from": form.get("From", ""),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "body": form.get("Body", ""),
            "status": "queued",
            "status_callback": form.get("StatusCallback", ""),
            "validity_period": form.get("ValidityPeriod"),
            "date_created": format_datetime(timezone.now().astimezone(dt.UTC), usegmt=True),
            "date_sent": None,
            "direction": "outbound-api",
        }
        with self.lock:
            self.created.append(message)
        return message


class _Handler(BaseHTTPRequestHandler):
    fake: FakeTwilio
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Answer at once: without this, Nagle's algorithm and the client's delayed ACK
        # add about 40 ms to every request, which no real network path is measured by.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args) -> None:
        pass

    def _json(self, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _drop(self) -> None:
        self.close_connection = True
        self.connection.close()

    def do_POST(self) -> None:
        self.fake.request_started()
        try:
            self._create()
        finally:
            self.fake.request_ended()

    def _create(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        form = {k: v[-1] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if self.fake.latency:
            time.sleep(self.fake.latency)
        if self.fake.over_rate(form):
            return self._json(
                429,
                {"code": THROTTLED_CODE, "message": "Too Many Requests", "status": 429},
            )
        action = self.fake.next_action()
        if action == "close_before":
            return self._drop()
        if isinstance(action, tuple) and action[0] == "error":
            _, status, code = action
            return self._json(
                status, {"code": code, "message": f"fake error {code}", "status": status}
            )
        message = self.fake.create(form)
        if action == "close":
            return self._drop()
        if isinstance(action, tuple) and action[0] == "slow":
            time.sleep(action[1])
        with contextlib.suppress(OSError):  # the client may have given up waiting
            self._json(201, message)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/_fake/stats":
            with self.fake.lock:
                stats = {"throttled": self.fake.throttled, "max_in_flight": self.fake.max_in_flight}
            return self._json(200, stats)
        if self.fake.list_fails:
            return self._json(503, {"code": 20503, "message": "unavailable", "status": 503})
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        with self.fake.lock:
            found = [m for m in self.fake.created if m["to"] == query.get("To", m["to"])]
        found.reverse()  # newest first, as Twilio lists them
        size = int(query.get("PageSize", 50))
        self._json(
            200,
            {
                "messages": found[:size],
                "page": 0,
                "page_size": size,
                "uri": parts.path,
                "first_page_uri": parts.path,
                "next_page_uri": None,
                "previous_page_uri": None,
                "end": min(size, len(found)) - 1,
                "start": 0,
            },
        )


class RewritingHttpClient(TwilioHttpClient):
    """The real Twilio HTTP client, with any *.twilio.com host sent to the local fake."""

    def __init__(self, base_url: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.base = urlsplit(base_url)
        if self.session is not None:
            # A local address never goes through a proxy: skip reading proxy settings
            # from the environment on every request.
            self.session.trust_env = False

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        if parts.hostname and parts.hostname.endswith("twilio.com"):
            url = urlunsplit((self.base.scheme, self.base.netloc, parts.path, parts.query, ""))
        return super().request(method, url, *args, **kwargs)


def serve_in_subprocess(ready, latency: float = 0.0, rate_per_second: int | None = None) -> None:
    """Run a fake in this (child) process until it is terminated; puts its address on
    the `ready` queue. Its sends are read back through the list endpoint, its counts
    through `stats`."""
    fake = FakeTwilio(latency=latency, rate_per_second=rate_per_second)
    fake.thread.start()
    ready.put(fake.base_url)
    threading.Event().wait()


def list_all(base_url: str) -> list[dict]:
    """Every message a fake running elsewhere has accepted."""
    from urllib.request import urlopen

    url = f"{base_url}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json?PageSize=10000000"
    with urlopen(url, timeout=60) as response:
        return json.loads(response.read())["messages"]


def stats(base_url: str) -> dict:
    """The 429s a fake running elsewhere gave and the most requests it answered at once."""
    from urllib.request import urlopen

    with urlopen(f"{base_url}/_fake/stats", timeout=60) as response:
        return json.loads(response.read())
