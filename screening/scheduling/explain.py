"""Why a search found fewer options than asked for, in terms an admin can act on."""

from __future__ import annotations

from dataclasses import dataclass, replace

from screening.scheduling.intervals import clip, clip_ranges, merge_ranges, normalise, start_ranges
from screening.scheduling.search import SearchRequest, search, travelled


@dataclass(frozen=True, slots=True)
class Reason:
    """`agency_unavailable`: nobody of `agency` is free in the window (`earliest` is the
    first free start after it, if any); `no_room`: no room is free for `minutes` in a row;
    `no_common_time`: everyone is free at some point, never back to back with a room;
    `unavailable_times`: only the young person's usual unavailable times stand in the way;
    `no_interpreter`: no interpreter for the young person's language is free for `minutes`
    in a row in the window (`earliest`: the first start after it where one is, if any).

    An `agency_unavailable` reason with `travel` says the journey is the cause: someone of
    the agency is free for the session in the window, but not for `travel` minutes either
    side too (the least travel of the places searched; `room`: the lowest-id place with
    it), and `earliest` is then the first start after the window with the journey."""

    code: str
    agency: str | None = None
    earliest: int | None = None
    minutes: int | None = None
    travel: int | None = None
    room: int | None = None


def _first_start(
    request: SearchRequest, agency: str, duration: int, lo: int, hi: int | None, travel: int = 0
) -> int | None:
    ranges = merge_ranges(
        (
            r
            for c in request.candidates
            if c.agency == agency
            for r in start_ranges(
                list(travelled(c.free, travel) if travel else c.free), duration, request.grid
            )
        ),
        request.grid,
    )
    ranges = clip_ranges(ranges, lo, hi if hi is not None else 2**62)
    return ranges[0][0] if ranges else None


def explain(request: SearchRequest) -> list[Reason]:
    """Reasons for a short list of options inside the request's window."""
    reasons: list[Reason] = []
    hi = request.latest_end
    # The least travel of the places searched: when every place has some, the journey may
    # be what leaves an agency without anyone free.
    trip = min((r.travel for r in request.rooms), default=0)
    near = min((r.id for r in request.rooms if r.travel == trip), default=None)
    for spec in request.sessions:
        last_start = hi - spec.duration if hi is not None else None
        for travel in (0, trip) if trip else (0,):
            first = _first_start(
                request, spec.agency, spec.duration, request.earliest, last_start, travel
            )
            if first is not None:
                continue
            later = None
            if hi is not None:
                later = _first_start(
                    request, spec.agency, spec.duration, hi - spec.duration + 1, None, travel
                )
            if travel:
                reasons.append(
                    Reason(
                        "agency_unavailable",
                        agency=spec.agency,
                        earliest=later,
                        travel=travel,
                        room=near,
                    )
                )
            else:
                reasons.append(Reason("agency_unavailable", agency=spec.agency, earliest=later))
            break
    needed = sum(s.duration for s in request.sessions) + request.min_gap * (
        len(request.sessions) - 1
    )
    top = hi if hi is not None else 2**62
    room_ok = any(
        e - s >= needed
        for r in request.rooms
        for s, e in clip(normalise(r.free), request.earliest, top)
    )
    if not room_ok:
        reasons.append(Reason("no_room", minutes=needed))
    if (
        request.interpreters is not None
        and interpreter_first_start(request, needed, request.earliest, hi) is None
    ):
        later = None
        if hi is not None:
            later = interpreter_first_start(request, needed, hi - needed + 1, None)
        reasons.append(Reason("no_interpreter", earliest=later, minutes=needed))
    if reasons:
        return reasons
    if request.strict_unavailable and request.unavailable:
        relaxed = replace(request, strict_unavailable=False, unavailable=(), count=1)
        if search(relaxed):
            return [Reason("unavailable_times")]
    return [Reason("no_common_time")]


def interpreter_first_start(
    request: SearchRequest, needed: int, lo: int, hi: int | None
) -> int | None:
    """The first grid start in [lo, hi] (no upper bound when None) at which one of the
    request's interpreters is free for `needed` minutes in a row; None when none is."""
    top = hi + needed if hi is not None else 2**62
    starts = [
        s
        for i in request.interpreters or ()
        for s, _ in start_ranges(clip(normalise(i.free), lo, top), needed, request.grid)
    ]
    return min(starts) if starts else None


ROOM = "room"


def first_free(request: SearchRequest) -> dict[str, int | None]:
    """What bounds a visit's start from below, each part alone: every agency's first grid
    start with someone free for its session, and (key ROOM) the first start of a room free
    for the whole visit at its shortest, from the request's earliest start on (deadline
    ignored); None when none in the window. The latest of these is the part that sets the
    earliest start, unless the visit starts later still (the parts never fit together)."""
    found: dict[str, int | None] = {
        spec.agency: _first_start(request, spec.agency, spec.duration, request.earliest, None)
        for spec in request.sessions
    }
    needed = sum(s.duration for s in request.sessions) + request.min_gap * (
        len(request.sessions) - 1
    )
    starts = [
        s
        for r in request.rooms
        for s, e in clip(normalise(r.free), request.earliest, 2**62)
        if e - s >= needed
    ]
    found[ROOM] = min(starts) if starts else None
    return found
