"""Reads availability rows (django-scheduler events, sessions, visits, opening hours) and
checks one proposed visit against them inside the booking transaction.

Every local rule is evaluated per local date in the YOT's named zone, so a clock change
never shifts a working pattern or an opening time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from schedule.models import Event

from agencies.availability import UnsupportedRule, pattern_from_row
from agencies.languages import language_name_here
from agencies.local_time import day_words_here, time_on_day_words_here, yot_zone
from agencies.models import Agency, Interpreter, Practitioner
from screening import fixed_sql as sql
from screening.booking import queries
from screening.booking.taken_words import (
    daily_limit_reached,
    interpreter_taken,
    practitioner_taken,
    room_taken,
)
from screening.errors import SlotTaken
from screening.models import Room, Venue, Visit, VisitStatus
from screening.people.deadlines import closure_days
from screening.people.workdays import is_working_day
from screening.scheduling import expand as ex
from screening.scheduling.availability import interpreter_free, venue_open
from screening.scheduling.expand import from_minutes
from screening.scheduling.intervals import Interval
from screening.scheduling.search import InterpreterSlot


@dataclass(frozen=True, slots=True)
class SessionToBook:
    """One session of a visit to book, its end worked out, as the re-check reads it."""

    agency: Agency
    practitioner: Practitioner
    start: dt.datetime
    end: dt.datetime


def local_span(day: dt.date, start: dt.time, end: dt.time) -> tuple[dt.datetime, dt.datetime]:
    """Aware bounds of a local wall-clock span on one date (00:00 end = next midnight)."""
    tz = yot_zone()
    begin = dt.datetime.combine(day, start, tzinfo=tz)
    finish_day = day + dt.timedelta(days=1) if end == dt.time(0) else day
    return begin, dt.datetime.combine(finish_day, end, tzinfo=tz)


@dataclass(frozen=True)
class CalendarTimes:
    """What django-scheduler calendars say about a window."""

    working: dict[int, list[Interval]]  # per calendar: working time, UTC minutes
    away: dict[int, list[tuple[dt.datetime, dt.datetime]]]  # per calendar: one-off events


def calendar_times(
    *,
    working_calendars: Sequence[int],
    away_calendars: Sequence[int] = (),
    start: int,
    end: int,
    tz: ZoneInfo,
) -> CalendarTimes:
    """Working time of `working_calendars` in [start, end) (UTC minutes): weekly patterns
    expanded per local date with their one-off changes (cancelled or moved occurrences)
    applied; and the one-off events (leave, closures) of `away_calendars` that overlap the
    window. One query: the patterns and the one-off events, each pattern joined to the
    changes that touch the window (an occurrence moved from or to one of its days). The
    one-visit search and the booking re-check both read calendars through here."""
    lo, hi = ex.from_minutes(start), ex.from_minutes(end)
    margin = dt.timedelta(days=1)  # covers the zone's offset between a local day and UTC
    params = [sql.at(lo - margin), sql.at(hi + margin), sql.at(hi), sql.at(lo)]
    wanted = []
    if working_calendars:
        wanted.append(queries.PATTERNS_WHERE)
        params += [sql.Many(working_calendars), sql.at(hi), sql.at(lo)]
    if away_calendars:
        wanted.append(queries.ONE_OFF_WHERE)
        params += [sql.Many(away_calendars), sql.at(hi), sql.at(lo)]
    rows = sql.fetch(queries.EVENTS + " OR ".join(wanted), params) if wanted else []
    patterns: dict[int, list[ex.WeeklyPattern]] = defaultdict(list)
    changes: dict[int, list[ex.PatternException]] = defaultdict(list)
    away: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    seen: set[int] = set()
    for row in rows:
        calendar_id, event_id, e_start, e_end, until, has_rule, frequency, rule_params = row[:8]
        e_start, e_end = sql.moment(e_start), sql.moment(e_end)
        first = event_id not in seen
        seen.add(event_id)
        if not has_rule:  # a one-off event: joined to no changes, so it comes once
            away[calendar_id].append((e_start, e_end))
            continue
        changed_from, cancelled, moved_start, moved_end = row[8:]
        if changed_from is not None:
            changes[calendar_id].append(
                ex.PatternException(
                    pattern_key=str(event_id),
                    original_date=sql.moment(changed_from).astimezone(tz).date(),
                    cancelled=sql.flag(cancelled),
                    start=sql.moment(moved_start),
                    end=sql.moment(moved_end),
                )
            )
        if not first:
            continue
        try:
            data = pattern_from_row(
                id=event_id,
                start=e_start,
                end=e_end,
                end_recurring_period=sql.moment(until),
                frequency=frequency,
                params=rule_params,
            )
        except UnsupportedRule:
            continue  # an admin-made rule we cannot read gives no working time
        patterns[calendar_id].append(
            ex.WeeklyPattern(
                weekdays=frozenset(data.weekdays),
                start=data.start_time,
                end=data.end_time,
                valid_from=data.valid_from,
                valid_until=data.valid_until,
                key=str(event_id),
            )
        )
    working = {
        calendar_id: ex.expand_weekly(
            patterns=patterns.get(calendar_id, []),
            exceptions=changes.get(calendar_id, []),
            window_start=start,
            window_end=end,
            zone=tz,
        )
        for calendar_id in working_calendars
    }
    return CalendarTimes(working=working, away=away)


def _overlaps(spans: Iterable[tuple[dt.datetime, dt.datetime]], start, end) -> bool:
    return any(s < end and start < e for s, e in spans)


@dataclass(frozen=True)
class _Rows:
    """Everything the re-check of one visit reads, fetched in a handful of queries."""

    working: dict[int, list[Interval]]  # per calendar, UTC minutes, over the visit's days
    one_off: dict[int, list[tuple[dt.datetime, dt.datetime]]]  # leave or closures per calendar
    busy: dict[int, list[tuple[int, int]]]  # imported busy minutes per practitioner
    # Live sessions per practitioner; under None, the room's other live visits.
    held: dict[int | None, list[tuple[dt.datetime, dt.datetime]]]


def _read_rows(
    *,
    room: Room | None,
    sessions: Sequence[SessionToBook],
    ignore_visit: Visit | None,
    tz: ZoneInfo,
    travel: dt.timedelta,
) -> _Rows:
    days = sorted({s.start.astimezone(tz).date() for s in sessions})
    first_day, last_day = (
        local_span(days[0], dt.time(0), dt.time(0))[0],
        local_span(days[-1], dt.time(0), dt.time(0))[1],
    )
    people = {s.practitioner.pk: s.practitioner for s in sessions}
    calendars = [p.calendar_id for p in people.values()]
    visit_start, visit_end = sessions[0].start, sessions[-1].end
    held_until = max(s.end + dt.timedelta(minutes=s.practitioner.buffer_minutes) for s in sessions)
    held: dict[int | None, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    sessions_held = [sql.Many(people), False, sql.at(max(last_day, held_until)), sql.at(first_day)]
    longest = dt.timedelta(days=2)  # more than any visit: each is within one day's opening
    room_held = [
        room.pk if room is not None else 0,  # no room (a home visit): no room has id 0
        VisitStatus.CANCELLED.value,
        sql.at(visit_end),
        sql.at(visit_start),
        sql.at(visit_start - longest),
    ]
    if ignore_visit is None:
        statement, params = queries.HELD, sessions_held + room_held
    else:
        but = [ignore_visit.pk]
        statement, params = queries.HELD_BUT_VISIT, sessions_held + but + room_held + but
    for practitioner_id, start, until in sql.fetch(statement, params):
        held[practitioner_id].append((sql.moment(start), sql.moment(until)))
    # Sessions at venues with travel hold their practitioners for it as well, as the search
    # reads them: a day's margin either side covers any travel (at most 4 hours).
    margin = dt.timedelta(days=1)
    travel_params = [
        sql.Many(people),
        False,
        sql.at(max(last_day, held_until) + margin),
        sql.at(first_day - margin),
        0,
        ignore_visit.pk if ignore_visit is not None else 0,
    ]
    for practitioner_id, start, until, trip in sql.fetch(queries.SESSIONS_TRAVEL, travel_params):
        way, span = dt.timedelta(minutes=trip), (sql.moment(start), sql.moment(until))
        own = held[practitioner_id]
        if span in own:  # replaced, so the day's count of sessions stays right
            own.remove(span)
        own.append((span[0] - way, span[1] + way))
    times = calendar_times(
        working_calendars=calendars,
        away_calendars=[*calendars] + ([room.calendar_id] if room is not None else []),
        start=ex.to_minutes(first_day),
        end=ex.to_minutes(last_day),
        tz=tz,
    )
    return _Rows(
        working=times.working,
        one_off=defaultdict(list, times.away),
        # A practitioner travelling to the venue must be free of their own calendar's busy
        # times for the journey too: check_bookable meets busy times with each session and
        # its `travel` either side, all inside this window (buffers keep other sessions off,
        # not busy times, in the search as here), so no more is read.
        busy=imported_busy(
            list(people),
            ex.to_minutes(min(s.start for s in sessions) - travel),
            ex.to_minutes(max(s.end for s in sessions) + travel),
        ),
        held=held,
    )


def check_bookable(
    *,
    room: Room | None,
    sessions: Sequence[SessionToBook],
    ignore_visit: Visit | None = None,
    closures: frozenset[dt.date] | None = None,
    venue: Venue | None = None,
) -> None:
    """Refuse a visit that a rule forbids (ValidationError: not working, on leave, venue
    closed, not a working day) or that collides with a practitioner's other sessions or
    daily limit, or with another live visit in the room (SlotTaken); `ignore_visit` (the
    visit being moved) holds nothing. A visit with no room (`room` None: a home or school
    visit at `venue`) is at a place free whenever its people are, as the search has it:
    no opening hours or room to check, the venue's travel still applies.

    The rows are read once for the whole visit (a handful of queries, whatever the number
    of sessions); the rules are then checked session by session in order, so the first
    problem found is the one reported."""
    tz = yot_zone()
    closed = closure_days() if closures is None else closures
    venue = room.venue if room is not None else venue
    if venue is None:
        raise ValueError("check_bookable needs a room or a venue")
    # Each practitioner travels to a community venue and back: free for that too (the
    # search's rule, RoomSlot.travel).
    way = dt.timedelta(minutes=venue.travel_minutes)
    rows = _read_rows(room=room, sessions=sessions, ignore_visit=ignore_visit, tz=tz, travel=way)
    visit_start, visit_end = sessions[0].start, sessions[-1].end
    for index, session in enumerate(sessions):
        practitioner, start, end = session.practitioner, session.start - way, session.end + way
        day = start.astimezone(tz).date()
        name = f"sessions.{index}.start"
        if not is_working_day(day, closures=closed):
            raise ValidationError(
                {name: [gettext("%(day)s is not a working day.") % {"day": day_words_here(day)}]}
            )
        day_start, day_end = local_span(day, dt.time(0), dt.time(0))
        lo, hi = ex.to_minutes(start), ex.to_minutes(end)
        working = rows.working[practitioner.calendar_id]
        if end > day_end or not any(s <= lo and hi <= e for s, e in working):
            raise ValidationError(
                {
                    name: [
                        gettext("%(name)s is not working from %(start)s to %(end)s.")
                        % {
                            "name": practitioner.name,
                            "start": time_on_day_words_here(start),
                            "end": f"{end.astimezone(tz):%H:%M}",
                        }
                    ]
                }
            )
        if _overlaps(rows.one_off[practitioner.calendar_id], start, end):
            raise ValidationError(
                {
                    name: [
                        gettext("%(name)s is on leave at %(start)s.")
                        % {"name": practitioner.name, "start": time_on_day_words_here(start)}
                    ]
                }
            )
        for s, e in rows.busy.get(practitioner.pk, []):
            if max(s, lo) < min(e, hi):
                raise ValidationError(
                    {
                        name: [
                            gettext("%(name)s's own calendar shows them busy at %(start)s.")
                            % {
                                "name": practitioner.name,
                                "start": time_on_day_words_here(from_minutes(max(s, lo))),
                            }
                        ]
                    }
                )
        others = rows.held[practitioner.pk]
        held_until = session.end + dt.timedelta(minutes=practitioner.buffer_minutes) + way
        if _overlaps(others, start, held_until):
            raise SlotTaken(resource=practitioner_taken(practitioner, start))
        booked_that_day = sum(1 for s, _ in others if day_start <= s < day_end)
        if booked_that_day >= practitioner.daily_session_cap:
            raise SlotTaken(resource=daily_limit_reached(practitioner, day))

    if room is None:
        return
    day = visit_start.astimezone(tz).date()
    opening = [
        (day.weekday(), opens, closes)
        for opens, closes in sql.fetch(queries.OPENING_HOURS, [room.venue_id, day.weekday()])
    ]
    span = (ex.to_minutes(visit_start), ex.to_minutes(visit_end))
    # Open for the whole visit: the open time clipped to the visit is the visit itself.
    if venue_open(hours=opening, window_start=span[0], window_end=span[1], zone=tz) != [span]:
        raise ValidationError(
            {
                "room": [
                    gettext("%(venue)s is not open from %(start)s to %(end)s.")
                    % {
                        "venue": room.venue.name,
                        "start": time_on_day_words_here(visit_start),
                        "end": f"{visit_end.astimezone(tz):%H:%M}",
                    }
                ]
            }
        )
    if _overlaps(rows.one_off[room.calendar_id], visit_start, visit_end):
        raise ValidationError(
            {
                "room": [
                    gettext("%(room)s is not available at %(start)s.")
                    % {"room": room, "start": time_on_day_words_here(visit_start)}
                ]
            }
        )
    # The room is held for the visit's whole span, between sessions too. The booking has
    # queued behind any other booking of this room, so what is read here is settled; the
    # room guard stays the last word and names the room in the same words.
    if rows.held[None]:
        raise SlotTaken(resource=room_taken(room, visit_start))


def room_opening(room: Room, start: int, end: int, tz: ZoneInfo) -> list[Interval]:
    """When the room's venue is open in [start, end) (UTC minutes), from its prefetched
    opening hours."""
    hours = [(h.weekday, h.opens, h.closes) for h in room.venue.opening_hours.all()]
    return venue_open(hours=hours, window_start=start, window_end=end, zone=tz)


def room_closures(
    rooms: Sequence[Room], lo: dt.datetime, hi: dt.datetime
) -> dict[int, list[Interval]]:
    """One-off events (closures) on the rooms' calendars that overlap [lo, hi), in UTC
    minutes per calendar id: what the search and the week view take away from a room's
    opening hours."""
    out: dict[int, list[Interval]] = defaultdict(list)
    for calendar_id, e_start, e_end in Event.objects.filter(
        calendar_id__in=[r.calendar_id for r in rooms], rule__isnull=True, start__lt=hi, end__gt=lo
    ).values_list("calendar_id", "start", "end"):
        out[calendar_id].append((ex.to_minutes(e_start), ex.to_minutes(e_end)))
    return out


def imported_busy(ids: Sequence[int], start: int, end: int) -> dict[int, list[tuple[int, int]]]:
    """Busy minutes imported from practitioners' own calendars, clipped to [start, end):
    the default busy provider of the visit-options search."""
    out: dict[int, list[tuple[int, int]]] = {}
    if not ids:
        return out
    for practitioner_id, busy in sql.fetch(queries.IMPORTED_BUSY, [sql.Many(ids)]):
        spans = [
            (max(s, start), min(e, end)) for s, e in sql.json_value(busy) if s < end and e > start
        ]
        if spans:
            out[practitioner_id] = spans
    return out


def interpreters_for(language: str) -> list[Interpreter]:
    """Active interpreters who work in `language` (ISO 639-1), by id."""
    return [
        i for i in Interpreter.objects.filter(is_active=True).order_by("id") if i.speaks(language)
    ]


def interpreter_slots(
    *,
    interpreters: Sequence[Interpreter],
    start: int,
    end: int,
    tz: ZoneInfo,
    closed: Sequence[Interval] = (),
    ignore_visit: Visit | None = None,
) -> list[InterpreterSlot]:
    """Each interpreter's free time in [start, end) (UTC minutes): working patterns expanded
    per local date, minus leave, `closed` days and their other live visits' whole spans
    (`ignore_visit`, a visit being moved, holds nobody). The search and the booking
    re-check both read interpreters through here."""
    if not interpreters:
        return []
    calendars = [i.calendar_id for i in interpreters]
    times = calendar_times(
        working_calendars=calendars, away_calendars=calendars, start=start, end=end, tz=tz
    )
    lo, hi = ex.from_minutes(start), ex.from_minutes(end)
    rows = Visit.objects.filter(
        interpreter__in=[i.pk for i in interpreters], start__lt=hi, end__gt=lo
    ).exclude(status=VisitStatus.CANCELLED)
    if ignore_visit is not None:
        rows = rows.exclude(pk=ignore_visit.pk)
    held: dict[int, list[Interval]] = defaultdict(list)
    for interpreter_id, v_start, v_end in rows.values_list("interpreter_id", "start", "end"):
        held[interpreter_id].append((ex.to_minutes(v_start), ex.to_minutes(v_end)))
    return [
        InterpreterSlot(
            id=i.pk,
            free=tuple(
                interpreter_free(
                    working=times.working[i.calendar_id],
                    leave=[
                        (ex.to_minutes(s), ex.to_minutes(e))
                        for s, e in times.away.get(i.calendar_id, [])
                    ]
                    + list(closed),
                    visits=held.get(i.pk, []),
                )
            ),
        )
        for i in interpreters
    ]


def check_interpreter(
    *,
    interpreter: Interpreter | None,
    needed_language: str | None,
    start: dt.datetime,
    end: dt.datetime,
    ignore_visit: Visit | None = None,
) -> None:
    """The visit's interpreter, by the search's rule: one is given when the young person
    needs one (`needed_language`), none otherwise; active, working in that language, and
    free for the whole span [start, end), gaps included (interpreter_slots). Raises
    ValidationError on `interpreter` for a rule, SlotTaken when another visit holds them."""
    if needed_language is None:
        if interpreter is not None:
            raise ValidationError(
                {"interpreter": [gettext("The young person does not need an interpreter.")]}
            )
        return
    language = language_name_here(needed_language)
    if interpreter is None:
        raise ValidationError(
            {
                "interpreter": [
                    gettext("The young person needs a %(language)s interpreter: choose one.")
                    % {"language": language}
                ]
            }
        )
    if not interpreter.is_active:
        raise ValidationError(
            {"interpreter": [gettext("%(name)s is no longer active.") % {"name": interpreter.name}]}
        )
    if not interpreter.speaks(needed_language):
        raise ValidationError(
            {
                "interpreter": [
                    gettext("%(name)s does not interpret %(language)s.")
                    % {"name": interpreter.name, "language": language}
                ]
            }
        )
    tz = yot_zone()
    lo, hi = ex.to_minutes(start), ex.to_minutes(end)
    day_lo = ex.to_minutes(local_span(start.astimezone(tz).date(), dt.time(0), dt.time(0))[0])
    day_hi = ex.to_minutes(local_span(end.astimezone(tz).date(), dt.time(0), dt.time(0))[1])
    (slot,) = interpreter_slots(
        interpreters=[interpreter], start=day_lo, end=day_hi, tz=tz, ignore_visit=ignore_visit
    )
    if any(s <= lo and hi <= e for s, e in slot.free):
        return
    # Not free: say why, in the order a person would check.
    working = calendar_times(
        working_calendars=[interpreter.calendar_id],
        away_calendars=[interpreter.calendar_id],
        start=day_lo,
        end=day_hi,
        tz=tz,
    )
    until = end.astimezone(tz)
    if not any(s <= lo and hi <= e for s, e in working.working[interpreter.calendar_id]):
        raise ValidationError(
            {
                "interpreter": [
                    gettext("%(name)s is not working from %(start)s to %(end)s.")
                    % {
                        "name": interpreter.name,
                        "start": time_on_day_words_here(start),
                        "end": f"{until:%H:%M}",
                    }
                ]
            }
        )
    if _overlaps(working.away.get(interpreter.calendar_id, []), start, end):
        raise ValidationError(
            {
                "interpreter": [
                    gettext("%(name)s is on leave at %(start)s.")
                    % {"name": interpreter.name, "start": time_on_day_words_here(start)}
                ]
            }
        )
    raise SlotTaken(resource=interpreter_taken(interpreter, start))
