"""Organisation sign-in pages: the start (to the provider, with state, nonce and PKCE), the
callback (back from it), and a clear page for every refusal, each refusal audited."""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.contrib.auth import login
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from accounts.oidc import SSO_BACKEND, OrganisationBackend, ProviderAnswerRefused, endpoint
from accounts.sso import SignInRefused, refusal_record

log = logging.getLogger(__name__)
STATES = "oidc_states"
NEXT = "oidc_login_next"
NOT_VERIFIED = _(
    "Your organisation's sign-in could not be checked, so you have not been signed in. "
    "Start again from the sign-in page."
)
NOT_COMPLETED = _(
    "Your organisation's sign-in did not complete, so you have not been signed in. "
    "Start again from the sign-in page."
)
UNREACHABLE = _(
    "Your organisation's sign-in service cannot be reached just now. Try again "
    "in a few minutes, or tell your system administrator."
)


def _enabled() -> None:
    if not settings.OIDC_ENABLED:
        raise Http404


class SignInStart(OIDCAuthenticationRequestView):
    """Send the browser to the provider's authorisation endpoint."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request: HttpRequest) -> HttpResponse:
        _enabled()
        try:
            self.OIDC_OP_AUTH_ENDPOINT = endpoint("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except (requests.RequestException, ValueError, ImproperlyConfigured) as exc:
            log.warning("organisation sign-in: provider discovery failed: %s", exc)
            return _refused_page(request, UNREACHABLE, status=503)
        return super().get(request)


def _refused_page(request: HttpRequest, message: object, *, status: int = 403, pending: str = ""):
    return render(
        request,
        "frontend/sso_refused.html",
        {"message": message, "pending": pending},
        status=status,
    )


def _refuse(request: HttpRequest, why: str, message: object = NOT_VERIFIED) -> HttpResponse:
    """A callback that proves nobody: recorded with what was wrong, and a page saying so."""
    log.warning("organisation sign-in refused: %s", why)
    refusal_record(claims={}, user=None, why=why)
    return _refused_page(request, message)


def sign_in_callback(request: HttpRequest) -> HttpResponse:
    """Back from the provider: the state must be one this browser started with (each used
    once), then the code is exchanged and the ID token checked (accounts/oidc.py)."""
    _enabled()
    states = request.session.get(STATES)
    state, code = request.GET.get("state", ""), request.GET.get("code", "")
    if request.GET.get("error"):
        entry = states.pop(state, None) if isinstance(states, dict) else None
        if entry is not None:
            request.session[STATES] = states
        description = request.GET.get("error_description", "")[:200]
        return _refuse(
            request,
            f"the provider answered {request.GET['error'][:50]}: {description}",
            NOT_COMPLETED,
        )
    if not isinstance(states, dict) or not state or state not in states or not code:
        # Logged, not written to the trail: anyone can send this address anything, and only
        # a callback carrying a state this browser was given has got as far as a sign-in.
        log.warning("organisation sign-in refused: the state is not one this browser started")
        return _refused_page(request, NOT_VERIFIED)
    entry = states.pop(state)
    request.session[STATES] = states  # used once, whatever follows
    request.session.save()
    try:
        user = OrganisationBackend().authenticate(
            request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
        )
    except SignInRefused as refusal:  # already recorded with the login's details
        return _refused_page(request, refusal.shown(), pending=refusal.pending)
    except (SuspiciousOperation, ProviderAnswerRefused) as exc:
        return _refuse(request, str(exc)[:250])
    except (requests.RequestException, ValueError, ImproperlyConfigured) as exc:
        return _refuse(request, f"the provider could not be asked: {str(exc)[:200]}")
    if user is None or not user.is_active:
        return _refuse(request, "the provider's answer named no login")
    target = request.session.get(NEXT) or ""
    login(request, user, backend=SSO_BACKEND)
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = settings.LOGIN_REDIRECT_URL
    return redirect(target)
