"""The language switcher's target: Django's set_language (the cookie, back to the page),
and for a signed-in person their choice kept on their login as well, so their emails and
calendar invites are written in it (docs/decisions/0021)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.i18n import set_language

from accounts.services import user_language_set


def language_set(request: HttpRequest) -> HttpResponse:
    response = set_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and response.cookies.get(settings.LANGUAGE_COOKIE_NAME) is not None
    ):
        user_language_set(user=request.user, language=language)
    return response
