"""Reads availability rows (django-scheduler events, sessions, visits, opening hours) and
checks one proposed visit against them inside the booking transaction.

Every local rule is evaluated per local date in the YOT's named zone, so a clock change
never shifts a working pattern or an opening time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from schedule.models import Event, Occurrence

from agencies.availability import UnsupportedRule, pattern_from_event
from agencies.models import Agency, Practitioner
from screening.deadlines import closure_days
from screening.errors import SlotTaken
from screening.models import CalendarImport, Room, Session, Visit, VisitStatus
from screening.scheduling import expand as ex
from screening.scheduling.expand import from_minutes, to_minutes
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


def check_bookable(
    *, room: Room, sessions: Sequence[Row], ignore_visit: Visit | None = None
) -> None:
    """Refuse a visit that a rule forbids (ValidationError: not working, on leave, venue
    closed, not a working day) or that collides with another booking (SlotTaken)."""
    closed = closure_days()
    visit_start, visit_end = sessions[0][2], sessions[-1][3]
    for index, (_agency, practitioner, start, end) in enumerate(sessions):
        day = start.astimezone(zone()).date()
        name = f"sessions.{index}.start"
        if not is_working_day(day, closures=closed):
            raise ValidationError({name: [f"{day:%A} {day.day} {day:%B %Y} is not a working day."]})
        day_lo, day_hi = (ex.to_minutes(t) for t in local_span(day, dt.time(0), dt.time(0)))
        working = working_time(
            calendar_ids=[practitioner.calendar_id], start=day_lo, end=day_hi, tz=zone()
        )[practitioner.calendar_id]
        lo, hi = ex.to_minutes(start), ex.to_minutes(end)
        if not any(s <= lo and hi <= e for s, e in working):
            raise ValidationError(
                {
                    name: [
                        f"{practitioner.name} is not working from {_fmt(start)} "
                        f"to {end.astimezone(zone()):%H:%M}."
                    ]
                }
            )
        leave = Event.objects.filter(
            calendar_id=practitioner.calendar_id, rule__isnull=True, start__lt=end, end__gt=start
        )
        if leave.exists():
            raise ValidationError({name: [f"{practitioner.name} is on leave at {_fmt(start)}."]})
        check_not_busy_elsewhere(practitioner=practitioner, start=start, end=end, field=name)
        others = Session.objects.filter(practitioner=practitioner, cancelled=False)
        if ignore_visit is not None:
            others = others.exclude(visit=ignore_visit)
        held_until = end + dt.timedelta(minutes=practitioner.buffer_minutes)
        if others.filter(start__lt=held_until, blocked_until__gt=start).exists():
            raise SlotTaken(resource=f"practitioner {practitioner.name} at {_fmt(start)}")
        day_start, day_end = local_span(day, dt.time(0), dt.time(0))
        booked_that_day = others.filter(start__gte=day_start, start__lt=day_end).count()
        if booked_that_day >= practitioner.daily_session_cap:
            raise SlotTaken(
                resource=(
                    f"practitioner {practitioner.name}: daily limit of "
                    f"{practitioner.daily_session_cap} sessions reached on "
                    f"{day:%A} {day.day} {day:%B}"
                )
            )

    day = visit_start.astimezone(zone()).date()
    opening = [
        local_span(day, h.opens, h.closes)
        for h in room.venue.opening_hours.filter(weekday=day.weekday())
    ]
    if not _within(opening, visit_start, visit_end):
        raise ValidationError(
            {
                "room": [
                    f"{room.venue.name} is not open from {_fmt(visit_start)} to "
                    f"{visit_end.astimezone(zone()):%H:%M}."
                ]
            }
        )
    closures = Event.objects.filter(
        calendar_id=room.calendar_id, rule__isnull=True, start__lt=visit_end, end__gt=visit_start
    )
    if closures.exists():
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


def check_not_busy_elsewhere(
    *, practitioner: Practitioner, start: dt.datetime, end: dt.datetime, field: str
) -> None:
    """Refuse a session over a time the practitioner's own calendar shows as busy."""
    lo, hi = to_minutes(start), to_minutes(end)
    for s, e in imported_busy([practitioner.pk], lo, hi).get(practitioner.pk, []):
        if s < e:
            raise ValidationError(
                {
                    field: [
                        f"{practitioner.name}'s own calendar shows them busy at "
                        f"{_fmt(from_minutes(s))}."
                    ]
                }
            )
