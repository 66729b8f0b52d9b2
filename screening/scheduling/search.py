"""The one-visit search: one session per agency, back to back, in one room.

Pure Python over integer minutes. For each free stretch of each room, each session's
feasible start set (closed ranges of grid points, the union over that agency's
practitioners) is chained backwards through the gap window, so that every start left in
the first set can be completed; a forward greedy pass (earliest next start) then gives
the shortest span for that start. Stretches are read in time order and the search stops
once no later start can enter the first `count` options; each stretch's start sets are
worked out only when the search reaches it, by bisect on the practitioners' free lists, so
the time taken does not grow with the practitioners x days beyond the answer.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from screening.scheduling.intervals import (
    Interval,
    StartRange,
    ceil_to,
    clip,
    clip_ranges,
    first_at_or_after,
    floor_to,
    intersect_ranges,
    merge_ranges,
    normalise,
    subtract,
)

FIXED, ANY = "fixed", "any"

# Rules of the scheduling model that every layer shares. They live here, in the pure
# engine, because it is the lowest layer that uses them and the booking services, the
# pages and the API may all import it (it imports no Django).
GRID_MINUTES = 5  # visits and sessions start on a 5-minute grid
GAP_LIMIT_MINUTES = 240  # the longest gap between sessions anyone may ask for


@dataclass(frozen=True, slots=True)
class SessionSpec:
    agency: str
    duration: int


@dataclass(frozen=True, slots=True)
class Candidate:
    """A practitioner who could run the agency's session; `free` is already net of leave,
    other sessions (with buffers) and full days (see availability.practitioner_free), sorted
    by start and disjoint (as practitioner_free gives it: the search reads it by bisect)."""

    id: int
    agency: str
    free: tuple[Interval, ...]
    continuity: bool = False
    week_load: int = 0
    # Sessions already booked per local week: (week start, week end, count) in minutes.
    week_loads: tuple[tuple[int, int, int], ...] = ()

    def load_at(self, minute: int) -> int:
        """Sessions already booked in the week of `minute` (`week_load` when not given)."""
        if not self.week_loads:
            return self.week_load
        return next((n for lo, hi, n in self.week_loads if lo <= minute < hi), 0)


@dataclass(frozen=True, slots=True)
class RoomSlot:
    """A place a visit may be: a room, or a venue that needs none (a home or school visit,
    which the booking layer hands in as free all the time it searches, under an id no room
    has). The engine treats them alike."""

    id: int
    free: tuple[Interval, ...]
    # Minutes each practitioner travels to the room's venue, before their session there and
    # after it (a community venue): they must be free for the travel too.
    travel: int = 0


@dataclass(frozen=True, slots=True)
class InterpreterSlot:
    """An interpreter who works in the young person's language; `free` is net of leave and
    their other visits' whole spans (see availability.interpreter_free)."""

    id: int
    free: tuple[Interval, ...]


@dataclass(frozen=True)
class SearchRequest:
    sessions: tuple[SessionSpec, ...]
    candidates: tuple[Candidate, ...]
    rooms: tuple[RoomSlot, ...]
    earliest: int
    latest_end: int | None = None
    min_gap: int = 5
    max_gap: int = 60
    order: str = FIXED
    unavailable: tuple[Interval, ...] = ()
    strict_unavailable: bool = False
    count: int = 10
    grid: int = GRID_MINUTES
    # None: the visit needs no interpreter. Otherwise one of these is held for the visit's
    # whole span, gaps included (an empty tuple: nobody can interpret, so no option).
    interpreters: tuple[InterpreterSlot, ...] | None = None

    def __post_init__(self) -> None:
        if not self.sessions:
            raise ValueError("a visit needs at least one session")
        if len({s.agency for s in self.sessions}) != len(self.sessions):
            raise ValueError("each agency may appear once")
        if any(s.duration <= 0 for s in self.sessions):
            raise ValueError("durations must be positive")
        if not 0 <= self.min_gap <= self.max_gap:
            raise ValueError("gaps need 0 <= min_gap <= max_gap")
        if self.order not in (FIXED, ANY):
            raise ValueError("order is 'fixed' or 'any'")
        if self.count < 1 or self.grid < 1:
            raise ValueError("count and grid must be positive")


