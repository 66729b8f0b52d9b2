"""Who is where, day by day: each practitioner's and each room's booked sessions and visits,
leave, imported busy times and closures, with the free stretches of working or opening time
between them; and a venue's day sheet for reception.

It reads the calendars and rows the one-visit search reads (`calendar_times`,
`imported_busy`, the opening hours), and shows them as they are: free here is working time
with nothing in it, without the buffers and daily caps the search also applies before it
offers a slot.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from agencies.local_time import yot_zone
from agencies.models import Agency, Practitioner
from screening.booking.availability import (
    calendar_times,
    imported_busy,
    room_closures,
    room_opening,
)
from screening.models import Room, Session, Venue, Visit, VisitStatus
from screening.people.deadlines import closure_days
from screening.people.workdays import bank_holiday_name, is_working_day
from screening.scheduling import expand as ex
from screening.scheduling.intervals import Interval, clip, normalise, subtract

MAX_DAYS = 14

KIND_NAMES = {
    "free": "Free",
    "session": "Session",
    "visit": "Visit",
    "leave": "Leave",
    "busy": "Busy",
    "closed": "Closed",
}


@dataclass(frozen=True)
class Stretch:
    """Part of one lane's day, in local time: `kind` is free, session, visit, leave, busy or
    closed; `visit_id` links a session or visit to its visit page."""

    start: dt.datetime
    end: dt.datetime
    kind: str
    label: str = ""
    visit_id: int | None = None

    @property
    def kind_name(self) -> str:
        return KIND_NAMES[self.kind]


@dataclass(frozen=True)
class Lane:
    """One practitioner or room across the days shown."""

    key: str
    name: str
    detail: str
    days: tuple[tuple[Stretch, ...], ...]


@dataclass(frozen=True)
class Day:
    date: dt.date
    closed: str  # why nobody works that day ("Saturday", "Christmas Day", "Closure day"), or ""


@dataclass(frozen=True)
class WeekView:
    days: tuple[Day, ...]
    practitioners: tuple[Lane, ...]
    rooms: tuple[Lane, ...]


def _why_closed(day: dt.date, closures: frozenset[dt.date]) -> str:
    if day.weekday() >= 5:
        return day.strftime("%A")
    holiday = bank_holiday_name(day)
    if holiday:
        return holiday
    if day in closures:
        return "Closure day"
    return ""


def _local(minute: int, zone) -> dt.datetime:
    return ex.from_minutes(minute).astimezone(zone)


def _lane_days(
    *,
    days: tuple[Day, ...],
    zone,
    base: list[Interval],
    items: list[tuple[int, int, str, str, int | None]],
) -> tuple[tuple[Stretch, ...], ...]:
    """Each day's stretches: the items (start, end, kind, label, visit) that touch it, and
    the parts of `base` (working or opening time) that no item covers, as free."""
    covered = normalise([(s, e) for s, e, *_ in items])
    free = subtract(normalise(base), covered)
    out = []
    for day in days:
        lo, hi = ex.local_day_bounds(day=day.date, zone=zone)
        stretches = [
            Stretch(_local(max(s, lo), zone), _local(min(e, hi), zone), kind, label, visit)
            for s, e, kind, label, visit in items
            if s < hi and e > lo
        ]
        stretches += [
            Stretch(_local(s, zone), _local(e, zone), "free") for s, e in clip(free, lo, hi)
        ]
        stretches.sort(key=lambda x: (x.start, x.end, x.kind))
        out.append(tuple(stretches))
    return tuple(out)


def week_view(
    *,
    first_day: dt.date,
    days: int = 7,
    venue: Venue | None = None,
    agency: Agency | None = None,
) -> WeekView:
    """`days` days from `first_day` (at most MAX_DAYS): every active practitioner (of
    `agency`, if given) and every active room (of `venue`, if given)."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be between 1 and {MAX_DAYS}")
    zone = yot_zone()
    closures = closure_days()
    shown = tuple(
        Day(day, _why_closed(day, closures))
        for day in (first_day + dt.timedelta(days=n) for n in range(days))
    )
    start = ex.local_day_bounds(day=first_day, zone=zone)[0]
    end = ex.local_day_bounds(day=shown[-1].date, zone=zone)[1]
    closed = ex.days_to_blocks(
        days=[d.date for d in shown if not is_working_day(d.date, closures=closures)], zone=zone
    )
    lo, hi = ex.from_minutes(start), ex.from_minutes(end)

    practitioners = Practitioner.objects.filter(is_active=True).select_related("agency")
    if agency is not None:
        practitioners = practitioners.filter(agency=agency)
    practitioners = list(practitioners.order_by("agency__name", "name", "id"))
    rooms = Room.objects.filter(is_active=True).select_related("venue")
    if venue is not None:
        rooms = rooms.filter(venue=venue)
    rooms = list(rooms.prefetch_related("venue__opening_hours").order_by("venue__name", "name"))

    calendars = [p.calendar_id for p in practitioners]
    times = calendar_times(
        working_calendars=calendars, away_calendars=calendars, start=start, end=end, tz=zone
    )
    busy = imported_busy([p.pk for p in practitioners], start, end)
    sessions: dict[int, list[tuple[int, int, str, str, int | None]]] = defaultdict(list)
    rows = (
        Session.objects.filter(
            practitioner__in=practitioners, cancelled=False, start__lt=hi, end__gt=lo
        )
        .exclude(visit__status=VisitStatus.CANCELLED)
        .values_list(
            "practitioner_id",
            "start",
            "end",
            "agency__name",
            "visit_id",
            "visit__room__name",
            "visit__venue__name",
            "visit__case__reference",
        )
    )
    for pid, s_start, s_end, agency_name, visit_id, room, venue_name, reference in rows:
        where = f"{room} ({venue_name})" if room is not None else venue_name
        label = f"{agency_name} session, case {reference}, {where}"
        span = (ex.to_minutes(s_start), ex.to_minutes(s_end))
        sessions[pid].append((*span, "session", label, visit_id))

    practitioner_lanes = []
    for p in practitioners:
        items = list(sessions.get(p.pk, []))
        items += [
            (ex.to_minutes(s), ex.to_minutes(e), "leave", "On leave", None)
            for s, e in times.away.get(p.calendar_id, [])
        ]
        items += [(s, e, "busy", "Busy in their own calendar", None) for s, e in busy.get(p.pk, [])]
        working = subtract(normalise(times.working.get(p.calendar_id, [])), closed)
        practitioner_lanes.append(
            Lane(
                key=f"practitioner-{p.pk}",
                name=p.name,
                detail=p.agency.name,
                days=_lane_days(days=shown, zone=zone, base=working, items=items),
            )
        )

    visits: dict[int, list[tuple[int, int, str, str, int | None]]] = defaultdict(list)
    for rid, v_id, v_start, v_end, reference in (
        Visit.objects.filter(room__in=rooms, start__lt=hi, end__gt=lo)
        .exclude(status=VisitStatus.CANCELLED)
        .values_list("room_id", "id", "start", "end", "case__reference")
    ):
        span = (ex.to_minutes(v_start), ex.to_minutes(v_end))
        visits[rid].append((*span, "visit", f"Visit, case {reference}", v_id))
    closed_rooms = room_closures(rooms, lo, hi)

    room_lanes = []
    for room in rooms:
        opening = room_opening(room, start, end, zone)
        items = list(visits.get(room.pk, []))
        closures = closed_rooms.get(room.calendar_id, [])
        items += [(s, e, "closed", "Closed", None) for s, e in closures]
        room_lanes.append(
            Lane(
                key=f"room-{room.pk}",
                name=room.name,
                detail=room.venue.name,
                days=_lane_days(
                    days=shown,
                    zone=zone,
                    base=subtract(normalise(opening), closed),
                    items=items,
                ),
            )
        )
    return WeekView(days=shown, practitioners=tuple(practitioner_lanes), rooms=tuple(room_lanes))


