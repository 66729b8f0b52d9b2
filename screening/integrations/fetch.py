"""Fetch a calendar from a URL a practitioner gave, safely.

Only http and https (webcal is https by another name). The host is resolved once, every
address it resolves to is checked, and the connection goes to the checked address (TLS
still verifies the certificate for the host name), so a DNS answer that changes between
the check and the connection cannot point the request inside the network. Unless private
addresses are allowed (development only), loopback, private, link-local, multicast and
reserved addresses are refused, and so are IPv6 forms that embed such an IPv4 address.
Redirects are followed by hand, each one checked again. The body is read in chunks and
abandoned past the size limit. One deadline covers the whole fetch (name lookup,
connection, headers, body, redirects): a server that sends a byte at a time is cut off
at the limit, not after it.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3
import urllib3.connection

REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024


class FetchFailed(Exception):
    """The calendar could not be fetched; the message says why, for the practitioner."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str


def target_of(url: str) -> Target:
    """Check the shape of a calendar URL; raises FetchFailed."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise FetchFailed(f"This is not a valid address: {error}.") from error
    scheme = parts.scheme.lower()
    if scheme == "webcal":
        scheme = "https"
    if scheme not in {"http", "https"}:
        raise FetchFailed("Only http and https calendar addresses can be used.")
    if not parts.hostname:
        raise FetchFailed("The address has no host name.")
    if parts.username or parts.password:
        raise FetchFailed("Addresses with a user name or password in them are not accepted.")
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    return Target(
        scheme=scheme,
        host=parts.hostname,
        port=port or (443 if scheme == "https" else 80),
        path=path,
    )


# IPv6 ranges that carry an IPv4 address: a NAT64 gateway or a 6to4/Teredo relay would
# take a connection to it on to that IPv4 address, so it must be public too.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052 well-known prefix
# Never public, whatever they embed: local-use NAT64 (RFC 8215) points into some operator's
# own network, and IPv4-compatible addresses (RFC 4291) are deprecated and never routed.
NEVER_PUBLIC = (ipaddress.IPv6Network("64:ff9b:1::/48"), ipaddress.IPv6Network("::/96"))


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses a connection to this IPv6 address would reach."""
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    if address in NAT64:
        return [ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)]
    if address.sixtofour is not None:
        return [address.sixtofour]
    if address.teredo is not None:
        return list(address.teredo)  # the relay server and the client behind it
    return []


def _public_ipv4(address: ipaddress.IPv4Address) -> bool:
    return address.is_global and not address.is_multicast


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """A public unicast address; an IPv6 form that embeds an IPv4 address (NAT64, 6to4,
    Teredo, IPv4-mapped) is public only when each address it embeds is."""
    if isinstance(address, ipaddress.IPv4Address):
        return _public_ipv4(address)
    if any(address in network for network in NEVER_PUBLIC):
        return False
    embedded = _embedded_ipv4(address)
    if embedded:
        return all(_public_ipv4(a) for a in embedded)
    return address.is_global and not address.is_multicast


def _private_host(host: str) -> FetchFailed:
    return FetchFailed(
        f"The host {host} is a local or private network address; only public "
        "calendar addresses can be used."
    )


def check_address_form(url: str, *, allow_private: bool) -> Target:
    """What can be checked of a calendar URL without the network: its shape, and a host
    written as an IP address must be public. Raises FetchFailed."""
    target = target_of(url)
    try:
        literal = ipaddress.ip_address(target.host)
    except ValueError:
        return target  # a name: checked when it is resolved
    if not allow_private and not is_public(literal):
        raise _private_host(target.host)
    return target


class _TimeUp(Exception):
    """The fetch's one deadline passed."""