@dataclass(frozen=True, slots=True)
class PlannedSession:
    agency: str
    practitioner: int
    start: int
    end: int


@dataclass(frozen=True)
class Option:
    start: int
    end: int
    room: int
    sessions: tuple[PlannedSession, ...]
    outside_unavailable: bool = True
    continuity: int = field(default=0, compare=False)
    load: int = field(default=0, compare=False)
    # The interpreter held for the span: the lowest id free for all of it (see interpreted).
    interpreter: int | None = None

    @property
    def span(self) -> int:
        return self.end - self.start

    def rank(self) -> tuple:
        """Outside the young person's unavailable times first, then earliest, shortest,
        most continuity, least loaded, then room id."""
        return (
            not self.outside_unavailable,
            self.start,
            self.span,
            -self.continuity,
            self.load,
            self.room,
        )


# --- the engine ------------------------------------------------------------------------


_FAR = 2**62


@dataclass
class _Agency:
    """One session's agency and its practitioners. Their starts are worked out per free
    stretch of a room, when the search reaches it, never over the whole horizon: the time
    taken follows the stretches read before the first `count` options, not practitioners x
    days."""

    spec: SessionSpec
    people: list[Candidate]
    # Who runs the session at a (start, travel): the session orders of an any-order search
    # ask again.
    picked: dict[tuple[int, int], Candidate] = field(default_factory=dict)

    def starts_in(self, lo: int, hi: int, grid: int, travel: int = 0) -> list[StartRange]:
        """Grid starts in [lo, hi] at which someone of the agency is free for the whole
        session and `travel` minutes either side of it, as merged closed ranges (each
        practitioner's free list read by bisect)."""
        duration = self.spec.duration
        ranges: list[StartRange] = []
        for person in self.people:
            free = person.free
            index = max(bisect.bisect_right(free, (lo - travel, _FAR)) - 1, 0)
            while index < len(free):
                a, b = free[index]
                if a + travel > hi:
                    break
                first = max(ceil_to(a + travel, grid), lo)
                last = min(floor_to(b - travel - duration, grid), hi)
                if first <= last:
                    ranges.append((first, last))
                index += 1
        return merge_ranges(ranges, grid)


def _free_at(person: Candidate, start: int, duration: int, travel: int = 0) -> bool:
    """The practitioner's free interval holding `start` less the travel (bisect) also
    holds the end and the travel back: what `travelled` keeps, without a copy."""
    index = bisect.bisect_right(person.free, (start - travel, _FAR)) - 1
    return index >= 0 and start + duration + travel <= person.free[index][1]


def _prepare(request: SearchRequest) -> dict[str, _Agency]:
    return {
        spec.agency: _Agency(
            spec=spec, people=[c for c in request.candidates if c.agency == spec.agency]
        )
        for spec in request.sessions
    }


def _offsets(duration: int, request: SearchRequest) -> tuple[int, int]:
    """Grid distances allowed from one session's start to the next one's start."""
    return (
        ceil_to(duration + request.min_gap, request.grid),
        floor_to(duration + request.max_gap, request.grid),
    )


def _backward(
    order: Sequence[_Agency], owns: dict[str, list[StartRange]], request: SearchRequest
) -> list[list[StartRange]] | None:
    """Per session, the starts inside the stretch from which the rest can follow; `owns`
    holds each agency's own starts inside the stretch."""
    sets: list[list[StartRange]] = [[] for _ in order]
    for k in range(len(order) - 1, -1, -1):
        agency = order[k]
        own = owns[agency.spec.agency]
        if k < len(order) - 1:
            o_lo, o_hi = _offsets(agency.spec.duration, request)
            if o_lo > o_hi:
                return None
            reach = merge_ranges(((x - o_hi, y - o_lo) for x, y in sets[k + 1]), request.grid)
            own = intersect_ranges(own, reach)
        if not own:
            return None
        sets[k] = own
    return sets


