"""Fetch a calendar from a URL a practitioner gave, safely.

Only http and https (webcal is https by another name). The host is resolved once, every
address it resolves to is checked, and the connection goes to the checked address (TLS
still verifies the certificate for the host name), so a DNS answer that changes between
the check and the connection cannot point the request inside the network. Unless private
addresses are allowed (development only), loopback, private, link-local, multicast and
reserved addresses are refused, and so are IPv6 forms that embed such an IPv4 address.
Redirects are followed by hand, each one checked again. The body is read in chunks and
abandoned past the size limit or the time limit.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3

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


def resolve(target: Target, *, allow_private: bool) -> str:
    """The address to connect to; every address the name resolves to must be public."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchFailed(f"The host {target.host} could not be found.") from error
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise FetchFailed(f"The host {target.host} could not be found.")
    if not allow_private and not all(is_public(a) for a in addresses):
        raise FetchFailed(
            f"The host {target.host} is a local or private network address; only public "
            "calendar addresses can be used."
        )
    return str(addresses[0])


def _pool(target: Target, address: str, timeout: float) -> urllib3.HTTPConnectionPool:
    limits = urllib3.Timeout(connect=timeout, read=timeout)
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            target.port,
            timeout=limits,
            retries=False,
            maxsize=1,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
        )
    return urllib3.HTTPConnectionPool(
        address, target.port, timeout=limits, retries=False, maxsize=1
    )


def fetch(
    url: str,
    *,
    max_bytes: int,
    timeout: float,
    allow_private: bool,
    max_redirects: int = 3,
) -> bytes:
    """The body of a calendar URL; raises FetchFailed with a reason a person can act on."""
    deadline = time.monotonic() + timeout
    for _ in range(max_redirects + 1):
        target = target_of(url)
        address = resolve(target, allow_private=allow_private)
        default_port = 443 if target.scheme == "https" else 80
        host_header = target.host if target.port == default_port else f"{target.host}:{target.port}"
        headers = {
            "Host": host_header,
            "Accept": "text/calendar, */*;q=0.5",
            "User-Agent": "one-visit-screening-calendar-import/1",
        }
        pool = _pool(target, address, timeout)
        try:
            response = pool.urlopen(
                "GET",
                target.path,
                headers=headers,
                redirect=False,
                retries=False,
                preload_content=False,
                assert_same_host=False,
            )
            try:
                if response.status in REDIRECTS:
                    location = response.headers.get("Location")
                    if not location:
                        raise FetchFailed("The calendar address redirected nowhere.")
                    url = urljoin(url, location)
                    continue
                if response.status != 200:
                    raise FetchFailed(f"The calendar address answered HTTP {response.status}.")
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise FetchFailed(too_big(max_bytes))
                body = bytearray()
                for chunk in response.stream(CHUNK):
                    body += chunk
                    if len(body) > max_bytes:
                        raise FetchFailed(too_big(max_bytes))
                    if time.monotonic() > deadline:
                        raise FetchFailed(f"The calendar took longer than {timeout:g} s to load.")
                return bytes(body)
            finally:
                response.release_conn()
        except FetchFailed:
            raise
        except (urllib3.exceptions.HTTPError, OSError) as error:
            raise FetchFailed(f"The calendar could not be loaded: {_reason(error)}") from error
        finally:
            pool.close()
    raise FetchFailed(f"The calendar address redirected more than {max_redirects} times.")


def too_big(max_bytes: int) -> str:
    return f"The calendar is larger than the limit of {max_bytes // 1024} KB."


def _reason(error: Exception) -> str:
    if isinstance(error, urllib3.exceptions.TimeoutError):
        return "it did not answer in time."
    if isinstance(error, urllib3.exceptions.SSLError):
        return "its secure connection could not be verified."
    if isinstance(error, urllib3.exceptions.NewConnectionError):
        return "the server refused the connection."
    return error.__class__.__name__ + "."
