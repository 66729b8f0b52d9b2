"""The visit search and the booking re-check apply one availability rule.

Small random calendars are built through the real services (working patterns, one-off
changes to an occurrence, leave, busy times imported from an uploaded calendar, closure
days, daily caps, buffers, other bookings, venue opening hours and room closures) over six
days around a clock change. Then (a) every option the search offers books, and (b) of a
sample of visits on the 5-minute grid, the booking accepts exactly those that the
exhaustive search (the engine's brute-force reference), run on the rows the search read,
would find. Each booking is tried in a savepoint and rolled back, so the next can be tried.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import replace

import hypothesis
import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from schedule.models import Event, Occurrence

from agencies.models import Agency, Practitioner
from agencies.services import working_pattern_create
from screening.booking.options import visit_options
from screening.booking.services import SessionRequest, visit_book, visit_reschedule
from screening.errors import SlotTaken
from screening.models import Room, Visit
from screening.scheduling.expand import from_minutes, to_minutes
from screening.scheduling.search import Option, SearchRequest, exhaustive_search, search
from screening.venues.services import room_create, venue_create
from tests.factories import make_case, make_practitioner
from tests.screening.booking.calendar_world import (
    DAYS,
    FIRST_DAYS,
    LONDON,
    Calendar,
    Change,
    Pattern,
    Person,
    Place,
    World,
    search_settings,
    world_at_its_moment,
)

CODES = ["speech_language", "health", "education", "social_care"]
LATE = "The family asked for this date."


# --- what a calendar may be (calendar_world.py says what it is made of) ----------------------


def clocks(hours=(7, 16), minutes=(0, 5, 7, 30, 55)):
    return st.builds(dt.time, st.integers(*hours), st.sampled_from(minutes))


WEEKDAYS = st.one_of(
    st.just((0, 1, 2, 3, 4)),
    st.just(tuple(range(7))),
    st.sets(st.integers(0, 6), min_size=1).map(lambda days: tuple(sorted(days))),
)
SPANS = st.tuples(st.integers(0, DAYS - 1), clocks(minutes=range(60)), st.integers(1, 240))


@st.composite
def patterns(draw) -> Pattern:
    # Mostly valid throughout, sometimes starting or ending within the six days.
    valid_from = draw(st.sampled_from([None, None, None, *range(DAYS)]))
    valid_until = draw(st.sampled_from([None, None, None, *range(valid_from or 0, DAYS)]))
    return Pattern(
        weekdays=draw(WEEKDAYS),
        start=draw(clocks(hours=(7, 13))),
        minutes=draw(st.sampled_from([480, 300, 180, 60])),
        valid_from=valid_from,
        valid_until=valid_until,
    )


# Half the patterns are the usual weekdays 09:00-17:00, so that sessions often line up.
OFFICE_HOURS = st.just(Pattern((0, 1, 2, 3, 4), dt.time(9), 480, None, None))


@st.composite
def people(draw) -> Person:
    moved = st.tuples(st.integers(0, DAYS - 1), clocks(), st.sampled_from([60, 180]))
    return Person(
        buffer=draw(st.sampled_from([0, 5, 10, 13])),
        cap=draw(st.sampled_from([6, 2, 1])),
        patterns=tuple(draw(st.lists(OFFICE_HOURS | patterns(), min_size=1, max_size=2))),
        change=draw(
            st.one_of(st.none(), st.builds(Change, st.integers(0, DAYS - 1), st.none() | moved))
        ),
        leave=draw(st.none() | SPANS),
        busy=tuple(draw(st.lists(SPANS, max_size=2))),
    )


@st.composite
def places(draw) -> Place:
    rows = []
    for weekday in draw(WEEKDAYS):
        opens = draw(clocks(hours=(7, 10), minutes=(0, 30)))
        closes = draw(clocks(hours=(16, 19), minutes=(0, 30)))
        split = draw(st.sampled_from([None, "touching", "gap"]))
        if split is None:
            rows.append((weekday, opens, closes))
        else:  # two rows that day: 12:00 to 12:30 closed, or no break at all
            rows.append((weekday, opens, dt.time(12)))
            rows.append((weekday, dt.time(12) if split == "touching" else dt.time(12, 30), closes))
    return Place(opening=tuple(rows), closed=draw(st.none() | SPANS))


@st.composite
def calendars(draw) -> Calendar:
    codes = tuple(
        sorted(draw(st.sets(st.sampled_from(CODES), min_size=1, max_size=3)), key=CODES.index)
    )
    min_gap = draw(st.sampled_from([5, 0, 10]))
    bookings = draw(st.integers(0, 2))
    return Calendar(
        season=draw(st.sampled_from(sorted(FIRST_DAYS))),
        now=(draw(st.integers(0, 300)), draw(st.integers(0, 59))),
        codes=codes,
        durations={
            code: draw(st.sampled_from([15, 20, 30, 33, 45]))
            for code in codes
            if draw(st.booleans())
        },
        order=draw(st.sampled_from(["fixed", "any"])) if len(codes) > 1 else "fixed",
        gaps=(min_gap, min_gap + draw(st.sampled_from([15, 5, 0]))),
        people={code: tuple(draw(st.lists(people(), min_size=1, max_size=2))) for code in codes},
        places=tuple(draw(st.lists(places(), min_size=1, max_size=2))),
        closure=draw(st.none() | st.integers(0, DAYS - 1)),
        bookings=bookings,
        count=draw(st.integers(1, 5)),
        reschedule=bookings > 0 and draw(st.booleans()),
        order_day=draw(st.sampled_from([None, None, *range(DAYS)])),
    )


# --- one visit, as the engine plans it and as the booking is asked for it ------------------

Plan = tuple[int, tuple[tuple[str, int, int, int], ...]]  # room, (agency, person, start, end)


def plan_of(option: Option) -> Plan:
    return option.room, tuple((s.agency, s.practitioner, s.start, s.end) for s in option.sessions)


def _asked(world: World, plan: Plan, *, late_reason: str = LATE) -> dict:
    room, sessions = plan
    return {
        "room": world.rooms[room],
        "late_reason": late_reason,
        "min_gap": world.calendar.gaps[0],
        "max_gap": world.calendar.gaps[1],
        "sessions": [
            SessionRequest(
                agency=next(a for a in world.agencies if a.code == code),
                practitioner=world.practitioners[person],
                start=from_minutes(start),
                end=from_minutes(end),
            )
            for code, person, start, end in sessions
        ],
    }


def books(
    world: World, case, plan: Plan, *, visit: Visit | None = None, late_reason: str = LATE
) -> str:
    """'' when the booking (or the move of `visit`) goes through, else why not; nothing is
    kept either way."""
    asked = _asked(world, plan, late_reason=late_reason)
    try:
        with transaction.atomic():
            if visit is None:
                visit_book(case=case, **asked)
            else:
                visit_reschedule(visit=visit, **asked)
            transaction.set_rollback(True)
    except (ValidationError, SlotTaken) as refused:
        return str(refused) or repr(refused)
    return ""


def engine_allows(request: SearchRequest, plan: Plan) -> bool:
    """Every rule the engine applies to an option, checked on its own input."""
    room_id, sessions = plan
    free = {c.id: c.free for c in request.candidates}
    room = next(r for r in request.rooms if r.id == room_id)
    start, end = sessions[0][2], sessions[-1][3]

    def inside(spans, lo, hi):
        return any(a <= lo and hi <= b for a, b in spans)

    return (
        start >= request.earliest
        and inside(room.free, start, end)
        and all(s % request.grid == 0 and inside(free[p], s, e) for _, p, s, e in sessions)
        and all(
            request.min_gap <= b[2] - a[3] <= request.max_gap
            for a, b in itertools.pairwise(sessions)
        )
    )


def _shifted(plan: Plan, minutes: int, *, first: int = 0) -> Plan:
    room, sessions = plan
    return room, tuple(
        (code, p, s + minutes, e + minutes) if k >= first else (code, p, s, e)
        for k, (code, p, s, e) in enumerate(sessions)
    )


def plans_near(world: World, request: SearchRequest, option: Option, data) -> list[Plan]:
    """An option and visits a step away from it: moved, a gap longer or shorter, another
    practitioner of the same agency, another room."""
    plan = plan_of(option)
    room, sessions = plan
    out = [plan, _shifted(plan, data.draw(st.sampled_from([-10, -5, 5, 10])))]
    if len(sessions) > 1:
        out.append(_shifted(plan, data.draw(st.sampled_from([-5, 5])), first=len(sessions) - 1))
    k = data.draw(st.integers(0, len(sessions) - 1))
    code, person, start, end = sessions[k]
    others = [c.id for c in request.candidates if c.agency == code and c.id != person]
    if others:
        swapped = (code, data.draw(st.sampled_from(others)), start, end)
        out.append((room, (*sessions[:k], swapped, *sessions[k + 1 :])))
    if len(world.rooms) > 1:
        out.append((next(r for r in world.rooms if r != room), sessions))
    return out


def random_plan(world: World, request: SearchRequest, data) -> Plan:
    """A visit on the grid in an order the search may choose: anywhere in the six days, or
    with one session starting or ending near a moment where some rule changes (an edge of
    someone's free time or of a room's, leave, a busy time, a closure, another booking)."""
    order = list(request.sessions)
    if request.order == "any":
        order = data.draw(st.permutations(order))
    edges = world.moments + [
        edge
        for slot in (*request.candidates, *request.rooms)
        for span in slot.free
        for edge in span
    ]
    if edges and data.draw(st.booleans()):
        k = data.draw(st.integers(0, len(order) - 1))
        near = data.draw(st.sampled_from(edges)) - sum(s.duration for s in order[:k])
        at = near - near % request.grid + request.grid * data.draw(st.integers(-7, 7))
    else:
        day, time = data.draw(st.integers(0, DAYS - 1)), data.draw(clocks((7, 18), range(0, 60, 5)))
        at = to_minutes(world.local(day, time))
    sessions = []
    for spec in order:
        people = sorted(c.id for c in request.candidates if c.agency == spec.agency)
        sessions.append((spec.agency, data.draw(st.sampled_from(people)), at, at + spec.duration))
        end = at + spec.duration
        lo = -(-(end + request.min_gap) // request.grid) * request.grid
        at = data.draw(st.sampled_from(range(lo, max(lo, end + request.max_gap) + 1, request.grid)))
    return data.draw(st.sampled_from(sorted(world.rooms))), tuple(sessions)


REASONS = [
    "not a working day",
    "not working",
    "on leave",
    "busy",
    "daily limit",
    "practitioner",
    "is not open",
    "not available",
    "room",
    "notice",
    "gap",
    "grid",
]


def _why(refused: str) -> str:
    """The rule a refusal names, for the test's statistics."""
    return next((reason for reason in REASONS if reason in refused), refused)


