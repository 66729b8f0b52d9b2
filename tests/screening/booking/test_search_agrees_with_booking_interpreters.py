"""The visit search and the booking re-check apply one availability rule, with interpreters.

The small random calendars of test_search_agrees_with_booking (built through the real
services) gain a pool of interpreters, each with working patterns, a changed occurrence and
leave stored as practitioners' are, and languages that may not be the one needed; some
young people need a Polish interpreter, and the other bookings hold the interpreter their
option found free (so interpreters have other visits). Then (a) every option the search
offers books through the real booking service with the option's interpreter, (b) the
search's earliest option is the exhaustive search's (the engine's brute-force reference,
run on the rows the search read), and (c) of a sample of visits near the options and on the
5-minute grid, each with one interpreter of the pool (or one who speaks another language),
the booking accepts exactly those the engine's rule allows: the room and practitioners as
before, and the interpreter free for the visit's whole span, gaps included. Each booking is
tried in a savepoint and rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import hypothesis
import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from agencies.models import Interpreter
from agencies.services import interpreter_create
from screening.booking.services import visit_book, visit_reschedule
from screening.errors import SlotTaken
from screening.models import Visit
from screening.scheduling.expand import to_minutes
from screening.scheduling.search import Option, SearchRequest, exhaustive_search, search
from tests.factories import make_case, make_young_person
from tests.screening.booking.calendar_world import (
    DAYS,
    Calendar,
    Change,
    Person,
    World,
    add_availability,
    world_at_its_moment,
)
from tests.screening.booking.test_search_agrees_with_booking import (
    LATE,
    OFFICE_HOURS,
    SPANS,
    Plan,
    _asked,
    _why,
    calendars,
    clocks,
    engine_allows,
    patterns,
    plan_of,
    plans_near,
    random_plan,
)

NEEDED = "pl"  # the language the young people who need an interpreter speak


@dataclass(frozen=True)
class Pool:
    interpreters: tuple[tuple[tuple[str, ...], Person], ...]  # (languages, availability)
    needs: tuple[bool, ...]  # for each other booking in turn, then the visit asked about


@st.composite
def interpreters(draw) -> Person:
    moved = st.tuples(st.integers(0, DAYS - 1), clocks(), st.sampled_from([60, 180]))
    return Person(
        buffer=0,
        cap=6,
        patterns=tuple(draw(st.lists(OFFICE_HOURS | patterns(), min_size=1, max_size=2))),
        change=draw(
            st.one_of(st.none(), st.builds(Change, st.integers(0, DAYS - 1), st.none() | moved))
        ),
        leave=draw(st.none() | SPANS),
        busy=(),
    )


@st.composite
def pools(draw) -> Pool:
    languages = st.sampled_from([("pl",), ("pl",), ("pl", "ro"), ("ro",)])
    return Pool(
        # Now and then none at all: then nothing is offered and nothing books.
        interpreters=tuple(
            draw(st.tuples(languages, interpreters()))
            for _ in range(draw(st.sampled_from([1, 1, 2, 2, 3, 0])))
        ),
        # Mostly needed by the visit asked about, so the interesting case is the usual one.
        needs=(
            *draw(st.lists(st.booleans(), min_size=2, max_size=2)),
            draw(st.booleans() | st.just(True)),
        ),
    )


def smaller(calendar: Calendar) -> Calendar:
    """At most two agencies and no imported busy times (the plain property covers them):
    the exhaustive search and the calendar imports are most of an example's time."""
    codes = calendar.codes[:2]
    return replace(
        calendar,
        codes=codes,
        durations={c: m for c, m in calendar.durations.items() if c in codes},
        order=calendar.order if len(codes) > 1 else "fixed",
        people={code: tuple(replace(p, busy=()) for p in calendar.people[code]) for code in codes},
    )


def add_interpreters(world: World, pool: Pool) -> dict[int, Interpreter]:
    out = {}
    for n, (languages, person) in enumerate(pool.interpreters):
        interpreter = interpreter_create(
            name=f"Interpreter {n}", languages=list(languages), email=f"int{n}@example.org"
        )
        add_availability(world, interpreter, person)
        out[interpreter.pk] = interpreter
    return out


def case_for(world: World, needs: bool):
    if not needs:
        return world.case()
    person = make_young_person(interpreter_needed=True, interpreter_language=NEEDED)
    return make_case(young_person=person, order_start_date=world.order_start())


def books(
    world: World,
    people: dict[int, Interpreter],
    case,
    plan: Plan,
    interpreter: int | None,
    *,
    visit: Visit | None = None,
    late_reason: str = LATE,
) -> str:
    """'' when the booking (or the move of `visit`) with `interpreter` goes through, else
    why not; nothing is kept either way."""
    asked = _asked(world, plan, late_reason=late_reason)
    asked["interpreter"] = None if interpreter is None else people[interpreter]
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


