"""Admin tasks' words: stored as their English msgid and its parts, worded again when read
(docs/decisions/0021).

A task is often opened by a background job, which has no reader and so no reader's
language. Its `text` is written in English, and stays as written: the API answers it, and a
task stored before `wording` existed has only it. Beside it the task stores `wording`: the
msgid (marked at the call site with `gettext_noop`) and its parts. A part is data kept as
written (a name, a masked number, a provider's error, a reply's words), a nested wording, or
a moment (worded in the reader's language and the YOT's zone). The pages show
`task_words(task)`: the wording in the active language, or the stored text when there is
no wording or it no longer fits its msgid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from agencies.local_time import DAY_NAMES, MONTH_NAMES, local

# How a moment is written, as the tasks' English wrote it before (so the stored English is
# unchanged): the day with or without its year, its number padded or not, the time before
# ("10:00 on Tuesday 02 March") or after ("Tuesday 4 March 2031 at 10:30") or none.
STYLES = {
    "time_on_day": {"year": False, "padded": True, "time": "before"},
    "day_at_time": {"year": False, "padded": True, "time": "after"},
    "day_year_at_time": {"year": True, "padded": False, "time": "after"},
    "day": {"year": False, "padded": False, "time": None},
}


def said(msgid: str, **parts: object) -> dict:
    """A wording to store: `msgid` (marked with gettext_noop) and its parts (data as str,
    a nested `said`, or a `moment`)."""
    return {"msgid": msgid, "parts": {name: _part(value) for name, value in parts.items()}}


def marked(text: object) -> dict:
    """A string marked for translation (a lazy choice label) as a part: its English msgid,
    worded again when read."""
    with translation.override(settings.LANGUAGE_CODE):
        return said(str(text))


def moment(value: dt.datetime, style: str) -> dict:
    """A moment as a part, written in `style` (STYLES) when worded."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}")
    return {"moment": value.isoformat(), "style": style}


def _part(value: object) -> object:
    if isinstance(value, Mapping):
        return dict(value)
    return str(value)


def _moment_words(part: Mapping) -> str:
    style = STYLES[part["style"]]
    wall = local(dt.datetime.fromisoformat(part["moment"]))
    number = f"{wall:%d}" if style["padded"] else str(wall.day)
    day = f"{DAY_NAMES[wall.weekday()]} {number} {MONTH_NAMES[wall.month - 1]}"
    if style["year"]:
        day = f"{day} {wall.year}"
    time = f"{wall:%H:%M}"
    if style["time"] == "before":
        return gettext("%(time)s on %(day)s") % {"time": time, "day": day}
    if style["time"] == "after":
        return gettext("%(day)s at %(time)s") % {"day": day, "time": time}
    return day


def words(wording: Mapping) -> str:
    """The wording in the active language; raises KeyError, TypeError or ValueError for a
    wording that does not fit (a part missing, a style unknown)."""
    if "moment" in wording:
        return _moment_words(wording)
    values = {}
    for name, part in wording.get("parts", {}).items():
        values[name] = words(part) if isinstance(part, Mapping) else str(part)
    text = gettext(wording["msgid"])
    return text % values if "%(" in wording["msgid"] else text


def english(wording: Mapping) -> str:
    """The wording in English, as a task's `text` stores it."""
    with translation.override(settings.LANGUAGE_CODE):
        return words(wording)


def task_words(task) -> str:
    """An admin task's words in the active language, else its stored text."""
    if task.wording:
        try:
            return words(task.wording)
        except (KeyError, TypeError, ValueError):
            pass
    return task.text