def check_one_rule(calendar: Calendar, data) -> None:
    note(f"{calendar!r}")
    # The whole horizon read at once (search_settings), so `found.request` holds every row;
    # reading a day first and widening is checked against it below.
    with world_at_its_moment(calendar) as world:
        first_day, now = world.first_day, world.now
        visit = None
        for _ in range(calendar.bookings):  # other bookings: offered by the search, so they book
            case = world.case()
            found = world.ask(case)
            offered = found.options + found.after_deadline
            if offered:
                option = data.draw(st.sampled_from(offered))
                assert books(world, case, plan_of(option)) == ""
                visit = visit_book(case=case, **_asked(world, plan_of(option)))
                for held in visit.sessions.all():
                    world.moments += [to_minutes(held.start), to_minutes(held.blocked_until)]
        moving = visit if calendar.reschedule else None
        case = moving.case if moving is not None else world.case()
        found = world.ask(case, ignore_visit=moving)
        # Rows read a day at a time first, widened while what lies beyond could change the
        # answer: the same options, options after the deadline and reasons.
        with override_settings(SCREENING_SCHEDULING=search_settings(first_window_days=1)):
            windowed = world.ask(case, ignore_visit=moving)
        assert windowed.options == found.options
        assert windowed.after_deadline == found.after_deadline
        assert windowed.reasons == found.reasons
        # (a) every option offered books (or the visit moves there), and one offered before
        # the deadline needs no reason for being late.
        for option in found.options:
            assert books(world, case, plan_of(option), visit=moving, late_reason="") == "", option
        for option in found.after_deadline:
            assert books(world, case, plan_of(option), visit=moving) == "", option
        # Nothing is offered before the order starts, unless asked for (not_before); the
        # booking has no such rule, so what it accepts is compared with a search from now.
        order_start = to_minutes(world.local((world.order_start() - first_day).days, dt.time(0)))
        assert all(o.start >= order_start for o in found.options + found.after_deadline)
        if calendar.order_day is not None:
            hypothesis.event("order starting within the six days")
            found = world.ask(case, ignore_visit=moving, not_before=now)
        # (b) the booking accepts exactly what the exhaustive search allows.
        request = replace(found.request, latest_end=None, count=10**6)
        every = exhaustive_search(request)
        starts = {(o.start, o.room) for o in every}
        assert [(o.start, o.room, o.span) for o in search(request)] == [
            (o.start, o.room, o.span) for o in every
        ]
        tried = []
        for option in data.draw(st.lists(st.sampled_from(every), max_size=2)) if every else []:
            tried += plans_near(world, request, option, data)
        tried += [random_plan(world, request, data) for _ in range(6)]
        hypothesis.event("moving a visit" if moving else "booking a visit")
        hypothesis.event(f"options offered: {min(len(found.options + found.after_deadline), 3)}")
        for plan in dict.fromkeys(tried):
            allowed = engine_allows(request, plan)
            refused = books(world, case, plan, visit=moving)
            assert (refused == "") == allowed, (plan, refused or "booked")
            if allowed:
                assert (plan[1][0][2], plan[0]) in starts
            hypothesis.event(f"refused: {_why(refused)}" if refused else "booked")


