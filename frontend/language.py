"""The language switcher's target: Django's set_language (the cookie, back to the page),
and for a signed-in person their choice kept on their login as well, so their emails and
calendar invites are written in it (docs/decisions/0021). Signing in (with a password or
the organisation's account) applies the saved choice: the language cookie is set from it,
so a person on a new browser reads the service in their language without the switcher."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.views.i18n import set_language

from accounts.services import user_language_set

SIGNED_IN_LANGUAGE = "_signed_in_language"  # set on the request by the sign-in signal


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


def set_language_cookie(response: HttpResponse, language: str) -> None:
    """The language cookie as Django's set_language writes it."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@receiver(user_logged_in, dispatch_uid="frontend.language.saved_language_at_sign_in")
def saved_language_at_sign_in(sender: object, request: HttpRequest | None, user, **kwargs) -> None:
    """Note the login's saved language on the request; SignedInLanguageMiddleware puts it
    in the response's cookie. A login that never chose keeps the browser's language."""
    chosen = getattr(user, "language", "")
    if request is not None and chosen in dict(settings.LANGUAGES):
        setattr(request, SIGNED_IN_LANGUAGE, chosen)


class SignedInLanguageMiddleware:
    """Sets the language cookie from the saved choice on the response that signs a person
    in (the redirect to their home), so every page after it is in their language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        language = getattr(request, SIGNED_IN_LANGUAGE, "")
        if language:
            set_language_cookie(response, language)
        return response