def engine_allows_with(request: SearchRequest, plan: Plan, interpreter: int | None) -> bool:
    """engine_allows, and the interpreter rule: none when none is needed; otherwise one of
    the pool (who speaks the language) free from the first session's start to the last's
    end."""
    if not engine_allows(request, plan):
        return False
    if request.interpreters is None:
        return interpreter is None
    start, end = plan[1][0][2], plan[1][-1][3]
    free = {i.id: i.free for i in request.interpreters}
    return interpreter in free and any(a <= start and end <= b for a, b in free[interpreter])


def key(option: Option) -> tuple:
    return option.start, option.room, option.span, option.interpreter


def check_with_interpreters(calendar: Calendar, pool: Pool, data) -> None:
    note(f"{calendar!r}")
    note(f"{pool!r}")
    with world_at_its_moment(calendar) as world:
        people = add_interpreters(world, pool)
        visit = None
        for k in range(calendar.bookings):  # other bookings hold what their option found
            case = case_for(world, pool.needs[k])
            found = world.ask(case)
            offered = found.options + found.after_deadline
            if offered:
                option = data.draw(st.sampled_from(offered))
                plan = plan_of(option)
                assert books(world, people, case, plan, option.interpreter) == ""
                asked = _asked(world, plan)
                asked["interpreter"] = people.get(option.interpreter)
                visit = visit_book(case=case, **asked)
                world.moments += [to_minutes(visit.start), to_minutes(visit.end)]
                for held in visit.sessions.all():
                    world.moments += [to_minutes(held.start), to_minutes(held.blocked_until)]
        moving = visit if calendar.reschedule else None
        case = moving.case if moving is not None else case_for(world, pool.needs[-1])
        needed = case.young_person.interpreter_needed
        found = world.ask(case, ignore_visit=moving)
        # (a) every option offered books with its interpreter (or the visit moves there).
        for option in found.options + found.after_deadline:
            assert (option.interpreter is not None) == needed, option
            late = LATE if option in found.after_deadline else ""
            refused = books(
                world,
                people,
                case,
                plan_of(option),
                option.interpreter,
                visit=moving,
                late_reason=late,
            )
            assert refused == "", (option, refused)
        if calendar.order_day is not None:
            found = world.ask(case, ignore_visit=moving, not_before=world.now)
        # (b) the earliest option is the exhaustive search's, with the same interpreter.
        request = replace(found.request, latest_end=None, count=10**6)
        every = exhaustive_search(request)
        offered = found.options + found.after_deadline
        assert [key(o) for o in offered[:1]] == [key(o) for o in every[:1]]
        assert [key(o) for o in search(request)] == [key(o) for o in every]
        hypothesis.event("needs an interpreter" if needed else "needs none")
        hypothesis.event(f"interpreters who speak it: {len(request.interpreters or ())}")
        hypothesis.event(f"options offered: {min(len(offered), 3)}")
        # (c) the booking accepts a visit with an interpreter exactly when the engine would.
        world.moments += [
            edge for slot in request.interpreters or () for span in slot.free for edge in span
        ]
        tried = []
        for option in data.draw(st.lists(st.sampled_from(every), max_size=2)) if every else []:
            tried += [
                (plan, option.interpreter) for plan in plans_near(world, request, option, data)
            ]
        choices = [None, *sorted(people)] if people else [None]
        for _ in range(6):
            plan = random_plan(world, request, data)
            tried.append((plan, data.draw(st.sampled_from(choices))))
        for plan, interpreter in dict.fromkeys(tried):
            if data.draw(st.booleans()) and len(choices) > 1:  # sometimes another interpreter
                interpreter = data.draw(st.sampled_from(choices))
            allowed = engine_allows_with(request, plan, interpreter)
            refused = books(world, people, case, plan, interpreter, visit=moving)
            assert (refused == "") == allowed, (plan, interpreter, refused or "booked")
            hypothesis.event(f"refused: {_why(refused)}" if refused else "booked")


@pytest.mark.django_db
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calendar=calendars().map(smaller), pool=pools(), data=st.data())
def test_search_and_booking_agree_with_interpreters(calendar, pool, data):
    check_with_interpreters(calendar, pool, data)


@pytest.mark.slow
@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calendar=calendars(), pool=pools(), data=st.data())
def test_search_and_booking_agree_with_interpreters_at_length(calendar, pool, data):
    check_with_interpreters(calendar, pool, data)