@pytest.mark.django_db
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calendar=calendars(), data=st.data())
def test_search_and_booking_agree_on_small_calendars(calendar, data):
    check_one_rule(calendar, data)


@pytest.mark.slow
@pytest.mark.django_db
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calendar=calendars(), data=st.data())
def test_search_and_booking_agree_at_length(calendar, data):
    check_one_rule(calendar, data)


# --- examples the property found, kept by name ---------------------------------------------

HEALTH_MINUTES = 45  # the health agency's default session


def _freeze(monkeypatch, moment: dt.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(dt.UTC))


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def _offered(found) -> list[dt.datetime]:
    return [from_minutes(o.start).astimezone(LONDON) for o in found.options + found.after_deadline]


def _book_health(case, room, practitioner, start: dt.datetime) -> Visit:
    health = Agency.objects.get(code="health")
    request = SessionRequest(agency=health, practitioner=practitioner, start=start)
    return visit_book(case=case, room=room, sessions=[request], late_reason=LATE)


def _health_worker(weekdays=(0, 1, 2, 3, 4), hours=(9, 17), **extra) -> Practitioner:
    from tests.factories import make_working_practitioner

    return make_working_practitioner(agency="health", weekdays=weekdays, hours=hours, **extra)


def _room(opening=None) -> Room:
    venue = venue_create(name="Civic Centre", address="1 High Street", opening_hours=opening)
    return room_create(venue=venue, name="Room 1")


