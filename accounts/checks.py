"""System checks: organisation sign-in's role map must name real roles, checked when the site
starts (`manage.py check`, `scripts/serve`) rather than at someone's first sign-in."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.security)
def check_role_map(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """OIDC_ROLE_MAP parses, when organisation sign-in is on."""
    if not settings.OIDC_ENABLED:
        return []
    from accounts.sso import role_map

    try:
        role_map()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="accounts.E001")]
    return []
