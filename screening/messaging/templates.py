"""The wording of texts: one variant per purpose, language and easy read, and the values a
visit gives its placeholders."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import NamedTuple

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from screening import fixed_sql as sql
from screening.messaging.text import (
    check_template,
    local_date_words,
    local_time_words,
    masked_url,
)
from screening.models import (
    MessagePurpose,
    MessageStatus,
    MessageTemplate,
    Visit,
    YoungPerson,
)

logger = logging.getLogger(__name__)

P = MessagePurpose
S = MessageStatus


def message_template_save(
    *, purpose: str, language: str, easy_read: bool, body: str, by: User | None = None
) -> MessageTemplate:
    """Create or replace the wording of one variant; raises ValidationError naming `body`."""
    check_template(purpose=purpose, body=body, language=language)
    template, _ = MessageTemplate.objects.update_or_create(
        purpose=purpose,
        language=language,
        easy_read=easy_read,
        defaults={"body": body, "updated_at": timezone.now(), "updated_by": by},
    )
    return template


class Wording(NamedTuple):
    """One message template's wording, as planning reads it."""

    id: int
    purpose: str
    language: str
    easy_read: bool
    body: str


def wordings_for(purposes: Iterable[str], language: str) -> dict[tuple[str, str, bool], Wording]:
    """Wordings by (purpose, language, easy read), of the given purposes in the given
    language and in English (the fallback)."""
    rows = sql.fetch(
        "SELECT id, purpose, language, easy_read, body FROM screening_messagetemplate "
        "WHERE purpose IN (%s) AND language IN (%s)",
        [sql.Many(set(purposes)), sql.Many({language, "en"})],
    )
    return {
        (purpose, lang, sql.flag(easy)): Wording(pk, purpose, lang, sql.flag(easy), body)
        for pk, purpose, lang, easy, body in rows
    }


def pick_wording(templates, purpose: str, language: str, easy_read: bool) -> Wording | None:
    for key in [
        (purpose, language, easy_read),
        (purpose, language, False),
        (purpose, "en", easy_read),
        (purpose, "en", False),
    ]:
        if key in templates:
            return templates[key]
    return None


def placeholder_values(
    *, person: YoungPerson, start: dt.datetime, visit: Visit, language: str
) -> dict:
    """The values of a text's placeholders; `link` is the reply link with its token masked
    (filled in as the text is sent)."""
    return {
        "link": masked_url(),
        "service": settings.SMS_SERVICE_NAME,
        "first_name": person.given_name,
        "date": local_date_words(start, language),
        "time": local_time_words(start, language),
        "place": visit.venue.name_for_texts,
    }