# Thursday 28 October 2027; the order started on Monday 25 October, so the visit is due on
# Monday 1 November (five working days on).
THURSDAY = dt.date(2027, 10, 28)
ORDER_START = dt.date(2027, 10, 25)


def test_the_search_offers_no_weekend_day_even_when_someone_works_it(db, monkeypatch):
    """A practitioner working Saturdays at a venue open every day: Saturday 30 October 2027
    is not a working day, so the search offers it no more than the booking accepts it."""
    _freeze(monkeypatch, _at(THURSDAY, 8))
    practitioner = _health_worker(weekdays=[5])
    room = _room([{"weekday": d, "opens": dt.time(8), "closes": dt.time(18)} for d in range(7)])
    case = make_case(order_start_date=ORDER_START)
    found = visit_options(case=case, agencies=[Agency.objects.get(code="health")], count=3)
    assert _offered(found) == []
    with pytest.raises(ValidationError, match="Saturday 30 October 2027 is not a working day"):
        _book_health(case, room, practitioner, _at(dt.date(2027, 10, 30), 9))


def test_moving_a_visit_is_offered_the_times_it_holds_itself(db, monkeypatch):
    """The visit being moved holds nothing, in the search as in the booking re-check: its
    own session's time (and buffer) and the day its own session fills to the daily cap."""
    from screening.booking.services import visit_reschedule

    _freeze(monkeypatch, _at(THURSDAY, 8))
    monday = dt.date(2027, 11, 1)
    practitioner = _health_worker(weekdays=[0], hours=(9, 10), daily_session_cap=1)
    room = _room()
    case = make_case(order_start_date=ORDER_START)
    visit = _book_health(case, room, practitioner, _at(monday, 9))
    health = Agency.objects.get(code="health")
    found = visit_options(case=case, agencies=[health], count=4, ignore_visit=visit)
    assert _offered(found) == [_at(monday, 9, m) for m in (0, 5, 10, 15)]
    request = SessionRequest(agency=health, practitioner=practitioner, start=_at(monday, 9, 15))
    moved = visit_reschedule(visit=visit, room=room, sessions=[request], late_reason=LATE)
    assert moved.start == _at(monday, 9, 15)


