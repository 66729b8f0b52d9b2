"""Visit options for a case: read the rows once, hand plain data to the engine, and say
why when there are too few options (worded in screening/booking/reasons.py). The engine
(screening.scheduling) sees only plain data."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from agencies.local_time import check_date_window, yot_zone
from agencies.models import Agency, Interpreter, Practitioner
from screening import fixed_sql as sql
from screening.booking import queries
from screening.booking.availability import (
    calendar_times,
    imported_busy,
    interpreter_slots,
    interpreters_for,
    room_closures,
)
from screening.booking.reasons import (
    deadline_passed_reason,
    order_start_reason,
    render_reason,
    too_few_reason,
)
from screening.booking.spread import SPREAD_PER_DAY, _day_of, _spread
from screening.models import Case, Room, Venue, VenueKind, Visit, VisitStatus
from screening.people.deadlines import closure_days
from screening.people.workdays import is_working_day
from screening.scheduling import expand as ex
from screening.scheduling.availability import practitioner_free, room_free, venue_open
from screening.scheduling.explain import Reason, explain
from screening.scheduling.intervals import Interval, ceil_to, clip, normalise
from screening.scheduling.search import (
    GRID_MINUTES,
    Candidate,
    Option,
    RoomSlot,
    SearchRequest,
    SessionSpec,
    search,
)

# Extra busy time per practitioner id (imported calendars plug in here).
BusyProvider = Callable[[Sequence[int], int, int], Mapping[int, list[Interval]]]


@dataclass
class VisitOptions:
    options: list[Option]
    after_deadline: list[Option]
    reasons: list[str]
    agencies: dict[str, Agency] = field(default_factory=dict)
    practitioners: dict[int, Practitioner] = field(default_factory=dict)
    rooms: dict[int, Room] = field(default_factory=dict)
    # Venues searched that need no room (a home or school), by id: the engine sees each as
    # a place always free, under the id place_id(venue) gives it.
    roomless: dict[int, Venue] = field(default_factory=dict)
    # The interpreters an option may hold (the young person's language), by id.
    interpreters: dict[int, Interpreter] = field(default_factory=dict)
    # What the engine was asked (up to the deadline), for checks against its references: on
    # the rows from the earliest start to the end of the last window read, the whole
    # horizon only when the answer needed it. When the options after the deadline were found
    # on a later window of rows alone, those from the earliest start are read when asked for.
    _request: SearchRequest | Callable[[], SearchRequest] | None = field(default=None, repr=False)

    # The young person's unavailable times from the start of the first day searched, whole.
    unavailable: list[Interval] = field(default_factory=list)
    # The parent or carer's, the same way, when they must attend (else empty).
    carer_unavailable: list[Interval] = field(default_factory=list)

    def place(self, option: Option) -> tuple[Room | None, Venue]:
        """Where the option is: its room and the room's venue, or no room and the venue
        that needs none."""
        if option.room < 0:
            return None, self.roomless[-option.room]
        room = self.rooms[option.room]
        return room, room.venue

    @property
    def request(self) -> SearchRequest | None:
        if callable(self._request):
            self._request = self._request()
        return self._request

    def clashes(self, option: Option) -> list[Interval]:
        """The young person's unavailable times (engine minutes) that the option's span
        overlaps: empty for an option outside them."""
        return _overlapping(self.unavailable, option)

    def carer_clashes(self, option: Option) -> list[Interval]:
        """The parent or carer's unavailable times that the option's span overlaps (only
        when they must attend)."""
        return _overlapping(self.carer_unavailable, option)


def place_id(venue: Venue) -> int:
    """The engine's id for a venue that needs no room: negative, so no room has it."""
    return -venue.pk


def _roomless_slots(
    venues: Sequence[Venue], start: int, end: int, closed: list[Interval]
) -> list[RoomSlot]:
    """Venues that need no room, as places free for the whole window but the days the
    YOT does not work (a home or school has no calendar of ours): the practitioners'
    own free time, with their travel there and back, is what bounds a visit."""
    free = tuple(room_free(opening=[(start, end)], visits=[], closures=closed))
    return [RoomSlot(id=place_id(v), free=free, travel=v.travel_minutes) for v in venues]


