"""A small random calendar of the booking properties (test_search_agrees_with_booking and
the travel and interpreter ones built on it), the world built from it through the real
services, and that world at the calendar's moment: the clock frozen there, the properties'
search settings, everything rolled back after.

The calendar's strategies (what may be drawn) stay with the first property; this module is
what every property shares to set its world up the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from schedule.models import Event, Occurrence

from agencies.availability import WorkingPatternData
from agencies.models import Agency, Practitioner
from agencies.services import leave_create, working_pattern_create
from screening.booking.options import visit_options
from screening.calendars.imports import calendar_import_upload
from screening.calendars.loading import calendar_import_load_requested
from screening.models import ClosureDay, Room, Venue, Visit
from screening.scheduling.expand import to_minutes
from screening.venues.services import room_create, venue_create
from tests.calendar_support import event, vcalendar
from tests.factories import make_case, make_practitioner

LONDON = ZoneInfo("Europe/London")
# Six days from a Thursday, worked out from the calendar. Spring: Thursday 25 March 2027,
# Good Friday 26 March, Saturday 27, Sunday 28 March (the clocks go forward), Easter Monday
# 29 March, Tuesday 30 March. Autumn: Thursday 28 October 2027 to Tuesday 2 November, the
# clocks going back on Sunday 31 October.
FIRST_DAYS = {"spring": dt.date(2027, 3, 25), "autumn": dt.date(2027, 10, 28)}
# Orders that start a week before: the visit is due on the Thursday (five working days on).
# Some calendars have their orders start on one of the six days instead: the search starts
# from that day unless asked for earlier (not_before), and the booking re-check has no such
# rule (the admin may book what they asked for), so there both are asked from "now".
ORDER_STARTS = {"spring": dt.date(2027, 3, 18), "autumn": dt.date(2027, 10, 21)}
DAYS = 6


# --- what a calendar is made of -------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    weekdays: tuple[int, ...]
    start: dt.time
    minutes: int
    valid_from: int | None  # a day of the six, or None: from long before
    valid_until: int | None  # a day of the six, or None: open-ended


@dataclass(frozen=True)
class Change:
    """The first pattern's occurrence on `day` cancelled, or moved to `to`."""

    day: int
    to: tuple[int, dt.time, int] | None  # (day, start, minutes)


Span = tuple[int, dt.time, int]  # (day of the six, local start, minutes)


@dataclass(frozen=True)
class Person:
    buffer: int
    cap: int
    patterns: tuple[Pattern, ...]
    change: Change | None
    leave: Span | None
    busy: tuple[Span, ...]


@dataclass(frozen=True)
class Place:
    opening: tuple[tuple[int, dt.time, dt.time], ...]
    closed: Span | None


@dataclass(frozen=True)
class Calendar:
    season: str
    now: tuple[int, int]  # minutes and seconds after 06:00 on the first day
    codes: tuple[str, ...]
    durations: dict[str, int]
    order: str
    gaps: tuple[int, int]
    people: dict[str, tuple[Person, ...]]
    places: tuple[Place, ...]
    closure: int | None
    bookings: int
    count: int
    reschedule: bool
    order_day: int | None = None  # the orders start on this day of the six, or a week before


def moment_of(calendar: Calendar) -> dt.datetime:
    """The calendar's "now": minutes and seconds after 06:00 on its first day."""
    minutes, seconds = calendar.now
    start = dt.datetime.combine(FIRST_DAYS[calendar.season], dt.time(6), tzinfo=LONDON)
    return start + dt.timedelta(minutes=minutes, seconds=seconds)


# --- building it through the services ------------------------------------------------------


