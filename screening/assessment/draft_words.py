"""The words a draft keeps in English, said again in the reader's language: the default
draft layout's section titles, and the reasons an agency is missing. A draft's sections
keep their title as the layout gave it, in English (DraftSection.title: stored, never
rewritten); pages and the Word document word a title of the default layout
(layouts/layout-v1.json) again in the active language. A title a system administrator
wrote for another layout has no Welsh and is shown as written (docs/decisions/0021)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext, gettext_noop

from agencies.local_time import EN_MONTHS, date_words_here

DEFAULT_SECTION_TITLES = frozenset(
    (
        gettext_noop("Communication needs"),
        gettext_noop("Living arrangements"),
        gettext_noop("Family and personal relationships"),
        gettext_noop("Education, training and employment"),
        gettext_noop("Neighbourhood"),
        gettext_noop("Lifestyle"),
        gettext_noop("Substance use"),
        gettext_noop("Physical health"),
        gettext_noop("Emotional and mental health"),
        gettext_noop("Perception of self and others"),
        gettext_noop("Thinking and behaviour"),
        gettext_noop("Attitudes to offending"),
        gettext_noop("Motivation to change"),
        gettext_noop("Indicators of vulnerability"),
        gettext_noop("Indicators of serious harm to others and victim safety"),
        gettext_noop("Positive factors"),
        gettext_noop("Other findings"),  # the merge's own (merge.OTHER_SECTION)
    )
)


def section_title_here(title: str) -> str:
    """A draft section's stored title in the active language: the default layout's titles
    are translated, any other as written."""
    return gettext(title) if title in DEFAULT_SECTION_TITLES else title


# The agencies a draft still lacks (drafts.missing_agencies) carry their reason's code and
# its words in English, as the API gives them (and as a signed-off draft stores them); a
# page or the Word document says them again in the active language from the English.
_DAY = r"(?P<day>\d{1,2} [A-Z][a-z]+ \d{4})"
_MISSING = {
    "not_booked": (re.compile(r"No session booked yet\."), gettext_noop("No session booked yet.")),
    "did_not_attend": (
        re.compile(rf"The young person did not attend on {_DAY} \((?P<reason>.*)\)\.", re.S),
        gettext_noop("The young person did not attend on %(day)s (%(reason)s)."),
    ),
    "did_not_attend_no_reason": (
        re.compile(rf"The young person did not attend on {_DAY}\."),
        gettext_noop("The young person did not attend on %(day)s."),
    ),
    "visit_booked": (
        re.compile(rf"Session booked for {_DAY}\."),
        gettext_noop("Session booked for %(day)s."),
    ),
    "overdue": (
        re.compile(rf"Overdue: findings were due on {_DAY}\."),
        gettext_noop("Overdue: findings were due on %(day)s."),
    ),
    "not_submitted": (
        re.compile(rf"Not yet submitted \(due {_DAY}\)\."),
        gettext_noop("Not yet submitted (due %(day)s)."),
    ),
}
_MONTHS = {name: number for number, name in enumerate(EN_MONTHS, start=1)}


def _day_here(words: str) -> str | None:
    day, month, year = words.split(" ")
    if month not in _MONTHS:
        return None
    try:
        return date_words_here(dt.date(int(year), _MONTHS[month], int(day)))
    except ValueError:
        return None


def missing_text_here(item: Mapping[str, Any]) -> str:
    """A missing agency's reason in the active language; a text of any other shape (or
    a reason the service no longer writes) as stored."""
    text = str(item.get("text") or "")
    reason = item.get("reason")
    keys = [reason, f"{reason}_no_reason"] if reason == "did_not_attend" else [reason]
    for key in keys:
        pattern, msgid = _MISSING.get(key, (None, ""))
        found = pattern.fullmatch(text) if pattern else None
        if found is None:
            continue
        parts = found.groupdict()
        if "day" in parts:
            parts["day"] = _day_here(parts["day"])
            if parts["day"] is None:
                return text
        return gettext(msgid) % parts
    return text