def _overlapping(times: list[Interval], option: Option) -> list[Interval]:
    return [(s, e) for s, e in times if s < option.end and option.start < e]


def _minutes(moment: dt.datetime) -> int:
    return ex.to_minutes(moment)


def _non_working_days(start: int, end: int, tz: ZoneInfo) -> list[dt.date]:
    """Weekends, bank holidays and closure days: the booking's own rule (is_working_day)."""
    closed = closure_days()
    return [
        day for day in ex.local_dates(start, end, tz) if not is_working_day(day, closures=closed)
    ]


def _monday(moment: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    day = moment.astimezone(tz).date()
    return dt.datetime.combine(day - dt.timedelta(days=day.weekday()), dt.time(0), tzinfo=tz)


def _week_loads(
    per_day: Mapping[int, Counter], tz: ZoneInfo
) -> dict[int, tuple[tuple[int, int, int], ...]]:
    """Sessions per practitioner per local week (Monday to Monday), in engine minutes, so
    "least loaded that week" means the week of each option."""
    out: dict[int, tuple[tuple[int, int, int], ...]] = {}
    for pid, days in per_day.items():
        weeks: Counter = Counter()
        for day, count in days.items():
            weeks[day - dt.timedelta(days=day.weekday())] += count
        out[pid] = tuple(
            (
                ex.local_day_bounds(day=monday, zone=tz)[0],
                ex.local_day_bounds(day=monday + dt.timedelta(days=7), zone=tz)[0],
                count,
            )
            for monday, count in sorted(weeks.items())
        )
    return out


# Longer than any visit with its buffers: each visit lies within one day's opening hours, as
# the booking re-check also assumes (availability._read_rows).
LONGEST_HOLD = dt.timedelta(days=2)


class _LocalDays:
    """The local date of an engine minute, by bisect on the local midnights of a window
    (no datetime per row); a minute outside the window is converted as usual."""

    def __init__(self, start: int, end: int, tz: ZoneInfo) -> None:
        self.tz = tz
        self.days = ex.local_dates(start, end, tz)
        self.bounds = [ex.local_day_bounds(day=day, zone=tz)[0] for day in self.days]
        self.last = ex.local_day_bounds(day=self.days[-1], zone=tz)[1]

    def __call__(self, minute: int) -> dt.date:
        if not self.bounds[0] <= minute < self.last:
            return _day_of(minute, self.tz)
        return self.days[bisect.bisect_right(self.bounds, minute) - 1]


def _practitioner_candidates(
    *,
    practitioners: list[Practitioner],
    start: int,
    end: int,
    tz: ZoneInfo,
    seen_before: set[int],
    extra_busy: Mapping[int, list[Interval]],
    closed: list[Interval],
    ignore_visit: Visit | None,
    travel: bool = False,
) -> list[Candidate]:
    calendars = [p.calendar_id for p in practitioners]
    lo, hi = ex.from_minutes(start), ex.from_minutes(end)
    times = calendar_times(
        working_calendars=calendars, away_calendars=calendars, start=start, end=end, tz=tz
    )
    working_by_calendar = times.working
    leave: dict[int, list[Interval]] = {
        calendar_id: [(_minutes(e_start), _minutes(e_end)) for e_start, e_end in spans]
        for calendar_id, spans in times.away.items()
    }
    held: dict[int, list[Interval]] = defaultdict(list)
    per_day: dict[int, Counter] = defaultdict(Counter)
    # Sessions a day either side, so buffers and daily counts at the edges are right;
    # from the Monday of the first week too, for the week's load.
    since = min(lo - dt.timedelta(days=1), _monday(lo, tz))
    statement = sql.for_database(
        sqlite=queries.SESSION_MINUTES_SQLITE, postgresql=queries.SESSION_MINUTES_POSTGRESQL
    )
    rows = (
        sql.fetch(
            statement,
            [
                sql.Many(p.pk for p in practitioners),
                False,
                sql.at(hi + dt.timedelta(days=1)),
                sql.at(since),
                sql.at(since - LONGEST_HOLD),
            ],
        )
        if practitioners
        else []
    )
    day_of = _LocalDays(ex.to_minutes(since) - 24 * 60, end + 2 * 24 * 60, tz)
    ignored = ignore_visit.pk if ignore_visit is not None else None
    # Visits at venues with travel hold their practitioners for it too (`travel`: some
    # venue has any, so the visits' venues are read).
    away = (
        dict(sql.fetch(queries.VISIT_TRAVEL, [sql.Many({r[3] for r in rows}), 0]))
        if travel and rows
        else {}
    )
    for pid, s_start, s_held, visit_id in rows:
        # A visit being moved holds nobody, as the re-check reads it.
        if visit_id == ignored:
            continue
        trip = away.get(visit_id, 0)
        held[pid].append((s_start - trip, s_held + trip))
        per_day[pid][day_of(s_start)] += 1
    loads = _week_loads(per_day, tz)
    out = []
    for p in practitioners:
        free = practitioner_free(
            working=working_by_calendar[p.calendar_id],
            leave=leave.get(p.calendar_id, []) + closed,
            held=held.get(p.pk, []),
            new_buffer=p.buffer_minutes,
            sessions_per_day=per_day.get(p.pk),
            cap=p.daily_session_cap,
            zone=tz,
            extra_busy=extra_busy.get(p.pk, []),
        )
        out.append(
            Candidate(
                id=p.pk,
                agency=p.agency.code,
                free=tuple(free),
                continuity=p.pk in seen_before,
                week_loads=loads.get(p.pk, ()),
            )
        )
    return out


def _room_slots(
    *,
    rooms: list[Room],
    start: int,
    end: int,
    tz: ZoneInfo,
    closed: list[Interval],
    ignore_visit: Visit | None,
) -> list[RoomSlot]:
    lo, hi = ex.from_minutes(start), ex.from_minutes(end)
    visits: dict[int, list[Interval]] = defaultdict(list)
    statement = sql.for_database(
        sqlite=queries.VISIT_MINUTES_SQLITE, postgresql=queries.VISIT_MINUTES_POSTGRESQL
    )
    if rooms:
        params = [
            sql.Many(r.pk for r in rooms),
            VisitStatus.CANCELLED.value,
            sql.at(hi),
            sql.at(lo),
            sql.at(lo - LONGEST_HOLD),
        ]
        for rid, v_start, v_end, visit_id in sql.fetch(statement, params):
            if ignore_visit is None or visit_id != ignore_visit.pk:
                visits[rid].append((v_start, v_end))
    blocks = room_closures(rooms, lo, hi)
    hours: dict[int, list[tuple[int, dt.time, dt.time]]] = defaultdict(list)
    if rooms:
        venues = sql.Many({r.venue_id for r in rooms})
        for venue_id, weekday, opens, closes in sql.fetch(queries.VENUES_OPENING_HOURS, [venues]):
            hours[venue_id].append((weekday, opens, closes))
    out = []
    for room in rooms:
        opening = venue_open(
            hours=hours.get(room.venue_id, []), window_start=start, window_end=end, zone=tz
        )
        out.append(
            RoomSlot(
                id=room.pk,
                free=tuple(
                    room_free(
                        opening=opening,
                        visits=visits.get(room.pk, []),
                        closures=blocks.get(room.calendar_id, []) + closed,
                    )
                ),
                travel=room.venue.travel_minutes,
            )
        )
    return out


def _unavailable(
    case: Case, start: int, end: int, tz: ZoneInfo, *, carer: bool = False
) -> list[Interval]:
    """The young person's usual unavailable times in [start, end), or (`carer`) the parent
    or carer's: those only when the case needs them at the visit (Case rule), else none."""
    person = case.young_person
    if carer and not case.parent_carer_must_attend:
        return []
    name = "parent_carer_unavailable" if carer else "unavailable"
    if name in getattr(person, "_prefetched_objects_cache", {}):  # read already
        rows = [(u.weekdays, u.start_time, u.end_time) for u in getattr(person, name).all()]
    else:
        statement = queries.CARER_UNAVAILABLE if carer else queries.UNAVAILABLE
        rows = [
            (sql.json_value(days), opens, closes)
            for days, opens, closes in sql.fetch(statement, [person.pk])
        ]
    patterns = [
        ex.WeeklyPattern(weekdays=frozenset(days), start=opens, end=closes)
        for days, opens, closes in rows
    ]
    return ex.expand_weekly(patterns=patterns, window_start=start, window_end=end, zone=tz)


# Rows are first read for this many days from the earliest start (0: the whole horizon),
# unless settings.SCREENING_SCHEDULING["first_window_days"] says otherwise.
FIRST_WINDOW_DAYS = 14
# When no room is free long enough for a visit before the deadline, the options before it
# are none whatever the practitioners' rows say: those are read only for the reasons (is
# each agency free at all before the deadline?), for this many days first, widened only
# while some agency is not free in them. The options after the deadline are read from the
# first room free long enough, for this many days first (most lie in its first day).
NO_ROOM_WINDOW_DAYS = 3
AFTER_WINDOW_DAYS = 3


def _settled(options: list[Option], *, whole: bool, upto: int, longest: int, count: int) -> bool:
    """True when options found on rows read up to `upto` are those the whole horizon would
    give: all the rows were read, or `count` options outside the young person's unavailable
    times all start early enough that any visit starting before them ends before `upto`."""
    return whole or (
        len(options) >= count
        and all(o.outside_unavailable for o in options)
        and max(o.start for o in options) + longest <= upto
    )


def _answer(
    *,
    request: SearchRequest,
    find: Callable[[SearchRequest], list[Option]],
    whole: bool,
    upto: int,
    longest: int,
    deadline: dt.date,
    deadline_end: int,
    names: Mapping[str, str],
    spread: bool,
    tz: ZoneInfo,
    young_unavailable: tuple[Interval, ...] | None = None,
    language: str | None = None,
    place_words: Callable[[int], str] | None = None,
    room_before: bool = True,
) -> tuple[list[Option], bool, list[str]] | None:
    """The options before the deadline, whether too few (then the options after it are
    wanted: see _after) and the reasons, from rows read up to `upto`; None when rows beyond
    it could change any of them. `room_before`: some room is free long enough for a visit
    before the deadline (when none is, there are no options before it on any rows)."""
    count, earliest = request.count, request.earliest
    options = find(request)
    if not (
        whole
        or deadline_end <= upto
        or not room_before
        or _settled(options, whole=whole, upto=upto, longest=longest, count=count)
    ):
        return None
    if len(options) >= count:
        return options, False, []
    if earliest >= deadline_end:  # nothing can be before it: no other reason applies
        reasons = [deadline_passed_reason(deadline)]
    elif not options:
        why = explain(request)
        # The first day an agency is free after the deadline, when found in the rows read,
        # is the same as in the whole horizon's; when not found there, it may lie beyond.
        # Rows read short of the deadline (no room before it) settle the reasons only when
        # every agency (and an interpreter) is free in them: then it is before the deadline.
        if not whole and any(
            r.code in ("agency_unavailable", "no_interpreter")
            and (r.earliest is None or upto < deadline_end)
            for r in why
        ):
            return None
        why = [_whose_times(r, request, young_unavailable) for r in why]
        reasons = [
            render_reason(
                r,
                tz=tz,
                deadline=deadline,
                agency_names=names,
                language=language,
                place_words=place_words,
            )
            for r in why
        ]
    else:
        reasons = [
            too_few_reason(len(options), deadline, per_day=SPREAD_PER_DAY if spread else None)
        ]
    return options, True, reasons


def _after(
    request: SearchRequest,
    find: Callable[[SearchRequest], list[Option]],
    *,
    start: int,
    whole: bool,
    upto: int,
    longest: int,
) -> list[Option] | None:
    """The options from `start` (the deadline, or the earliest start when later) on the
    rows read up to `upto`; None when rows beyond it could change them."""
    later = replace(request, earliest=start, latest_end=None if whole else upto)
    after = find(later)
    if not _settled(after, whole=whole, upto=upto, longest=longest, count=request.count):
        return None
    return after


def _first_stretch(rooms: Sequence[RoomSlot], start: int, shortest: int) -> int | None:
    """The first moment from `start` on at which some room is free for `shortest` minutes in
    a row: no visit starts before it (the engine's own rule for the stretches it reads)."""
    return min(
        (a for r in rooms for a, b in clip(list(r.free), start, _FAR) if b - a >= shortest),
        default=None,
    )


_FAR = 2**62


def _whose_times(
    reason: Reason, request: SearchRequest, young: tuple[Interval, ...] | None
) -> Reason:
    """An unavailable-times reason says whose times are in the way: when the parent or
    carer's times were searched too (`young` is the young person's alone), the parent or
    carer's when a visit avoiding only the young person's exists, else both."""
    if reason.code != "unavailable_times" or young is None or young == request.unavailable:
        return reason
    if search(replace(request, unavailable=young, count=1)):
        return replace(reason, code="carer_unavailable_times")
    return replace(reason, code="both_unavailable_times")


def visit_options(
    *,
    case: Case,
    agencies: Sequence[Agency] | None = None,
    durations: Mapping[str, int] | None = None,
    order: str = "fixed",
    min_gap: int | None = None,
    max_gap: int | None = None,
    not_before: dt.datetime | None = None,
    respect_unavailable: bool = False,
    count: int = 10,
    ignore_visit: Visit | None = None,
    extra_busy: BusyProvider = imported_busy,
    deadline: dt.date | None = None,
    spread: bool = False,
    extra_notice_minutes: int = 0,
    venues: Sequence[Venue] | None = None,
) -> VisitOptions:
    """The earliest visits for a case before its deadline, the earliest after it when there
    are too few, and the reasons why (rules in DESIGN.md "Scheduling model"). `deadline`
    replaces the case's visit deadline (a missed session has its own). `spread` spreads
    them across days and times (at most SPREAD_PER_DAY a day, SPREAD_MINUTES apart), still
    earliest first; without it they are the engine's, in its order. `venues` limits the
    search to those venues' rooms (several at once); without it every active room. Raises
    ValidationError on `max_gap` for a gap window that ends before it starts, and on
    `not_before` outside the date window.

    Options start after the minimum notice (plus `extra_notice_minutes`, a page's margin)
    and, unless `not_before` asks otherwise, no earlier than the order's start date (the
    reasons then say so)."""
    check_date_window(not_before=not_before)
    tz = yot_zone()
    config = settings.SCREENING_SCHEDULING
    min_gap = config["min_gap_minutes"] if min_gap is None else min_gap
    max_gap = config["max_gap_minutes"] if max_gap is None else max_gap
    if max_gap < min_gap:  # one of them may be the default, which the asker did not see
        raise ValidationError(
            {
                "max_gap": [
                    gettext(
                        "The longest gap between sessions (%(most)s minutes) is shorter than the "
                        "shortest (%(least)s)."
                    )
                    % {"most": max_gap, "least": min_gap}
                ]
            }
        )
    chosen = list(agencies) if agencies else list(Agency.objects.filter(required_by_default=True))
    chosen.sort(key=lambda a: a.order)
    durations = durations or {}
    specs = tuple(
        SessionSpec(a.code, durations.get(a.code, a.default_duration_minutes)) for a in chosen
    )
    now = timezone.now() + dt.timedelta(
        minutes=config["minimum_notice_minutes"] + extra_notice_minutes
    )
    # The admin's not_before stands; without one, nothing before the order starts.
    order_start = dt.datetime.combine(case.order_start_date, dt.time(0), tzinfo=tz)
    from_order = not_before is None and order_start > now
    first = not_before if not_before is not None else order_start
    earliest = ceil_to(ex.ceil_minutes(max(now, first)), GRID_MINUTES)
    deadline = deadline or case.visit_due_by
    deadline_end = ex.local_day_bounds(day=deadline, zone=tz)[1]
    horizon = max(earliest, deadline_end) + config["search_horizon_days"] * 24 * 60
    closed = ex.days_to_blocks(days=_non_working_days(earliest, horizon, tz), zone=tz)

    practitioners = list(Practitioner.objects.filter(agency__in=chosen, is_active=True))
    by_agency = {a.pk: a for a in chosen}
    for p in practitioners:  # the agencies read already, not joined again
        p.agency = by_agency[p.agency_id]
    seen_before = {
        pid for (pid,) in sql.fetch(queries.PRACTITIONERS_SEEN, [case.young_person_id, False, True])
    }
    rooms_query = Room.objects.filter(is_active=True)
    roomless = [v for v in venues or () if not v.needs_room]
    if venues:  # several venues at once: their rooms only, and those that need none
        rooms_query = rooms_query.filter(venue__in=[v for v in venues if v.needs_room])
    rooms = list(rooms_query.select_related("venue"))
    language = case.young_person.interpreter_language
    interpreters = interpreters_for(language) if case.young_person.interpreter_needed else None
    # The young person's (and the parent or carer's) unavailable times, read once from the
    # first day's midnight, so a clash names the whole unavailable time; the search takes
    # them from its earliest start.
    first_midnight = ex.local_day_bounds(day=_day_of(earliest, tz), zone=tz)[0]
    young_whole = normalise(_unavailable(case, first_midnight, horizon, tz))
    carer_whole = normalise(_unavailable(case, first_midnight, horizon, tz, carer=True))
    young_unavailable = tuple(clip(young_whole, earliest, horizon))
    # A parent or carer who must attend: their times join the young person's, as strictly.
    unavailable = young_unavailable + tuple(clip(carer_whole, earliest, horizon))
    trip = max(
        [r.venue.travel_minutes for r in rooms] + [v.travel_minutes for v in roomless], default=0
    )
    # Visits already booked at any venue with travel hold their practitioners for it.
    travel = bool(sql.fetch(queries.ANY_TRAVEL, [0]))
    # The rows read must reach past a visit by its practitioners' travel.
    longest = sum(s.duration for s in specs) + max_gap * (len(specs) - 1)
    longest += trip

    # The rooms' free time over the whole horizon: a few rows (visits hold rooms, not
    # people), and where it allows no visit, nobody's rows need reading.
    room_slots = _room_slots(
        rooms=rooms, start=earliest, end=horizon, tz=tz, closed=closed, ignore_visit=ignore_visit
    ) + _roomless_slots(roomless, earliest, horizon, closed)
    shortest = sum(s.duration for s in specs) + min_gap * (len(specs) - 1)

    def read(upto: int, lo: int = earliest) -> SearchRequest:
        """What the engine is asked, from the rows of [lo, upto) only."""
        candidates = _practitioner_candidates(
            practitioners=practitioners,
            # From before the first start by the longest travel: they may set out then.
            start=lo - trip,
            end=upto,
            tz=tz,
            seen_before=seen_before,
            extra_busy=extra_busy([p.pk for p in practitioners], lo - trip, upto),
            closed=closed,
            ignore_visit=ignore_visit,
            travel=travel,
        )
        slots = [replace(r, free=tuple(clip(list(r.free), lo, upto))) for r in room_slots]
        pool = None
        if interpreters is not None:
            pool = tuple(
                interpreter_slots(
                    interpreters=interpreters,
                    start=lo,
                    end=upto,
                    tz=tz,
                    closed=closed,
                    ignore_visit=ignore_visit,
                )
            )
        return SearchRequest(
            sessions=specs,
            candidates=tuple(candidates),
            rooms=tuple(slots),
            earliest=lo,
            latest_end=min(deadline_end, upto),
            order=order,
            min_gap=min_gap,
            max_gap=max_gap,
            unavailable=unavailable,
            strict_unavailable=respect_unavailable,
            count=count,
            grid=GRID_MINUTES,
            interpreters=pool,
        )

    by_id = {r.pk: r.venue for r in rooms} | {place_id(v): v for v in roomless}

    def place_words(place: int) -> str:
        """A community venue by what texts call it ("the youth centre on Mill Road"), any
        other by its name."""
        venue = by_id[place]
        return venue.name_for_texts if venue.kind == VenueKind.COMMUNITY else venue.name

    find = (lambda r: _spread(r, tz)) if spread else search
    names = {a.code: a.name_in_sentence for a in chosen}
    # Rows are read for a short window first, widened (doubled) only while the answer could
    # still change with what lies beyond it: most searches find their options in the first
    # days, and reading the rows is most of a search's time.
    # A spread list needs options on several days and re-reads grow it a day at a time, so
    # it reads the whole horizon at once (measured: three windows cost more than one read).
    first_days = 0 if spread else config.get("first_window_days", FIRST_WINDOW_DAYS)
    # The options before the deadline need no rows past it (those after it are read apart,
    # below), so a deadline inside the first window ends it.
    upto = (
        horizon
        if not first_days
        else min(
            horizon,
            earliest + first_days * 24 * 60,
            max(deadline_end, earliest + 24 * 60),
        )
    )
    room_before = any(
        b - a >= shortest for r in room_slots for a, b in clip(list(r.free), earliest, deadline_end)
    )
    if first_days and not room_before:
        upto = min(upto, earliest + NO_ROOM_WINDOW_DAYS * 24 * 60)
    while True:
        request = read(upto)
        answer = _answer(
            request=request,
            find=find,
            whole=upto >= horizon,
            upto=upto,
            longest=longest,
            deadline=deadline,
            deadline_end=deadline_end,
            names=names,
            spread=spread,
            tz=tz,
            young_unavailable=young_unavailable,
            language=language,
            place_words=place_words,
            room_before=room_before,
        )
        if answer is not None:
            break
        upto = min(horizon, earliest + 2 * (upto - earliest))
    options, too_few, reasons = answer
    after: list[Option] = []
    asked: SearchRequest | Callable[[], SearchRequest] = request
    later = max(earliest, deadline_end)
    if too_few:
        # First on the rows already read (enough when the options lie inside them)...
        found = _after(
            request, find, start=later, whole=upto >= horizon, upto=upto, longest=longest
        )
        # ...else on rows read from the first room free long enough for a visit: no visit
        # starts before it, so the rows before it need no reading (when the rooms are full
        # for weeks, that is most of them). Widened (doubled) as above.
        lo = _first_stretch(room_slots, later, shortest) if found is None else None
        upto_after = upto
        while found is None and lo is not None:
            if upto_after <= lo:
                days = max(min(first_days, AFTER_WINDOW_DAYS), 1)
                upto_after = min(horizon, lo + days * 24 * 60)
            else:
                upto_after = min(horizon, lo + 2 * (upto_after - lo))
            found = _after(
                read(upto_after, lo),
                find,
                start=lo,
                whole=upto_after >= horizon,
                upto=upto_after,
                longest=longest,
            )
        after = found or []
        if upto_after > upto:
            # What the engine was asked, from the earliest start to the end of the rows read
            # (read only for a caller who asks: the capacity planner does).
            asked = lambda: read(upto_after)  # noqa: E731
    if from_order:
        reasons.insert(0, order_start_reason(case.order_start_date))
    return VisitOptions(
        options=options,
        after_deadline=after,
        reasons=reasons,
        agencies={a.code: a for a in chosen},
        practitioners={p.pk: p for p in practitioners},
        rooms={r.pk: r for r in rooms},
        roomless={v.pk: v for v in roomless},
        interpreters={i.pk: i for i in interpreters or ()},
        _request=asked,
        unavailable=young_whole,
        carer_unavailable=carer_whole,
    )
