"""The OpenID Connect relying party (mozilla-django-oidc) and the password rule beside it.

The library's backend is kept for the code exchange and the JWKS lookup; the ID token is
checked more strictly than it does (issuer, audience, authorised party, expiry and issue time
required, one algorithm), the userinfo answer must be about the same subject, and the login
and role come from accounts.sso. Endpoints come from the settings, or from the issuer's
discovery document, read once per process. While organisation sign-in is on and LOCAL_PASSWORDS
is off, only system administrators (the break-glass logins) may use a password, with two-factor.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping

import jwt
import requests
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.models import Role, User
from accounts.sso import SignInRefused, sso_sign_in

SSO_BACKEND = "accounts.oidc.OrganisationBackend"
PASSWORD_BACKEND = "accounts.oidc.PasswordBackend"
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def passwords_allowed_for(user: User) -> bool:
    """A password signs this login in: always while LOCAL_PASSWORDS is on, and otherwise only
    for a system administrator's (break-glass) login."""
    return settings.LOCAL_PASSWORDS or user.role == Role.SYSTEM_ADMIN


def signed_in_by_organisation(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return session is not None and session.get(BACKEND_SESSION_KEY) == SSO_BACKEND


class ProviderAnswerRefused(Exception):
    """The provider's answer failed a check after the ID token's (userinfo about another
    subject); treated like SuspiciousOperation."""


class PasswordBackend(ModelBackend):
    """Django's password check, refusing logins that may not use a password now; a right
    password refused that way marks the request (`password_sign_in_off`) so the page and the
    API can say why, which only someone who knows the password learns."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not passwords_allowed_for(user):
            if request is not None:
                request.password_sign_in_off = True
            return None
        return user


@functools.cache
def _discovered(issuer: str) -> dict[str, str]:
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    document = response.json()
    if document.get("issuer") != issuer:
        raise ImproperlyConfigured(
            f"The discovery document at {url} names issuer {document.get('issuer')!r}, "
            f"not OIDC_ISSUER {issuer!r}"
        )
    return document


def endpoint(name: str) -> str:
    """An endpoint of the provider: its setting, or else the issuer's discovery document."""
    value = getattr(settings, name, "")
    if value:
        return value
    found = _discovered(settings.OIDC_ISSUER).get(ENDPOINTS[name], "")
    if not found:
        raise ImproperlyConfigured(f"{name} is not set and the provider does not name it")
    return found


def forget_discovery() -> None:
    _discovered.cache_clear()


class OrganisationBackend(OIDCAuthenticationBackend):
    """The code flow's backend: acts only when called from the callback (with a nonce), never
    for a password, and answers the login accounts.sso gives (SignInRefused passes through)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        # Endpoints are looked up when a sign-in needs them, not when Django lists backends.
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = User

    def __getattr__(self, name: str) -> str:
        if name in ENDPOINTS:
            return endpoint(name)
        raise AttributeError(name)

    def authenticate(self, request, **kwargs):
        if not settings.OIDC_ENABLED or request is None or "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token: str, **kwargs: object) -> dict:
        """The ID token's claims after checking signature, issuer, audience, authorised party,
        expiry, issue time and nonce; raises SuspiciousOperation naming what failed."""
        if not isinstance(token, str) or not token:
            raise SuspiciousOperation("The provider gave no ID token.")
        key = self.retrieve_matching_jwk(token)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_ISSUER,
                leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"The ID token was refused: {exc}") from exc
        if claims["iat"] > time.time() + settings.OIDC_CLOCK_SKEW_SECONDS:
            raise SuspiciousOperation("The ID token was refused: it is issued in the future.")
        audience = claims["aud"]
        several = isinstance(audience, list) and len(audience) > 1
        if several and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("The ID token was refused: it is for another party.")
        if kwargs.get("nonce") is None or claims.get("nonce") != kwargs["nonce"]:
            raise SuspiciousOperation("The ID token was refused: its nonce does not match.")
        return claims

    def retrieve_matching_jwk(self, token: str):
        try:
            return super().retrieve_matching_jwk(token)
        except (jwt.PyJWTError, KeyError, ValueError) as exc:
            raise SuspiciousOperation(f"The ID token was refused: {exc}") from exc

    def get_userinfo(self, access_token: str, id_token: str, payload: Mapping[str, object]):
        """The ID token's claims, with userinfo's added where the token is silent; userinfo
        about another subject is refused (OpenID Connect Core 5.3.4)."""
        info = super().get_userinfo(access_token, id_token, payload)
        if not isinstance(info, Mapping) or info.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The provider's userinfo is about someone else.")
        return {**info, **payload}

    def get_or_create_user(self, access_token, id_token, payload):
        try:
            claims = self.get_userinfo(access_token, id_token, payload)
        except SuspiciousOperation as exc:
            # The library would swallow this one into "no user": keep what was wrong.
            raise ProviderAnswerRefused(str(exc)) from exc
        return sso_sign_in(claims=claims)

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


__all__ = [
    "PASSWORD_BACKEND",
    "SSO_BACKEND",
    "OrganisationBackend",
    "PasswordBackend",
    "ProviderAnswerRefused",
    "SignInRefused",
    "endpoint",
    "passwords_allowed_for",
    "signed_in_by_organisation",
]