def _pick(agency: _Agency, start: int, travel: int) -> Candidate:
    person = agency.picked.get((start, travel))
    if person is None:
        duration = agency.spec.duration
        free = [c for c in agency.people if _free_at(c, start, duration, travel)]
        person = min(free, key=lambda c: (not c.continuity, c.load_at(start), c.id))
        agency.picked[start, travel] = person
    return person


def _forward(
    order: Sequence[_Agency],
    sets: list[list[StartRange]],
    start: int,
    room: int,
    request: SearchRequest,
    travel: int = 0,
) -> Option:
    """Earliest next start at every step: optimal for the end, since every set was already
    cut back to the starts that can be completed."""
    sessions: list[PlannedSession] = []
    chosen: list[Candidate] = []
    at = start
    for k, agency in enumerate(order):
        if k:
            o_lo, _ = _offsets(order[k - 1].spec.duration, request)
            at = first_at_or_after(sets[k], sessions[-1].start + o_lo, request.grid)
        person = _pick(agency, at, travel)
        chosen.append(person)
        sessions.append(
            PlannedSession(agency.spec.agency, person.id, at, at + agency.spec.duration)
        )
    return Option(
        start=start,
        end=sessions[-1].end,
        room=room,
        sessions=tuple(sessions),
        continuity=sum(c.continuity for c in chosen),
        load=sum(c.load_at(p.start) for c, p in zip(chosen, sessions, strict=True)),
    )


@dataclass
class _Stretch:
    """A free stretch of a room (with an interpreter: the part of one that an interpreter is
    also free for, inside the room's stretch `whole`); `owns` (each agency's own starts in
    it) is worked out the first time a session order reaches it, and kept for the other
    orders. `travel`: the room's venue's, each way."""

    start: int
    end: int
    room: int
    travel: int = 0
    whole: Interval | None = None
    owns: dict[str, list[StartRange]] | None = None
    read: bool = False


def _stretches(
    request: SearchRequest, rooms_free: dict[int, list[Interval]], travel: dict[int, int]
) -> list[_Stretch]:
    """Free stretches of the rooms, long enough for the sessions back to back, in time
    order; with an interpreter, each cut to where one interpreter is free too (see
    _interpreted_stretches)."""
    top = request.latest_end if request.latest_end is not None else _FAR
    shortest = sum(s.duration for s in request.sessions) + request.min_gap * (
        len(request.sessions) - 1
    )
    out = [
        _Stretch(a, b, room, travel[room])
        for room, free in rooms_free.items()
        for a, b in clip(free, request.earliest, top)
        if b - a >= shortest
    ]
    if request.interpreters is not None:
        out = _interpreted_stretches(out, request.interpreters, shortest)
    out.sort(key=lambda stretch: (stretch.start, stretch.room))
    return out


def _interpreted_stretches(
    stretches: list[_Stretch], interpreters: Sequence[InterpreterSlot], shortest: int
) -> list[_Stretch]:
    """A visit that needs an interpreter fits where the room and one interpreter are both
    free for its whole span: each room stretch becomes its parts with each interpreter in
    turn (found by bisect on the interpreter's free list; parts may overlap, the search
    counts a (start, room) once, and the same part from two interpreters is kept once)."""
    people = [normalise(i.free) for i in interpreters]
    ends = [[b for _, b in free] for free in people]
    out: list[_Stretch] = []
    for stretch in stretches:
        parts: set[Interval] = set()
        for free, free_ends in zip(people, ends, strict=True):
            for index in range(bisect.bisect_right(free_ends, stretch.start), len(free)):
                a, b = free[index]
                if a >= stretch.end:
                    break
                a, b = max(a, stretch.start), min(b, stretch.end)
                if b - a >= shortest:
                    parts.add((a, b))
        whole = (stretch.start, stretch.end)
        out.extend(_Stretch(a, b, stretch.room, stretch.travel, whole) for a, b in sorted(parts))
    return out


