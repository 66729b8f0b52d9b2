"""How a booking refusal (SlotTaken) names what was taken: lazy strings, worded in the
language active when read (English for the API's `resource`, the page's language on a
page). Used by the booking re-check (availability.py) and the booking services' guard
refusals."""

from __future__ import annotations

import datetime as dt

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy, ngettext

from agencies.local_time import day_words_here, time_on_day_words_here
from agencies.models import Interpreter, Practitioner
from screening.errors import words_when_shown
from screening.models import Room


def practitioner_taken(practitioner: Practitioner, start: dt.datetime) -> str:
    """How a refusal names a practitioner held by another visit."""
    return words_when_shown(
        gettext_lazy("practitioner %(name)s at %(time)s"),
        name=practitioner.name,
        time=lambda: time_on_day_words_here(start),
    )


def daily_limit_reached(practitioner: Practitioner, day: dt.date) -> str:
    """How a refusal names a practitioner whose sessions that day are at their limit."""
    cap = practitioner.daily_session_cap

    def say() -> str:
        words = ngettext(
            "practitioner %(name)s: daily limit of %(cap)s session reached on %(day)s",
            "practitioner %(name)s: daily limit of %(cap)s sessions reached on %(day)s",
            cap,
        )
        return words % {
            "name": practitioner.name,
            "cap": cap,
            "day": day_words_here(day, year=False),
        }

    return lazy(say, str)()


def room_taken(room: Room, start: dt.datetime) -> str:
    """How a refusal names a room held by another visit."""
    return words_when_shown(
        gettext_lazy("room %(room)s at %(time)s"),
        room=str(room),
        time=lambda: time_on_day_words_here(start),
    )


def interpreter_taken(interpreter: Interpreter, start: dt.datetime) -> str:
    """How a refusal names an interpreter held by another visit."""
    return words_when_shown(
        gettext_lazy("interpreter %(name)s at %(time)s"),
        name=interpreter.name,
        time=lambda: time_on_day_words_here(start),
    )