@pytest.mark.parametrize(
    "moved_to",
    [dt.date(2027, 10, 28), dt.date(2027, 11, 1)],
    ids=["before-the-pattern-begins", "after-it-ends"],
)
def test_an_occurrence_moved_outside_its_pattern_is_worked_where_it_went(db, monkeypatch, moved_to):
    """A pattern valid on Friday 29 October 2027 only, its one occurrence (09:00-12:00)
    moved to 13:00-16:00 on the day before, or on the Monday after: both the search and the
    booking re-check count the new time, though the pattern itself is not valid that day."""
    _freeze(monkeypatch, _at(THURSDAY, 8))
    friday = dt.date(2027, 10, 29)
    practitioner = make_practitioner(agency="health")
    pattern = working_pattern_create(
        practitioner=practitioner,
        weekdays=[4],
        start_time=dt.time(9),
        end_time=dt.time(12),
        valid_from=friday,
        valid_until=friday,
    )
    Occurrence.objects.create(
        event=Event.objects.get(pk=pattern.id),
        title="Working pattern",
        start=_at(moved_to, 13),
        end=_at(moved_to, 16),
        original_start=_at(friday, 9),
        original_end=_at(friday, 12),
    )
    room = _room()
    case = make_case(order_start_date=ORDER_START)
    found = visit_options(case=case, agencies=[Agency.objects.get(code="health")], count=2)
    assert _offered(found) == [_at(moved_to, 13), _at(moved_to, 13, 5)]
    assert _book_health(case, room, practitioner, _at(moved_to, 13)).start == _at(moved_to, 13)


def test_a_venue_open_in_two_rows_that_meet_is_open_across_them(db, monkeypatch):
    """Opening hours of 08:00-12:00 and 12:00-18:00 on a Thursday are one open stretch:
    the search offers 11:45-12:30 and the booking re-check accepts it."""
    _freeze(monkeypatch, _at(THURSDAY, 8))
    practitioner = _health_worker()
    room = _room(
        [
            {"weekday": 3, "opens": dt.time(8), "closes": dt.time(12)},
            {"weekday": 3, "opens": dt.time(12), "closes": dt.time(18)},
        ]
    )
    case = make_case(order_start_date=ORDER_START)
    found = visit_options(case=case, agencies=[Agency.objects.get(code="health")], count=30)
    assert _at(THURSDAY, 11, 45) in _offered(found)
    visit = _book_health(case, room, practitioner, _at(THURSDAY, 11, 45))
    assert visit.end == _at(THURSDAY, 11, 45) + dt.timedelta(minutes=HEALTH_MINUTES)


def test_the_first_option_leaves_the_full_notice_when_now_is_past_the_minute(db, monkeypatch):
    """At 07:55:30 two hours' notice runs to 09:55:30: the first start offered is 10:00,
    which books; 09:55 would be refused for notice."""
    _freeze(monkeypatch, _at(THURSDAY, 7, 55) + dt.timedelta(seconds=30))
    practitioner = _health_worker()
    room = _room()
    case = make_case(order_start_date=ORDER_START)
    found = visit_options(case=case, agencies=[Agency.objects.get(code="health")], count=1)
    assert _offered(found) == [_at(THURSDAY, 10)]
    with pytest.raises(ValidationError, match="notice"):
        _book_health(case, room, practitioner, _at(THURSDAY, 9, 55))
    assert _book_health(case, room, practitioner, _at(THURSDAY, 10)).start == _at(THURSDAY, 10)
