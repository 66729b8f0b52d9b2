"""Browser sessions end after SESSION_IDLE_SECONDS without a request."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

LAST_SEEN = "last_seen"
TIMED_OUT = "signed_out_idle"


class IdleTimeoutMiddleware:
    """Sign a session user out when their last request was longer ago than the idle limit,
    and leave a note so the sign-in page can say why."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            last = session.get(LAST_SEEN)
            if last is not None and now - int(last) > settings.SESSION_IDLE_SECONDS:
                logout(request)
                request.session[TIMED_OUT] = True
            else:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