def _getaddrinfo_within(target: Target, seconds: float) -> list:
    """getaddrinfo has no timeout of its own: ask on a helper thread and stop waiting at
    the deadline (the thread ends when the resolver gives up)."""
    answer: list = []

    def ask() -> None:
        try:
            answer.append(socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as error:
            answer.append(error)

    helper = threading.Thread(target=ask, name="calendar-dns", daemon=True)
    helper.start()
    helper.join(max(seconds, 0))
    if not answer:
        raise _TimeUp
    if isinstance(answer[0], Exception):
        raise FetchFailed(f"The host {target.host} could not be found.") from answer[0]
    return answer[0]


def resolve(target: Target, *, allow_private: bool, seconds: float = 10) -> str:
    """The address to connect to; every address the name resolves to must be public."""
    infos = _getaddrinfo_within(target, seconds)
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise FetchFailed(f"The host {target.host} could not be found.")
    if not allow_private and not all(is_public(a) for a in addresses):
        raise _private_host(target.host)
    return str(addresses[0])


class _Watchdog:
    """One deadline for a whole fetch: resolving, connecting, TLS, headers, body and every
    redirect. Per-read timeouts alone let a server that sends a byte at a time hold a read
    open for ever, so at the deadline the watchdog shuts down every socket it was given,
    which ends whatever read is waiting on it."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.expired = threading.Event()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(max(seconds, 0), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0 or self.expired.is_set():
            raise _TimeUp
        return left

    def watch(self, sock: socket.socket) -> None:
        # A duplicate of the socket: shutting it down ends reads on the original, and its
        # own descriptor cannot be reused by another connection before we close it.
        guard = sock.dup()
        with self._lock:
            self._sockets.append(guard)
            if self.expired.is_set():
                _shut(guard)

    def _expire(self) -> None:
        with self._lock:
            self.expired.set()
            for guard in self._sockets:
                _shut(guard)

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            for guard in self._sockets:
                guard.close()
            self._sockets.clear()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the other side
        sock.shutdown(socket.SHUT_RDWR)


class _Watched:
    """A connection whose socket the fetch's watchdog can shut down."""

    watchdog: _Watchdog

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()  # type: ignore[misc]
        self.watchdog.watch(sock)
        return sock


class _HTTPConnection(_Watched, urllib3.connection.HTTPConnection):
    pass


class _HTTPSConnection(_Watched, urllib3.connection.HTTPSConnection):
    pass


def _connection(
    target: Target, address: str, watchdog: _Watchdog
) -> urllib3.connection.HTTPConnection:
    timeout = watchdog.remaining()  # also the limit of each read
    connection: urllib3.connection.HTTPConnection
    if target.scheme == "https":
        connection = _HTTPSConnection(
            address,
            target.port,
            timeout=timeout,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
        )
    else:
        connection = _HTTPConnection(address, target.port, timeout=timeout)
    connection.watchdog = watchdog
    return connection


def fetch(
    url: str,
    *,
    max_bytes: int,
    timeout: float,
    allow_private: bool,
    max_redirects: int = 3,
) -> bytes:
    """The body of a calendar URL, all of it (redirects included) within `timeout`
    seconds; raises FetchFailed with a reason a person can act on."""
    watchdog = _Watchdog(timeout)
    try:
        for _ in range(max_redirects + 1):
            body, location = _get(
                url, max_bytes=max_bytes, allow_private=allow_private, watchdog=watchdog
            )
            if location is None:
                return body
            url = urljoin(url, location)
    except _TimeUp as error:
        raise FetchFailed(f"The calendar took longer than {timeout:g} s to load.") from error
    finally:
        watchdog.close()
    raise FetchFailed(f"The calendar address redirected more than {max_redirects} times.")


def _get(
    url: str, *, max_bytes: int, allow_private: bool, watchdog: _Watchdog
) -> tuple[bytes, str | None]:
    """One request: (body, None), or (b"", where it redirects to)."""
    target = target_of(url)
    address = resolve(target, allow_private=allow_private, seconds=watchdog.remaining())
    default_port = 443 if target.scheme == "https" else 80
    host_header = target.host if target.port == default_port else f"{target.host}:{target.port}"
    headers = {
        "Host": host_header,
        "Accept": "text/calendar, */*;q=0.5",
        "User-Agent": "one-visit-screening-calendar-import/1",
    }
    connection = _connection(target, address, watchdog)
    try:
        connection.request("GET", target.path, headers=headers, preload_content=False)
        response = connection.getresponse()
        if response.status in REDIRECTS:
            location = response.headers.get("Location")
            if not location:
                raise FetchFailed("The calendar address redirected nowhere.")
            return b"", location
        if response.status != 200:
            raise FetchFailed(f"The calendar address answered HTTP {response.status}.")
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise FetchFailed(too_big(max_bytes))
        body = bytearray()
        for chunk in response.stream(CHUNK):
            watchdog.remaining()
            body += chunk
            if len(body) > max_bytes:
                raise FetchFailed(too_big(max_bytes))
        # A socket shut down at the deadline reads as the end of the body: not a calendar.
        watchdog.remaining()
        return bytes(body), None
    except FetchFailed:
        raise
    except (urllib3.exceptions.HTTPError, OSError, http.client.HTTPException) as error:
        if watchdog.expired.is_set() or _timed_out(error):
            raise _TimeUp from error
        raise FetchFailed(f"The calendar could not be loaded: {_reason(error)}") from error
    finally:
        connection.close()


def _timed_out(error: BaseException) -> bool:
    """Each read's own limit is the time left, so its timing out is the deadline too."""
    while error is not None:
        if isinstance(error, urllib3.exceptions.TimeoutError | TimeoutError):
            return True
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    return False


def too_big(max_bytes: int) -> str:
    return f"The calendar is larger than the limit of {max_bytes // 1024} KB."


def _reason(error: Exception) -> str:
    if isinstance(error, urllib3.exceptions.SSLError | ssl.SSLError):
        return "its secure connection could not be verified."
    if isinstance(error, urllib3.exceptions.NewConnectionError):
        return "the server refused the connection."
    return error.__class__.__name__ + "."
