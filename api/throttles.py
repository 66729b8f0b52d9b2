"""Throttles keyed on the real client (accounts.client_address), counted in the default
cache, which every web process shares (the database, or Redis with CACHE_URL)."""

from __future__ import annotations

from rest_framework.throttling import ScopedRateThrottle

from accounts.client_address import client_ip


class ClientScopedRateThrottle(ScopedRateThrottle):
    def get_ident(self, request) -> str:
        return client_ip(request._request)
