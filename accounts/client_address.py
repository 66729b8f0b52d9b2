"""Who is on the other end of a request: the one rule that throttling (api/throttles.py) and
the sign-in lockout (django-axes, AXES_CLIENT_IP_CALLABLE) share.

`X-Forwarded-For` is believed only when the request came from one of TRUSTED_PROXIES, and
then only as far as the chain of trusted proxies goes: read from the right, the first
address that is not a trusted proxy is the client. Anything a client writes into the header
itself sits to the left of that and is ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> list[Network]:
    """Addresses or networks (`10.0.0.5`, `10.0.0.0/8`, `2001:db8::/32`); raises ValueError
    naming the first that is neither."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"{value!r} is not an IP address or network") from exc
    return networks


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address, networks: list[Network]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind trusted proxies the nearest address in
    X-Forwarded-For that is not one of them."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = parse_networks(settings.TRUSTED_PROXIES)
    if not _trusted(_address(remote), networks):
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = remote
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # not written by a proxy we trust: stop at the last address we can believe
        client = str(address)
        if not _trusted(address, networks):
            break
    return client
