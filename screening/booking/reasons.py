"""Why a search found no option, or too few: the sentences an admin can act on, worded from
the engine's reasons (screening.scheduling.explain) and the deadline. The options search
(screening/booking/options.py) gives them in `reasons`, worded in the active language:
the page's on the booking page (dates, durations and languages' names in Welsh on a Welsh
page), English for the API (EnglishApiMiddleware) and background jobs. Agencies', rooms'
and venues' names are data and stay as written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from zoneinfo import ZoneInfo

from django.utils.translation import gettext, ngettext

from agencies.languages import language_name_here
from agencies.local_time import day_words_here
from screening.scheduling import expand as ex
from screening.scheduling.explain import Reason


def _length_words(total: int) -> str:
    """45 -> '45 minutes', 60 -> '1 hour', 165 -> '2 hours 45 minutes'."""
    hours, minutes = divmod(total, 60)
    words = []
    if hours:
        words.append(ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours})
    if minutes or not hours:
        words.append(
            ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}
        )
    return " ".join(words)


def deadline_passed_reason(deadline: dt.date) -> str:
    """Why there is nothing before a deadline that has already gone by."""
    return gettext(
        "The deadline of %(day)s has passed: every option is after it, "
        "so say why when you book one."
    ) % {"day": day_words_here(deadline)}


def order_start_reason(start: dt.date) -> str:
    """Why no option comes before the order's start."""
    return gettext(
        "The order starts on %(day)s, so options start from then; "
        "give an earlier first day (not_before) to see earlier ones."
    ) % {"day": day_words_here(start)}


def too_few_reason(found: int, deadline: dt.date, *, per_day: int | None = None) -> str:
    """Why only `found` options (at least one) come before the deadline (`per_day`: the
    options were spread, at most that many a day)."""
    day = day_words_here(deadline)
    if per_day:
        return ngettext(
            "Only %(found)s option before the deadline of %(day)s, at most %(per_day)s a day.",
            "Only %(found)s options before the deadline of %(day)s, at most %(per_day)s a day.",
            found,
        ) % {"found": found, "day": day, "per_day": per_day}
    return ngettext(
        "Only %(found)s option before the deadline of %(day)s.",
        "Only %(found)s options before the deadline of %(day)s.",
        found,
    ) % {"found": found, "day": day}


def render_reason(
    reason: Reason,
    *,
    tz: ZoneInfo,
    deadline: dt.date | None,
    agency_names: Mapping[str, str],
    language: str | None = None,
    place_words: Callable[[int], str] | None = None,
) -> str:
    """A sentence an admin can act on (`language`: the ISO code an interpreter is needed for;
    `place_words`: how to name the place of an engine room id, for a reason the journey
    there causes)."""
    before = (
        gettext("before the deadline of %(day)s") % {"day": day_words_here(deadline)}
        if deadline
        else gettext("in the search window")
    )

    def earliest_day() -> str:
        return day_words_here(ex.from_minutes(reason.earliest).astimezone(tz).date())

    if reason.code == "no_interpreter":
        said = {
            "language": language_name_here(language or ""),
            "length": _length_words(reason.minutes or 0),
            "before": before,
        }
        if reason.earliest is not None:
            return gettext(
                "No %(language)s interpreter is free for %(length)s %(before)s; the earliest "
                "one is free is %(day)s."
            ) % {**said, "day": earliest_day()}
        return gettext("No %(language)s interpreter is free for %(length)s %(before)s.") % said
    if reason.code == "agency_unavailable":
        said = {"agency": agency_names.get(reason.agency or "", reason.agency), "before": before}
        if reason.travel:
            where = place_words(reason.room) if place_words and reason.room is not None else ""
            said["travel"] = _length_words(reason.travel)
            if where:
                said["place"] = where
                text = gettext(
                    "With %(travel)s' travel to %(place)s, no %(agency)s practitioner is free "
                    "%(before)s"
                )
            else:
                text = gettext(
                    "With %(travel)s' travel, no %(agency)s practitioner is free %(before)s"
                )
        else:
            text = gettext("No %(agency)s practitioner is free %(before)s")
        text = text % said
        if reason.earliest is not None:
            text += gettext("; the earliest would be %(day)s") % {"day": earliest_day()}
        return text + "."
    if reason.code == "no_room":
        return gettext("No room is free for %(length)s in a row %(before)s.") % {
            "length": _length_words(reason.minutes or 0),
            "before": before,
        }
    if reason.code == "unavailable_times":
        return gettext(
            "Every time %(before)s clashes with the young person's usual unavailable times "
            "(such as school hours); allow those times to see options."
        ) % {"before": before}
    if reason.code == "carer_unavailable_times":
        return gettext(
            "The parent or carer is unavailable at every time %(before)s that suits the "
            "young person (their usual unavailable times); allow those times, or check "
            "whether the parent or carer must attend."
        ) % {"before": before}
    if reason.code == "both_unavailable_times":
        return gettext(
            "Every time %(before)s clashes with the young person's or the parent or carer's "
            "usual unavailable times; allow those times to see options."
        ) % {"before": before}
    return gettext(
        "Each agency has someone free %(before)s, but never back to back with each other "
        "in a free room; try any order, a longer gap or fewer agencies."
    ) % {"before": before}
