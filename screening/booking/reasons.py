"""Why a search found no option, or too few: the sentences an admin can act on, worded from
the engine's reasons (screening.scheduling.explain) and the deadline. The options search
(screening/booking/options.py) gives them in `reasons`; the API and the booking page show
them as they are, in English (not yet translated for the pages)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from zoneinfo import ZoneInfo

from agencies.languages import language_name
from agencies.local_time import day_words
from screening.scheduling import expand as ex
from screening.scheduling.explain import Reason


def _length_words(total: int) -> str:
    """45 -> '45 minutes', 60 -> '1 hour', 165 -> '2 hours 45 minutes'."""
    hours, minutes = divmod(total, 60)
    words = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if minutes or not hours:
        words.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(words)


def deadline_passed_reason(deadline: dt.date) -> str:
    """Why there is nothing before a deadline that has already gone by."""
    return (
        f"The deadline of {day_words(deadline)} has passed: every option is after it, "
        "so say why when you book one."
    )


def order_start_reason(start: dt.date) -> str:
    """Why no option comes before the order's start."""
    return (
        f"The order starts on {day_words(start)}, so options start from then; "
        "give an earlier first day (not_before) to see earlier ones."
    )


def too_few_reason(found: int, deadline: dt.date, *, per_day: int | None = None) -> str:
    """Why only `found` options (at least one) come before the deadline (`per_day`: the
    options were spread, at most that many a day)."""
    spaced = f", at most {per_day} a day" if per_day else ""
    return (
        f"Only {found} option{'s' if found != 1 else ''} before the "
        f"deadline of {day_words(deadline)}{spaced}."
    )


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
    before = f"before the deadline of {day_words(deadline)}" if deadline else "in the search window"
    if reason.code == "no_interpreter":
        name = language_name(language or "")
        text = f"No {name} interpreter is free for {_length_words(reason.minutes or 0)} {before}"
        if reason.earliest is not None:
            day = ex.from_minutes(reason.earliest).astimezone(tz).date()
            text += f"; the earliest one is free is {day_words(day)}"
        return text + "."
    if reason.code == "agency_unavailable":
        name = agency_names.get(reason.agency or "", reason.agency)
        text = f"No {name} practitioner is free {before}"
        if reason.travel:
            where = place_words(reason.room) if place_words and reason.room is not None else ""
            trip = f"{_length_words(reason.travel)}' travel" + (f" to {where}" if where else "")
            text = f"With {trip}, no {name} practitioner is free {before}"
        if reason.earliest is not None:
            day = ex.from_minutes(reason.earliest).astimezone(tz).date()
            text += f"; the earliest would be {day_words(day)}"
        return text + "."
    if reason.code == "no_room":
        return f"No room is free for {_length_words(reason.minutes or 0)} in a row {before}."
    if reason.code == "unavailable_times":
        return (
            f"Every time {before} clashes with the young person's usual unavailable times "
            "(such as school hours); allow those times to see options."
        )
    if reason.code == "carer_unavailable_times":
        return (
            f"The parent or carer is unavailable at every time {before} that suits the "
            "young person (their usual unavailable times); allow those times, or check "
            "whether the parent or carer must attend."
        )
    if reason.code == "both_unavailable_times":
        return (
            f"Every time {before} clashes with the young person's or the parent or carer's "
            "usual unavailable times; allow those times to see options."
        )
    return (
        f"Each agency has someone free {before}, but never back to back with each other "
        "in a free room; try any order, a longer gap or fewer agencies."
    )
