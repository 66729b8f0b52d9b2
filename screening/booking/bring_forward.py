"""Bring forward: earlier times freed by cancellations and moves, offered to cases waiting
for a visit or booked after their deadline. Nothing moves by itself: the admin books an
offer through the usual services, which re-check it
(docs/decisions/0018-parent-carer-and-bring-forward.md; time a home or school visit
freed: docs/decisions/0024-freed-time-from-home-and-school-visits.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from agencies.local_time import yot_zone
from screening.booking.options import VisitOptions, visit_options
from screening.models import LIVE_VISIT, Case, FreedSlot, Venue, Visit, VisitStatus
from screening.scheduling import expand as ex
from screening.scheduling.search import Option

# Bounds on the cost of one list (each search is one visit_options call): at most
# CASES_LIMIT candidate cases, earliest due first; for each, at most SLOTS_PER_CASE freed
# slots tried (earliest first, skipping those an earlier search already showed cannot
# hold a visit), out of the first SLOTS_LIMIT freed slots still ahead. So a page costs at
# most CASES_LIMIT * SLOTS_PER_CASE searches.
CASES_LIMIT = 10
SLOTS_PER_CASE = 3
SLOTS_LIMIT = 30


@dataclass
class Offer:
    """An earlier visit for a case, inside time a cancellation freed."""

    case: Case
    current: Visit | None  # the case's booked visit it would replace (None: book one)
    slot: FreedSlot
    option: Option
    found: VisitOptions  # names of the option's room and practitioners


def freed_slots_ahead(*, now: dt.datetime | None = None) -> list[FreedSlot]:
    """The first SLOTS_LIMIT freed slots that start after the minimum notice, earliest
    first; past ones are never offered again."""
    now = now or timezone.now()
    notice = dt.timedelta(minutes=settings.SCREENING_SCHEDULING["minimum_notice_minutes"])
    return list(
        FreedSlot.objects.filter(start__gt=now + notice)
        .select_related("room", "venue", "visit")
        .order_by("start", "id")[:SLOTS_LIMIT]
    )


def deadline_end(case: Case) -> dt.datetime:
    """The end of the case's visit due day (local midnight after it)."""
    day = case.visit_due_by + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(0), tzinfo=yot_zone())


def bring_forward_candidates(*, after: dt.datetime) -> list[Case]:
    """At most CASES_LIMIT cases that could use earlier time, earliest due first: waiting
    for a visit (none booked or done), or whose booked first visit (not a missed session's
    rebooking) starts after the day it was due by and after `after` (the first freed time:
    a visit before it cannot come earlier)."""
    now = timezone.now()
    live = Visit.objects.filter(case=OuterRef("pk"), status__in=LIVE_VISIT)
    first_booked = Visit.objects.filter(
        case=OuterRef("pk"), status=VisitStatus.BOOKED, rebook_of__isnull=True, start__gt=now
    ).order_by("start", "id")
    cases = Case.objects.select_related("young_person").order_by("visit_due_by", "id")
    waiting = list(cases.filter(findings_due_by__isnull=True).exclude(Exists(live))[:CASES_LIMIT])
    # A case's deadline ends at local midnight after its due day, so the comparison is made
    # here in the YOT's zone; cases are read in due order, only those due before the latest
    # freed time could gain, and the first CASES_LIMIT late ones are kept.
    booked = cases.annotate(booked_start=Subquery(first_booked.values("start")[:1])).filter(
        booked_start__gt=after
    )
    late: list[Case] = []
    for case in booked.iterator(chunk_size=200):
        if case.booked_start >= deadline_end(case):
            late.append(case)
            if len(late) >= CASES_LIMIT:
                break
    both = sorted(waiting + late, key=lambda c: (c.visit_due_by, c.pk))
    return both[:CASES_LIMIT]


def current_visit_of(case: Case) -> Visit | None:
    """The case's booked first visit still ahead (not a rebooking), if any."""
    return (
        Visit.objects.filter(
            case=case, status=VisitStatus.BOOKED, rebook_of__isnull=True, start__gt=timezone.now()
        )
        .select_related("venue")
        .prefetch_related("sessions__agency")
        .order_by("start", "id")
        .first()
    )