def _owns(
    stretch: _Stretch,
    agencies: dict[str, _Agency],
    request: SearchRequest,
    wholes: dict[tuple[int, Interval], dict[str, list[StartRange]] | None],
) -> dict[str, list[StartRange]] | None:
    """Every agency's own starts in the stretch; None when some agency has none there, as
    then it cannot hold a visit in any order. A part of a room's stretch (an interpreter's)
    takes the whole stretch's starts, worked out once (`wholes`), cut to the part."""
    if not stretch.read:
        stretch.read = True
        if stretch.whole is None:
            stretch.owns = _own_starts(
                stretch.start, stretch.end, stretch.travel, agencies, request
            )
        else:
            key = (stretch.room, stretch.whole)
            if key not in wholes:
                wholes[key] = _own_starts(*stretch.whole, stretch.travel, agencies, request)
            whole = wholes[key]
            if whole is not None:
                owns = {}
                for code, agency in agencies.items():
                    lo = ceil_to(stretch.start, request.grid)
                    hi = floor_to(stretch.end - agency.spec.duration, request.grid)
                    owns[code] = clip_ranges(whole[code], lo, hi) if lo <= hi else []
                    if not owns[code]:
                        break
                else:
                    stretch.owns = owns
    return stretch.owns


def _own_starts(
    start: int, end: int, travel: int, agencies: dict[str, _Agency], request: SearchRequest
) -> dict[str, list[StartRange]] | None:
    owns = {}
    for code, agency in agencies.items():
        lo = ceil_to(start, request.grid)
        hi = floor_to(end - agency.spec.duration, request.grid)
        owns[code] = agency.starts_in(lo, hi, request.grid, travel) if lo <= hi else []
        if not owns[code]:
            return None
    return owns


def _search_order(
    order: Sequence[_Agency],
    request: SearchRequest,
    stretches: list[_Stretch],
    agencies: dict[str, _Agency],
    count: int,
    bound: int | None = None,
    wholes: dict | None = None,
) -> list[Option]:
    """Every option of this session order whose start is within the first `count` starts
    (ties at the last start included), never later than `bound`."""
    found: list[Option] = []
    starts: list[int] = []  # sorted starts of `found`, to read the count-th quickly
    # With an interpreter a room's stretches may overlap (one per interpreter, see
    # _with_interpreters): a (start, room) found in one is not counted again.
    seen: set[tuple[int, int]] = set()

    def threshold() -> int | None:
        limit = starts[count - 1] if len(starts) >= count else None
        if bound is not None:
            limit = bound if limit is None else min(limit, bound)
        return limit

    for stretch in stretches:
        limit = threshold()
        if limit is not None and stretch.start > limit:
            break
        owns = _owns(stretch, agencies, request, wholes if wholes is not None else {})
        if owns is None:
            continue
        sets = _backward(order, owns, request)
        if sets is None:
            continue
        for lo, hi in sets[0]:
            for start in range(lo, hi + 1, request.grid):
                limit = threshold()
                if limit is not None and start > limit:
                    break
                if (start, stretch.room) in seen:
                    continue
                seen.add((start, stretch.room))
                found.append(_forward(order, sets, start, stretch.room, request, stretch.travel))
                bisect.insort(starts, start)
            else:
                continue
            break
    return found


def _best_per_slot(options: list[Option]) -> list[Option]:
    best: dict[tuple[int, int], Option] = {}
    for option in options:
        key = (option.start, option.room)
        if key not in best or option.rank() < best[key].rank():
            best[key] = option
    return sorted(best.values(), key=Option.rank)