@dataclass
class World:
    calendar: Calendar
    first_day: dt.date
    agencies: list[Agency]
    rooms: dict[int, Room]
    practitioners: dict[int, Practitioner]
    moments: list[int] = field(default_factory=list)  # where a rule changes, in minutes

    @property
    def now(self) -> dt.datetime:
        """The calendar's moment, the clock world_at_its_moment freezes."""
        return moment_of(self.calendar)

    def local(self, day: int, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(self.first_day + dt.timedelta(days=day), time, tzinfo=LONDON)

    def span(self, span: Span) -> tuple[dt.datetime, dt.datetime]:
        start = self.local(span[0], span[1])
        end = start + dt.timedelta(minutes=span[2])
        self.moments += [to_minutes(start), to_minutes(end)]
        return start, end

    def order_start(self) -> dt.date:
        day = self.calendar.order_day
        if day is None:
            return ORDER_STARTS[self.calendar.season]
        return self.first_day + dt.timedelta(days=day)

    def case(self):
        return make_case(order_start_date=self.order_start())

    def ask(
        self,
        case,
        *,
        ignore_visit: Visit | None = None,
        not_before: dt.datetime | None = None,
        venues: list[Venue] | None = None,
    ):
        c = self.calendar
        return visit_options(
            not_before=not_before,
            case=case,
            agencies=self.agencies,
            durations=c.durations,
            order=c.order,
            min_gap=c.gaps[0],
            max_gap=c.gaps[1],
            count=c.count,
            ignore_visit=ignore_visit,
            venues=venues,
        )


def _end_of(start: dt.time, minutes: int) -> dt.time:
    end = dt.datetime.combine(dt.date.min, start) + dt.timedelta(minutes=minutes)
    return end.time() if end.date() == dt.date.min else dt.time(23, 55)


def _change_occurrence(world: World, pattern: WorkingPatternData, change: Change) -> None:
    """As django-scheduler stores a change to one occurrence: a row for its original time,
    cancelled or with the time it moved to."""
    day = world.first_day + dt.timedelta(days=change.day)
    original = (
        dt.datetime.combine(day, pattern.start_time, tzinfo=LONDON),
        dt.datetime.combine(day, pattern.end_time, tzinfo=LONDON),
    )
    start, end = world.span(change.to) if change.to else original
    Occurrence.objects.create(
        event=Event.objects.get(pk=pattern.id),
        title="Working pattern",
        start=start,
        end=end,
        original_start=original[0],
        original_end=original[1],
        cancelled=change.to is None,
    )


def add_availability(world: World, owner, person: Person) -> None:
    """The person's working patterns, the change to one occurrence and leave, stored on
    `owner`'s calendar (a practitioner or an interpreter) through the services."""
    stored = [
        working_pattern_create(
            practitioner=owner,
            weekdays=list(pattern.weekdays),
            start_time=pattern.start,
            end_time=_end_of(pattern.start, pattern.minutes),
            valid_from=(
                dt.date(2027, 1, 1)
                if pattern.valid_from is None
                else world.first_day + dt.timedelta(days=pattern.valid_from)
            ),
            valid_until=(
                None
                if pattern.valid_until is None
                else world.first_day + dt.timedelta(days=pattern.valid_until)
            ),
        )
        for pattern in person.patterns
    ]
    changed, data = person.change, stored[0]
    day = world.first_day + dt.timedelta(days=changed.day) if changed else dt.date.min
    occurs = day.weekday() in data.weekdays and data.valid_from <= day
    if changed and occurs and (data.valid_until is None or day <= data.valid_until):
        _change_occurrence(world, data, changed)
    if person.leave is not None:
        start, end = world.span(person.leave)
        leave_create(practitioner=owner, start=start, end=end, reason="Leave")


def _add_person(world: World, agency: Agency, person: Person) -> Practitioner:
    practitioner = make_practitioner(
        agency=agency, buffer_minutes=person.buffer, daily_session_cap=person.cap
    )
    add_availability(world, practitioner, person)
    if person.busy:
        events = []
        for n, span in enumerate(person.busy):
            start, end = (t.astimezone(LONDON) for t in world.span(span))
            events.append(
                event(
                    f"busy-{n}@example.org",
                    f"DTSTART;TZID=Europe/London:{start:%Y%m%dT%H%M%S}",
                    f"DTEND;TZID=Europe/London:{end:%Y%m%dT%H%M%S}",
                )
            )
        requested = calendar_import_upload(practitioner=practitioner, data=vcalendar(*events))
        calendar_import_load_requested(calendar_import=requested)
    return practitioner


def build(calendar: Calendar) -> World:
    first_day = FIRST_DAYS[calendar.season]
    agencies = [Agency.objects.get(code=code) for code in calendar.codes]
    world = World(calendar, first_day, agencies, rooms={}, practitioners={})
    for agency in agencies:
        for person in calendar.people[agency.code]:
            practitioner = _add_person(world, agency, person)
            world.practitioners[practitioner.pk] = practitioner
    for n, place in enumerate(calendar.places):
        venue = venue_create(
            name=f"Venue {n} {first_day}",
            address=f"{n} High Street",
            opening_hours=[{"weekday": w, "opens": o, "closes": c} for w, o, c in place.opening],
        )
        room = room_create(venue=venue, name="Room 1")
        if place.closed is not None:
            start, end = world.span(place.closed)
            Event.objects.create(calendar=room.calendar, title="Closed", start=start, end=end)
        world.rooms[room.pk] = room
    if calendar.closure is not None:
        ClosureDay.objects.create(
            date=first_day + dt.timedelta(days=calendar.closure), reason="Staff training"
        )
    return world


# --- the world at the calendar's moment ------------------------------------------------------


def search_settings(**changes: object) -> dict:
    """The properties' search settings: the whole horizon (five days) read at once, so an
    answer's `request` holds every row the search read; `changes` on top."""
    return {
        **django_settings.SCREENING_SCHEDULING,
        "search_horizon_days": 5,
        "first_window_days": 0,
        **changes,
    }


@contextmanager
def world_at_its_moment(calendar: Calendar) -> Iterator[World]:
    """The calendar's world, built through the services in a transaction, with the clock
    frozen at the calendar's moment (`World.now`) and the properties' search settings, for
    the body to add to, search and book in; everything is rolled back after."""
    now = moment_of(calendar)
    with (
        transaction.atomic(),
        override_settings(SCREENING_SCHEDULING=search_settings()),
        mock.patch.object(timezone, "now", lambda: now.astimezone(dt.UTC)),
    ):
        yield build(calendar)
        transaction.set_rollback(True)
