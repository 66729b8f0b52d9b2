"""The young person's own reply page (`/r/{token}`): no sign-in, the link in their texts.

It shows the visit's date, time and place (the venue's name for texts) and offers three
things: confirm, choose another time, ask for a call. It never shows a name, a case
reference or anything of the case; a token that is malformed, unknown or expired answers
404 with no detail, so the page never tells whether a visit exists.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts.client_address import client_ip
from frontend.reply_words import NOT_FOUND, words_for
from screening.booking.reply_times import (
    NotAllowed,
    SlotTaken,
    other_times_for,
    reply_choose_time,
)
from screening.messaging.reply_links import (
    Answer,
    reply_confirm,
    reply_link_resolve,
    reply_request_call,
    token_hash,
)
from screening.messaging.text import local_date_words, local_time_words

WINDOW_SECONDS = 3600


def _headers(response: HttpResponse) -> HttpResponse:
    # Nothing of the address (the token) goes to another site. Not `no-referrer`: browsers
    # then send `Origin: null` with the page's own forms, which CSRF protection refuses.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _page(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    context.setdefault("service_name", settings.SMS_SERVICE_NAME)
    return _headers(render(request, f"frontend/reply/{template}", context, status=status))


def _over_limit(key: str, limit: int) -> bool:
    """Count one request against `key` for the hour; True past `limit`."""
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count > limit


def _throttled(request: HttpRequest, token: str) -> bool:
    by_address = _over_limit(f"reply-ip:{client_ip(request)}", settings.REPLY_LINK_RATE_PER_ADDRESS)
    by_token = _over_limit(
        f"reply-token:{token_hash(token)[:32]}", settings.REPLY_LINK_RATE_PER_TOKEN
    )
    return by_address or by_token


def _both(key: str) -> str:
    """English, then Welsh, for a page shown before the young person's language is known."""
    return f"{words_for('en')[key]} / {words_for('cy')[key]}"


def _when(moment, language: str) -> str:
    return f"{local_date_words(moment, language)}, {local_time_words(moment, language)}"


def _times_context(visit, language: str) -> list[dict]:
    return [
        {"key": t.key, "words": _when(t.start, language), "time": t}
        for t in other_times_for(visit=visit)
    ]


@require_http_methods(["GET", "POST"])
def reply_page(request: HttpRequest, token: str) -> HttpResponse:
    """The reply page of one link; POST `action` = confirm, call, times (show the other
    times) or move (with `time`, one of them)."""
    if _throttled(request, token):
        # Before the link is looked up, so in both languages.
        slow = {"title": _both("slow_title"), "body": _both("slow_body"), "lang": "en"}
        return _page(request, "plain.html", slow, status=429)
    found = reply_link_resolve(token=token)
    if found is None:
        title, body = NOT_FOUND
        return _page(request, "plain.html", {"title": title, "body": body, "lang": "en"}, 404)
    visit = found.visit
    language = visit.case.young_person.language
    w = words_for(language)
    context = {"w": w, "lang": language}
    if found.state == Answer.CHANGED:
        return _page(request, "changed.html", context, status=410)
    context.update(
        when=_when(visit.start, language),
        place=visit.venue.name_for_texts,
    )
    action = request.POST.get("action", "") if request.method == "POST" else ""
    link = found.link
    if action == "confirm":
        reply_confirm(link=link)
        return _page(
            request,
            "done.html",
            {**context, "title": w["confirmed_title"], "body": w["confirmed_body"]},
        )
    if action == "call":
        reply_request_call(link=link)
        return _page(
            request, "done.html", {**context, "title": w["called_title"], "body": w["called_body"]}
        )
    if action == "times" or request.GET.get("times") == "1":
        return _page(request, "times.html", {**context, "times": _times_context(visit, language)})
    if action == "move":
        times = _times_context(visit, language)
        chosen = next((t for t in times if t["key"] == request.POST.get("time")), None)
        if not request.POST.get("time"):
            return _page(
                request, "times.html", {**context, "times": times, "error": w["times_error"]}, 400
            )
        if chosen is None:
            return _page(request, "times.html", {**context, "times": times, "taken": True}, 409)
        try:
            moved = reply_choose_time(link=link, chosen=chosen["time"])
        except (SlotTaken, ValidationError):  # taken meanwhile, or now too soon to book
            times = _times_context(visit, language)
            return _page(request, "times.html", {**context, "times": times, "taken": True}, 409)
        except NotAllowed:
            return _page(request, "changed.html", context, status=410)
        return _page(
            request,
            "done.html",
            {
                **context,
                "title": w["moved_title"],
                "body": w["moved_body"],
                "when": _when(moved.start, language),
                "place": moved.venue.name_for_texts,
            },
        )
    return _page(request, "page.html", context)