@dataclass(frozen=True)
class SheetSession:
    start: dt.datetime
    end: dt.datetime
    agency: str
    practitioner: str


@dataclass(frozen=True)
class SheetVisit:
    """One visit on a venue's day sheet: when, where, who comes and whom they see. A home
    or school visit has no room (`room` empty); a visit at a venue with travel says when
    its practitioners set out and are back."""

    visit_id: int
    start: dt.datetime
    end: dt.datetime
    room: str
    young_person: str
    reference: str
    communication_needs: str
    sessions: tuple[SheetSession, ...]
    travel_minutes: int = 0

    @property
    def sets_out(self) -> dt.datetime:
        return self.start - dt.timedelta(minutes=self.travel_minutes)

    @property
    def back(self) -> dt.datetime:
        return self.end + dt.timedelta(minutes=self.travel_minutes)


def day_sheet(*, venue: Venue, day: dt.date) -> list[SheetVisit]:
    """The booked visits at `venue` on `day`, earliest first, for reception to greet each
    young person and send them to the right room; at a home or school (no room), for the
    practitioners going out, with the journey each way."""
    zone = yot_zone()
    lo, hi = (ex.from_minutes(m) for m in ex.local_day_bounds(day=day, zone=zone))
    visits = (
        Visit.objects.filter(venue=venue, start__lt=hi, end__gt=lo)
        .exclude(status=VisitStatus.CANCELLED)
        .select_related("room", "venue", "case__young_person")
        .prefetch_related("sessions__agency", "sessions__practitioner")
        .order_by("start", "id")
    )
    out = []
    for visit in visits:
        person = visit.case.young_person
        out.append(
            SheetVisit(
                visit_id=visit.pk,
                start=visit.start.astimezone(zone),
                end=visit.end.astimezone(zone),
                room=visit.room.name if visit.room is not None else "",
                young_person=str(person),
                reference=visit.case.reference,
                communication_needs=person.communication_needs,
                sessions=tuple(
                    SheetSession(
                        s.start.astimezone(zone),
                        s.end.astimezone(zone),
                        s.agency.name,
                        s.practitioner.name,
                    )
                    for s in sorted(visit.sessions.all(), key=lambda s: (s.start, s.pk))
                    if not s.cancelled
                ),
                travel_minutes=visit.venue.travel_minutes,
            )
        )
    return out


__all__ = [
    "KIND_NAMES",
    "MAX_DAYS",
    "Day",
    "Lane",
    "SheetVisit",
    "Stretch",
    "WeekView",
    "day_sheet",
    "week_view",
]