def _run(request: SearchRequest, rooms_free: dict[int, list[Interval]], count: int) -> list[Option]:
    """The first `count` options in the rooms' free time (each room with its travel): one
    pass over every room's stretches in time order, whatever the travel, so a venue with
    travel adds its stretches to the search rather than a search of its own."""
    agencies = _prepare(request)
    travel = {r.id: r.travel for r in request.rooms}
    stretches = _stretches(request, rooms_free, travel)
    base = [agencies[s.agency] for s in request.sessions]
    orders = [base] if request.order == FIXED else [list(p) for p in itertools.permutations(base)]
    merged: list[Option] = []
    wholes: dict = {}
    for order in orders:
        current = _best_per_slot(merged)
        bound = current[count - 1].start if len(current) >= count else None
        merged.extend(_search_order(order, request, stretches, agencies, count, bound, wholes))
    return _best_per_slot(merged)[:count]


def interpreted(request: SearchRequest, options: list[Option]) -> list[Option]:
    """Each option with the interpreter it holds: the lowest id free for its whole span
    (options without one are dropped; a visit that needs none is left as it is)."""
    if request.interpreters is None:
        return options
    people = [(i.id, normalise(i.free)) for i in request.interpreters]
    out = []
    for option in options:
        free = [i for i, spans in people if _holds(spans, option.start, option.end)]
        if free:
            out.append(replace(option, interpreter=min(free)))
    return out


def _holds(spans: list[Interval], start: int, end: int) -> bool:
    """The normalised free list has one interval holding [start, end) (bisect)."""
    index = bisect.bisect_right(spans, (start, _FAR)) - 1
    return index >= 0 and end <= spans[index][1]


def travelled(free: Sequence[Interval], travel: int) -> tuple[Interval, ...]:
    """Where a session may go when its practitioner travels `travel` minutes each way: each
    free interval less the travel at both ends (each practitioner runs one session a visit,
    so their first and last session there is that one)."""
    return tuple((a + travel, b - travel) for a, b in free if b - a > 2 * travel)


def search(request: SearchRequest) -> list[Option]:
    """The first `count` options, ranked as Option.rank says, distinct by (start, room).
    A room at a venue with travel is searched with its practitioners free for the travel
    there and back too (as `travelled` says), in the same pass as the others."""
    rooms = {r.id: normalise(r.free) for r in request.rooms}
    unavailable = normalise(request.unavailable)
    outside_rooms = {rid: subtract(free, unavailable) for rid, free in rooms.items()}
    outside = interpreted(request, _run(request, outside_rooms, request.count))
    if request.strict_unavailable or len(outside) >= request.count or not unavailable:
        return outside
    # Fewer outside options than asked for: these are all of them. Fill with options that
    # overlap the unavailable times, after every outside one.
    taken = {(o.start, o.room) for o in outside}
    extra = [
        o
        for o in interpreted(
            request,
            _run(request, rooms, request.count + len(outside)),
        )
        if (o.start, o.room) not in taken
    ]
    inside = [
        Option(
            start=o.start,
            end=o.end,
            room=o.room,
            sessions=o.sessions,
            outside_unavailable=False,
            continuity=o.continuity,
            load=o.load,
            interpreter=o.interpreter,
        )
        for o in extra
    ]
    return (outside + inside)[: request.count]


# --- plain references: an exhaustive oracle for tests and a 5-minute scan baseline --------


def _covers(free: Sequence[Interval], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in free)


def _arrangements(
    order: Sequence[SessionSpec], request: SearchRequest, start: int, travel: int = 0
):
    """Every way to place the sessions from `start` on the grid (oracle only), each
    practitioner free for `travel` minutes before and after their session too."""
    if not order:
        yield ()
        return
    head, rest = order[0], order[1:]
    people = [
        c
        for c in request.candidates
        if c.agency == head.agency
        and _covers(c.free, start - travel, start + head.duration + travel)
    ]
    if not people:
        return
    for person in people:
        planned = PlannedSession(head.agency, person.id, start, start + head.duration)
        if not rest:
            yield (planned,)
            continue
        nxt_lo = ceil_to(planned.end + request.min_gap, request.grid)
        for nxt in range(nxt_lo, planned.end + request.max_gap + 1, request.grid):
            for tail in _arrangements(rest, request, nxt, travel):
                yield (planned, *tail)


