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

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from schedule.models import Event, Occurrence

from agencies.availability import UnsupportedRule, pattern_from_event
from agencies.models import Agency, Practitioner
from screening.deadlines import closure_days
from screening.errors import SlotTaken
from screening.models import CalendarImport, OpeningHours, Room, Session, Visit, VisitStatus
from screening.scheduling import expand as ex
from screening.scheduling.expand import from_minutes
from screening.scheduling.intervals import Interval
from screening.workdays import is_working_day

Row = tuple[Agency, Practitioner, dt.datetime, dt.datetime]


def zone() -> ZoneInfo:
    return ZoneInfo(settings.YOT_TIMEZONE)


def local_span(day: dt.date, start: dt.time, end: dt.time) -> tuple[dt.datetime, dt.datetime]:
    """Aware bounds of a local wall-clock span on one date (00:00 end = next midnight)."""
    tz = zone()
    begin = dt.datetime.combine(day, start, tzinfo=tz)
    finish_day = day + dt.timedelta(days=1) if end == dt.time(0) else day
    return begin, dt.datetime.combine(finish_day, end, tzinfo=tz)


def _fmt(moment: dt.datetime) -> str:
    local = moment.astimezone(zone())
    return f"{local:%H:%M} on {local:%A} {local.day} {local:%B %Y}"


def working_time(
    *, calendar_ids: Sequence[int], start: int, end: int, tz: ZoneInfo
) -> dict[int, list[Interval]]:
    """Working time per calendar in [start, end) (UTC minutes): weekly patterns expanded per
    local date with their one-off changes (cancelled or moved occurrences) applied. The
    one-visit search and the booking re-check both read working time through here."""
    lo, hi = ex.from_minutes(start), ex.from_minutes(end)
    recurring = (
        Event.objects.filter(calendar_id__in=calendar_ids, rule__isnull=False)
        .filter(Q(end_recurring_period__isnull=True) | Q(end_recurring_period__gt=lo), start__lt=hi)
        .select_related("rule")
    )
    patterns: dict[int, list[ex.WeeklyPattern]] = defaultdict(list)
    for event in recurring:
        try:
            data = pattern_from_event(event)
        except UnsupportedRule:
            continue  # an admin-made rule we cannot read gives no working time
        patterns[event.calendar_id].append(
            ex.WeeklyPattern(
                weekdays=frozenset(data.weekdays),
                start=data.start_time,
                end=data.end_time,
                valid_from=data.valid_from,
                valid_until=data.valid_until,
                key=str(event.id),
            )
        )
    changes: dict[int, list[ex.PatternException]] = defaultdict(list)
    for o in Occurrence.objects.filter(event__in=recurring).select_related("event"):
        changes[o.event.calendar_id].append(
            ex.PatternException(
                pattern_key=str(o.event_id),
                original_date=o.original_start.astimezone(tz).date(),
                cancelled=o.cancelled,
                start=o.start,
                end=o.end,
            )
        )
    return {
        calendar_id: ex.expand_weekly(
            patterns=patterns.get(calendar_id, []),
            exceptions=changes.get(calendar_id, []),
            window_start=start,
            window_end=end,
            zone=tz,
        )
        for calendar_id in calendar_ids
    }


def _within(
    spans: Iterable[tuple[dt.datetime, dt.datetime]], start: dt.datetime, end: dt.datetime
) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _overlaps(spans: Iterable[tuple[dt.datetime, dt.datetime]], start, end) -> bool:
    return any(s < end and start < e for s, e in spans)


def _long_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


@dataclass(frozen=True)
class _Rows:
    """Everything the re-check of one visit reads, fetched in one query per table."""

    working: dict[int, list[Interval]]  # per calendar, UTC minutes, over the visit's days
    one_off: dict[int, list[tuple[dt.datetime, dt.datetime]]]  # leave or closures per calendar
    busy: dict[int, list[tuple[int, int]]]  # imported busy minutes per practitioner
    held: dict[int, list[tuple[dt.datetime, dt.datetime]]]  # live sessions per practitioner


def _read_rows(
    *, room: Room, sessions: Sequence[Row], ignore_visit: Visit | None, tz: ZoneInfo
) -> _Rows:
    days = sorted({start.astimezone(tz).date() for _, _, start, _ in sessions})
    first_day, last_day = (
        local_span(days[0], dt.time(0), dt.time(0))[0],
        local_span(days[-1], dt.time(0), dt.time(0))[1],
    )
    people = {p.pk: p for _, p, _, _ in sessions}
    calendars = [p.calendar_id for p in people.values()]
    visit_start, visit_end = sessions[0][2], sessions[-1][3]
    one_off: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    events = Event.objects.filter(
        calendar_id__in=[*calendars, room.calendar_id],
        rule__isnull=True,
        start__lt=visit_end,
        end__gt=visit_start,
    ).values_list("calendar_id", "start", "end")
    for calendar_id, start, end in events:
        one_off[calendar_id].append((start, end))
    held_until = max(
        end + dt.timedelta(minutes=practitioner.buffer_minutes)
        for _, practitioner, _, end in sessions
    )
    live = Session.objects.filter(
        practitioner_id__in=list(people),
        cancelled=False,
        start__lt=max(last_day, held_until),
        blocked_until__gt=first_day,
    )
    if ignore_visit is not None:
        live = live.exclude(visit=ignore_visit)
    held: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for practitioner_id, start, blocked_until in live.values_list(
        "practitioner_id", "start", "blocked_until"
    ):
        held[practitioner_id].append((start, blocked_until))
    return _Rows(
        working=working_time(
            calendar_ids=calendars,
            start=ex.to_minutes(first_day),
            end=ex.to_minutes(last_day),
            tz=tz,
        ),
        one_off=one_off,
        busy=imported_busy(list(people), ex.to_minutes(visit_start), ex.to_minutes(visit_end)),
        held=held,
    )


