"""Token authentication with expiry; a deactivated user's tokens stop working at once, and
so do tokens issued without a two-factor code once two-factor is required of their user."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.models import ApiToken, hash_token_key
from accounts.two_factor import two_factor_required


class ExpiringTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key: str):
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_token_key(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        if token.expires <= timezone.now():
            raise exceptions.AuthenticationFailed("Token has expired; ask for a new one.")
        if not token.two_factor and two_factor_required(user=token.user):
            raise exceptions.AuthenticationFailed(
                "This token was issued without a two-factor code, which is now required: "
                "ask for a new one with a code from your authenticator app."
            )
        return token.user, token


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    target_class = ExpiringTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>` from POST /api/v1/auth/token/",
        }
