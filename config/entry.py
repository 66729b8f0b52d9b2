"""What the web entry points check before serving."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key() -> None:
    """Serving signs sessions, CSRF tokens and booking choices: never with a made-up key."""
    if not settings.DEBUG and not settings.SECRET_KEY_GIVEN:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
