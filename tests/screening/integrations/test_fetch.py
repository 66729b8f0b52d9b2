"""Fetching calendars from addresses practitioners give: http(s) only, size and time
limits, and never into the local network unless allowed."""

import ipaddress
import socket
import threading
import time

import pytest

from screening.integrations import fetch as fetch_module
from screening.integrations.fetch import FetchFailed, fetch, target_of

BODY = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


def get(url, *, allow_private=True, max_bytes=10_000, timeout=5):
    return fetch(url, max_bytes=max_bytes, timeout=timeout, allow_private=allow_private)


def test_fetches_a_calendar_from_a_local_server_when_allowed(ics_server):
    assert get(ics_server.serve("/cal.ics", BODY)) == BODY


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/cal.ics", "file:///etc/passwd", "javascript:alert(1)", "/relative.ics"],
)
def test_only_http_and_https_addresses(url):
    with pytest.raises(FetchFailed, match=r"Only http and https|no host"):
        target_of(url)


def test_webcal_means_https():
    assert target_of("webcal://calendar.example.org/a.ics?x=1").scheme == "https"
    assert target_of("webcal://calendar.example.org/a.ics?x=1").path == "/a.ics?x=1"


def test_credentials_in_the_address_are_refused():
    with pytest.raises(FetchFailed, match="user name or password"):
        target_of("https://me:secret@calendar.example.org/a.ics")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/cal.ics",
        "http://localhost:9/cal.ics",
        "http://10.1.2.3/cal.ics",
        "http://192.168.0.10/cal.ics",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:9/cal.ics",
        "http://0.0.0.0:9/cal.ics",
    ],
)
def test_loopback_private_and_link_local_hosts_are_refused(url):
    with pytest.raises(FetchFailed, match="local or private network"):
        get(url, allow_private=False)