def exhaustive_search(request: SearchRequest) -> list[Option]:
    """Try every grid start, order, gap and practitioner (small calendars only)."""
    orders = (
        [request.sessions]
        if request.order == FIXED
        else list(itertools.permutations(request.sessions))
    )
    unavailable = normalise(request.unavailable)
    best: dict[tuple[int, int], tuple] = {}
    by_id = {c.id: c for c in request.candidates}
    for room in request.rooms:
        for a, b in normalise(room.free):
            for start in range(ceil_to(max(a, request.earliest), request.grid), b, request.grid):
                for order in orders:
                    for plan in _arrangements(order, request, start, room.travel):
                        end = plan[-1].end
                        if end > b or (request.latest_end is not None and end > request.latest_end):
                            continue
                        inside = any(s < end and start < e for s, e in unavailable)
                        if inside and request.strict_unavailable:
                            continue
                        interpreter = None
                        if request.interpreters is not None:
                            free = [
                                i.id for i in request.interpreters if _covers(i.free, start, end)
                            ]
                            if not free:
                                continue
                            interpreter = min(free)
                        chosen = [by_id[p.practitioner] for p in plan]
                        option = Option(
                            start=start,
                            end=end,
                            room=room.id,
                            sessions=plan,
                            outside_unavailable=not inside,
                            continuity=sum(c.continuity for c in chosen),
                            load=sum(c.load_at(p.start) for c, p in zip(chosen, plan, strict=True)),
                            interpreter=interpreter,
                        )
                        key = (start, room.id)
                        if key not in best or option.rank() < best[key].rank():
                            best[key] = option
    return sorted(best.values(), key=Option.rank)[: request.count]


def _scan_from(
    order: Sequence[SessionSpec], request: SearchRequest, start: int, limit: int
) -> tuple[PlannedSession, ...] | None:
    """Depth-first over gaps: the first way to place the sessions from `start`."""
    head, rest = order[0], order[1:]
    end = start + head.duration
    if end > limit:
        return None
    person = next(
        (c for c in request.candidates if c.agency == head.agency and _covers(c.free, start, end)),
        None,
    )
    if person is None:
        return None
    planned = PlannedSession(head.agency, person.id, start, end)
    if not rest:
        return (planned,)
    for nxt in range(
        ceil_to(end + request.min_gap, request.grid), end + request.max_gap + 1, request.grid
    ):
        tail = _scan_from(rest, request, nxt, limit)
        if tail is not None:
            return (planned, *tail)
    return None


def scan_search(request: SearchRequest) -> list[Option]:
    """Baseline for the benchmark: try each 5-minute start of each room in turn, checking
    it with a depth-first search over gaps and a scan of every practitioner's free list.
    Fixed order only; unavailable times ignored."""
    found: list[Option] = []
    rooms = [(r.id, normalise(r.free)) for r in request.rooms]
    horizon = max((b for _, free in rooms for _, b in free), default=request.earliest)
    end_limit = request.latest_end if request.latest_end is not None else horizon
    start = ceil_to(request.earliest, request.grid)
    while start < end_limit and len(found) < request.count:
        for room, free in rooms:
            stretch = next(((a, b) for a, b in free if a <= start < b), None)
            if stretch is None:
                continue
            plan = _scan_from(request.sessions, request, start, min(stretch[1], end_limit))
            if plan is not None:
                found.append(Option(start=start, end=plan[-1].end, room=room, sessions=plan))
        start += request.grid
    return found[: request.count]
