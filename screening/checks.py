"""Start-up checks of settings the texts depend on."""

from __future__ import annotations

from django.core import checks

from screening.messaging.text import link_base
from screening.wording import forbidden_words_in


@checks.register()
def reply_link_address_is_neutral(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The reply link's address is in every text, so it follows the texts' wording rules
    (DESIGN.md rule 7): otherwise every text carrying it would be held."""
    bad = forbidden_words_in(link_base())
    if not bad:
        return []
    return [
        checks.Error(
            f"The reply link's address {link_base()!r} mentions {', '.join(bad)}; it goes into "
            "every text, which would then be held.",
            hint="Set REPLY_LINK_BASE_URL to a neutral address serving this site.",
            id="screening.E001",
        )
    ]