def test_a_name_resolving_to_any_private_address_is_refused(monkeypatch):
    def two_answers(host, port, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", two_answers)
    with pytest.raises(FetchFailed, match="local or private network"):
        get("https://calendar.example.org/cal.ics", allow_private=False)


def test_a_redirect_into_the_local_network_is_checked_again(ics_server, monkeypatch):
    # Treat the test server's address as public, so only the redirect target is private.
    monkeypatch.setattr(fetch_module, "is_public", lambda address: str(address) == "127.0.0.1")
    start = ics_server.serve(
        "/moved.ics", b"", status=302, headers={"Location": "http://10.0.0.9/secret"}
    )
    with pytest.raises(FetchFailed, match=r"10\.0\.0\.9 is a local or private network"):
        get(start, allow_private=False)


def test_redirects_are_followed(ics_server):
    ics_server.serve("/new.ics", BODY)
    old = ics_server.serve("/old.ics", b"", status=301, headers={"Location": "/new.ics"})
    assert get(old) == BODY


def test_a_redirect_loop_stops(ics_server):
    loop = ics_server.serve("/loop.ics", b"", status=302, headers={"Location": "/loop.ics"})
    with pytest.raises(FetchFailed, match="redirected more than 3 times"):
        get(loop)


def test_an_error_status_is_reported(ics_server):
    with pytest.raises(FetchFailed, match="HTTP 404"):
        get(ics_server.url("/missing.ics"))


def test_a_declared_oversized_body_is_refused(ics_server):
    url = ics_server.serve("/big.ics", b"x" * 20_000)
    with pytest.raises(FetchFailed, match="larger than the limit"):
        get(url, max_bytes=10_000)


def test_an_oversized_body_without_a_length_is_cut_off_while_streaming(ics_server):
    def endless(out):
        for _ in range(100):
            out.write(b"x" * 1024)

    url = ics_server.serve(
        "/stream.ics", endless, headers={"Content-Type": "text/calendar", "Connection": "close"}
    )
    with pytest.raises(FetchFailed, match="larger than the limit"):
        get(url, max_bytes=10_000)


def test_a_server_that_does_not_answer_times_out():
    quiet = socket.socket()
    quiet.bind(("127.0.0.1", 0))
    quiet.listen(1)  # accepts the connection, never answers
    try:
        with pytest.raises(FetchFailed, match=r"took longer than 0\.5 s"):
            get(f"http://127.0.0.1:{quiet.getsockname()[1]}/cal.ics", timeout=0.5)
    finally:
        quiet.close()


class DripServer:
    """A server on 127.0.0.1 that answers one byte a second: the status line and headers
    too (`headers_first=False`), or a proper head and then the body."""

    def __init__(self, *, headers_first: bool) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\n\r\n"
        self.prefix = head if headers_first else b""
        self.drip = BODY * 10 if headers_first else head + BODY
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/slow.ics"

    def serve(self) -> None:
        connection, _ = self.listener.accept()
        with connection:
            connection.recv(65536)
            try:
                connection.sendall(self.prefix)
                for byte in self.drip:
                    if self.stop.wait(1):
                        return
                    connection.sendall(bytes([byte]))
            except OSError:
                return  # the client gave up, as it should

    def close(self) -> None:
        self.stop.set()
        self.listener.close()
        self.thread.join(timeout=5)


@pytest.mark.parametrize("headers_first", [True, False], ids=["slow body", "slow headers"])
def test_one_deadline_covers_connecting_and_downloading(headers_first):
    server = DripServer(headers_first=headers_first)
    started = time.monotonic()
    try:
        with pytest.raises(FetchFailed, match=r"took longer than 1\.5 s"):
            get(server.url, timeout=1.5)
    finally:
        elapsed = time.monotonic() - started
        server.close()
    # One byte a second arrives well inside any per-read timeout: only an overall deadline
    # stops it, at the limit (without one, this read would take minutes).
    assert 1.4 <= elapsed < 10


def test_an_unknown_host_is_reported():
    with pytest.raises(FetchFailed, match="could not be found"):
        get("https://no-such-host.invalid/cal.ics", allow_private=False)


# --- IPv6 forms that carry an IPv4 address ------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "address"),
    [
        ("NAT64 well-known prefix", "64:ff9b::7f00:1"),
        ("NAT64 well-known prefix", "64:ff9b::a00:5"),
        ("NAT64 local-use prefix", "64:ff9b:1::7f00:1"),
        ("6to4", "2002:7f00:1::"),
        ("6to4", "2002:c0a8:a::1"),
        ("Teredo", "2001:0:4136:e378:8000:63bf:80ff:fffe"),
        ("Teredo", "2001:0:a00:1::"),
        ("IPv4-mapped", "::ffff:127.0.0.1"),
        ("IPv4-mapped", "::ffff:a9fe:a9fe"),
        ("IPv4-compatible", "::7f00:1"),
        ("IPv4-compatible", "::192.168.0.10"),
    ],
)
def test_ipv6_forms_embedding_a_private_or_loopback_ipv4_address_are_refused(form, address):
    assert fetch_module.is_public(ipaddress.ip_address(address)) is False, form
    with pytest.raises(FetchFailed, match="local or private network"):
        get(f"http://[{address}]:9/cal.ics", allow_private=False)


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b:1:ffff::808:808",  # local-use NAT64: inside some network, never public
        "::8.8.8.8",  # IPv4-compatible: deprecated (RFC 4291), never routed
        "::",
    ],
)
def test_local_use_nat64_and_ipv4_compatible_forms_are_refused_whatever_they_embed(address):
    assert fetch_module.is_public(ipaddress.ip_address(address)) is False


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::808:808",  # NAT64 of 8.8.8.8
        "2002:808:808::1",  # 6to4 of 8.8.8.8
        "::ffff:8.8.8.8",
        "2a00:1450:4009:81f::200e",
    ],
)
def test_ipv6_forms_of_public_addresses_pass_the_check(address):
    assert fetch_module.is_public(ipaddress.ip_address(address)) is True


def test_a_server_without_working_tls_is_reported(ics_server):
    plain = ics_server.serve("/cal.ics", BODY).replace("http://", "https://")
    with pytest.raises(FetchFailed, match="secure connection could not be verified"):
        get(plain)
