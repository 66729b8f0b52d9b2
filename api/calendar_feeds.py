"""iCalendar feeds for calendar apps: /calendars/practitioners/{id}.ics?token= and
/calendars/rooms/{id}.ics?token=. The token in the address is the only credential (calendar
apps cannot log in); a wrong, missing or rotated token, or an unknown id, answers a plain
404 that does not say which."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.views.decorators.http import require_safe

from screening.calendars.feeds import (
    practitioner_feed,
    practitioner_for_feed,
    room_feed,
    room_for_feed,
)


def _not_found() -> HttpResponse:
    return HttpResponseNotFound("Not found.", content_type="text/plain; charset=utf-8")


def _calendar(body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    # The address is a secret: shared caches must not keep the feed.
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = 'inline; filename="screening.ics"'
    return response


@require_safe
def practitioner_calendar(request: HttpRequest, practitioner_id: int) -> HttpResponse:
    practitioner = practitioner_for_feed(
        practitioner_id=practitioner_id, token=request.GET.get("token", "")
    )
    if practitioner is None:
        return _not_found()
    return _calendar(practitioner_feed(practitioner=practitioner))


@require_safe
def room_calendar(request: HttpRequest, room_id: int) -> HttpResponse:
    room = room_for_feed(room_id=room_id, token=request.GET.get("token", ""))
    if room is None:
        return _not_found()
    return _calendar(room_feed(room=room))
