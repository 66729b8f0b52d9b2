"""Browser sessions end after SESSION_IDLE_SECONDS without a request; every response says
what the browser may run (Content-Security-Policy)."""

from __future__ import annotations

import functools
import secrets
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation

from accounts.oidc import passwords_allowed_for, signed_in_by_organisation
from accounts.two_factor import two_factor_required

LAST_SEEN = "last_seen"
TIMED_OUT = "signed_out_idle"


@functools.cache
def _status_path() -> str:
    return reverse("frontend:session_status")


def idle_seconds_left(request: HttpRequest) -> int:
    """Seconds before the signed-in user's session ends for want of activity."""
    last = request.session.get(LAST_SEEN)
    if last is None:
        return settings.SESSION_IDLE_SECONDS
    return max(0, settings.SESSION_IDLE_SECONDS - (int(time.time()) - int(last)))


class IdleTimeoutMiddleware:
    """Sign a session user out when their last request was longer ago than the idle limit,
    and leave a note so the sign-in page can say why. Asking how long is left (the
    warning's check) is not activity and does not restart the clock."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            if session.get(LAST_SEEN) is not None and idle_seconds_left(request) == 0:
                logout(request)
                request.session[TIMED_OUT] = True
            elif request.path != _status_path():
                request.session[LAST_SEEN] = int(time.time())
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Send a Content-Security-Policy with every response: scripts, styles, images, fonts
    and requests from this site only, no inline script or style, and no framing. The two
    inline scripts the pages need (frontend/base.html) carry `request.csp_nonce`, new for
    every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.csp_nonce = secrets.token_urlsafe(18)
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", content_security_policy(request.csp_nonce))
        return response


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            # GOV.UK Frontend's stylesheet draws a few icons from data: addresses.
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class TwoFactorSessionMiddleware:
    """A browser session signed in without a two-factor code ends once a code is required of
    its user (REQUIRE_TWO_FACTOR turned on, or an authenticator app set up since), as API
    tokens issued without one stop working (api/authentication.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if signed_in_by_organisation(request):
                pass  # the organisation's provider asked for its own second factor
            elif not passwords_allowed_for(user) or (
                not user.is_verified() and two_factor_required(user=user)
            ):
                # A password session from before passwords were turned off for this login
                # ends too.
                logout(request)
        return self.get_response(request)


class EnglishApiMiddleware:
    """The API speaks English whatever the caller's Accept-Language or language cookie:
    partner systems read its labels and errors (docs/decisions/0021). Runs after
    LocaleMiddleware, which has chosen the pages' language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return self.get_response(request)