def freed_span(slot: FreedSlot) -> tuple[int, int]:
    """The practitioners' time a freed slot gave back, in engine minutes: the visit's span
    with the journey to its venue and back (they were held for it too)."""
    trip = slot.venue.travel_minutes
    return ex.to_minutes(slot.start) - trip, ex.to_minutes(slot.end) + trip


def _overlaps(option: Option, slot: FreedSlot) -> bool:
    lo, hi = freed_span(slot)
    return option.start < hi and lo < option.end


def places_for(current: Visit | None) -> list[Venue] | None:
    """Where an offer may be: every active room (None: the search's default), and, for a
    case whose booked visit is at a home or school, that venue too, so it can come earlier
    where it was booked. A freed home or school visit's own venue is never offered to
    another case: which family lives there or which pupils a school has is not known here
    (docs/decisions/0024-freed-time-from-home-and-school-visits.md)."""
    if current is None or current.venue.needs_room:
        return None
    with_rooms = list(Venue.objects.filter(rooms__is_active=True).distinct())
    return [*with_rooms, current.venue]


def offer_for(*, case: Case, slots: list[FreedSlot] | None = None) -> Offer | None:
    """The earliest visit for `case` that overlaps a freed slot and is earlier than its
    current visit (or any, when none is booked), found by the real visit_options from each
    slot's start (strict about unavailable times, so earliest first): None when the case
    needs nothing earlier or no freed time fits it."""
    current = current_visit_of(case)
    if current is not None and current.start < deadline_end(case):
        return None  # booked in time: nothing to bring forward
    if current is None and Visit.objects.filter(case=case, status__in=LIVE_VISIT).exists():
        return None  # visited already, or only a missed session's rebooking is booked
    slots = freed_slots_ahead() if slots is None else slots
    order_start = dt.datetime.combine(case.order_start_date, dt.time(0), tzinfo=yot_zone())
    # Not before the order starts, and never back to the case whose visit gave it up.
    slots = [s for s in slots if s.end > order_start and s.visit.case_id != case.pk]
    if current is not None:
        slots = [s for s in slots if s.start < current.start and s.visit_id != current.pk]
    asked: dict[str, object] = {}
    if current is not None:
        sessions = [s for s in current.sessions.all() if not s.cancelled]
        asked["agencies"] = [s.agency for s in sessions]
        asked["durations"] = {
            s.agency.code: int((s.end - s.start).total_seconds() // 60) for s in sessions
        }
    venues = places_for(current)
    tried, shown_from = 0, -1
    for slot in slots:
        if tried >= SLOTS_PER_CASE:
            break
        # A search from an earlier slot found nothing before shown_from: a slot ending by
        # then cannot hold a visit either.
        if freed_span(slot)[1] <= shown_from:
            continue
        tried += 1
        found = visit_options(
            case=case,
            not_before=max(ex.from_minutes(freed_span(slot)[0]), order_start),
            respect_unavailable=True,
            count=1,
            ignore_visit=current,
            venues=venues,
            **asked,
        )
        first = (found.options or found.after_deadline)[:1]
        if not first:
            break  # nothing at all from this slot on: later slots give nothing either
        option = first[0]
        shown_from = option.start
        if current is not None and option.start >= ex.to_minutes(current.start):
            break
        hit = next((s for s in slots if _overlaps(option, s)), None)
        if hit is not None:
            return Offer(case=case, current=current, slot=hit, option=option, found=found)
    return None


def bring_forward_list() -> list[Offer]:
    """An offer for each of the first CASES_LIMIT candidate cases that has one."""
    slots = freed_slots_ahead()
    if not slots:
        return []
    offers = []
    for case in bring_forward_candidates(after=slots[0].start):
        offer = offer_for(case=case, slots=slots)
        if offer is not None:
            offers.append(offer)
    return offers