def check_bookable(
    *,
    room: Room,
    sessions: Sequence[Row],
    ignore_visit: Visit | None = None,
    closures: frozenset[dt.date] | None = None,
) -> None:
    """Refuse a visit that a rule forbids (ValidationError: not working, on leave, venue
    closed, not a working day) or that collides with another booking (SlotTaken).

    The rows are read once for the whole visit (a handful of queries, whatever the number
    of sessions); the rules are then checked session by session in order, so the first
    problem found is the one reported."""
    tz = zone()
    closed = closure_days() if closures is None else closures
    rows = _read_rows(room=room, sessions=sessions, ignore_visit=ignore_visit, tz=tz)
    visit_start, visit_end = sessions[0][2], sessions[-1][3]
    for index, (_agency, practitioner, start, end) in enumerate(sessions):
        day = start.astimezone(tz).date()
        name = f"sessions.{index}.start"
        if not is_working_day(day, closures=closed):
            raise ValidationError({name: [f"{_long_date(day)} is not a working day."]})
        day_start, day_end = local_span(day, dt.time(0), dt.time(0))
        lo, hi = ex.to_minutes(start), ex.to_minutes(end)
        working = rows.working[practitioner.calendar_id]
        if end > day_end or not any(s <= lo and hi <= e for s, e in working):
            raise ValidationError(
                {
                    name: [
                        f"{practitioner.name} is not working from {_fmt(start)} "
                        f"to {end.astimezone(tz):%H:%M}."
                    ]
                }
            )
        if _overlaps(rows.one_off[practitioner.calendar_id], start, end):
            raise ValidationError({name: [f"{practitioner.name} is on leave at {_fmt(start)}."]})
        for s, e in rows.busy.get(practitioner.pk, []):
            if max(s, lo) < min(e, hi):
                raise ValidationError(
                    {
                        name: [
                            f"{practitioner.name}'s own calendar shows them busy at "
                            f"{_fmt(from_minutes(max(s, lo)))}."
                        ]
                    }
                )
        others = rows.held[practitioner.pk]
        held_until = end + dt.timedelta(minutes=practitioner.buffer_minutes)
        if _overlaps(others, start, held_until):
            raise SlotTaken(resource=f"practitioner {practitioner.name} at {_fmt(start)}")
        booked_that_day = sum(1 for s, _ in others if day_start <= s < day_end)
        if booked_that_day >= practitioner.daily_session_cap:
            raise SlotTaken(
                resource=(
                    f"practitioner {practitioner.name}: daily limit of "
                    f"{practitioner.daily_session_cap} sessions reached on "
                    f"{day:%A} {day.day} {day:%B}"
                )
            )

    day = visit_start.astimezone(tz).date()
    opening = [
        local_span(day, opens, closes)
        for opens, closes in OpeningHours.objects.filter(
            venue_id=room.venue_id, weekday=day.weekday()
        )
        .order_by()
        .values_list("opens", "closes")
    ]
    if not _within(opening, visit_start, visit_end):
        raise ValidationError(
            {
                "room": [
                    f"{room.venue.name} is not open from {_fmt(visit_start)} to "
                    f"{visit_end.astimezone(tz):%H:%M}."
                ]
            }
        )
    if _overlaps(rows.one_off[room.calendar_id], visit_start, visit_end):
        raise ValidationError({"room": [f"{room} is not available at {_fmt(visit_start)}."]})
    clashes = Visit.objects.filter(room=room, start__lt=visit_end, end__gt=visit_start).filter(
        ~Q(status=VisitStatus.CANCELLED)
    )
    if ignore_visit is not None:
        clashes = clashes.exclude(pk=ignore_visit.pk)
    if clashes.exists():
        raise SlotTaken(resource=f"room {room} at {_fmt(visit_start)}")


def imported_busy(ids: Sequence[int], start: int, end: int) -> dict[int, list[tuple[int, int]]]:
    """Busy minutes imported from practitioners' own calendars, clipped to [start, end):
    the default busy provider of the visit-options search."""
    out: dict[int, list[tuple[int, int]]] = {}
    rows = CalendarImport.objects.filter(practitioner_id__in=ids).values_list(
        "practitioner_id", "busy"
    )
    for practitioner_id, busy in rows:
        spans = [(max(s, start), min(e, end)) for s, e in busy if s < end and e > start]
        if spans:
            out[practitioner_id] = spans
    return out
