"""Buffers, caps, breaks inside gaps, notice, deadline, school hours, ranking."""

import datetime as dt
from zoneinfo import ZoneInfo

from screening.scheduling.availability import practitioner_free, room_free
from screening.scheduling.search import (
    Candidate,
    RoomSlot,
    SearchRequest,
    SessionSpec,
    search,
)

LONDON = ZoneInfo("Europe/London")
H = 60
DAY = dt.date(2027, 3, 2)


def test_both_buffers_count():
    # An existing session 10:00-10:30 held to 10:40 (its buffer); a new one with a
    # 10-minute buffer must end by 09:50 or start at 10:40.
    free = practitioner_free(working=[(9 * H, 12 * H)], held=[(10 * H, 10 * H + 40)], new_buffer=10)
    assert free == [(9 * H, 9 * H + 50), (10 * H + 40, 12 * H)]


def test_a_new_sessions_buffer_may_run_past_the_working_day():
    free = practitioner_free(working=[(9 * H, 17 * H)], new_buffer=10)
    assert free == [(9 * H, 17 * H)]


def test_days_at_the_cap_are_removed_whole():
    from screening.scheduling.expand import local_day_bounds

    start, end = local_day_bounds(day=DAY, zone=LONDON)
    working = [(start + 9 * H, start + 17 * H), (end + 9 * H, end + 17 * H)]
    free = practitioner_free(working=working, sessions_per_day={DAY: 6}, cap=6, zone=LONDON)
    assert free == [(end + 9 * H, end + 17 * H)]
    free = practitioner_free(working=working, sessions_per_day={DAY: 5}, cap=6, zone=LONDON)
    assert free == working


def test_room_free_is_opening_minus_other_visits():
    assert room_free(opening=[(8 * H, 18 * H)], visits=[(10 * H, 12 * H)]) == [
        (8 * H, 10 * H),
        (12 * H, 18 * H),
    ]


def two_sessions(**changes):
    base = {
        "sessions": (SessionSpec("slt", 30), SessionSpec("health", 45)),
        "candidates": (
            Candidate(1, "slt", ((9 * H, 17 * H),)),
            Candidate(2, "health", ((9 * H, 17 * H),)),
        ),
        "rooms": (RoomSlot(10, ((8 * H, 18 * H),)),),
        "earliest": 9 * H,
        "count": 3,
    }
    base.update(changes)
    return SearchRequest(**base)


def test_earliest_options_back_to_back_with_the_minimum_gap():
    [first, *_] = search(two_sessions())
    assert (first.start, first.sessions[1].start, first.end) == (9 * H, 9 * H + 35, 10 * H + 20)


def test_a_practitioners_break_can_fall_inside_the_gap():
    # Health is at lunch 10:00-10:40; a 25-minute gap after speech and language fits it.
    request = two_sessions(
        candidates=(
            Candidate(1, "slt", ((9 * H, 17 * H),)),
            Candidate(2, "health", ((9 * H, 10 * H), (10 * H + 40, 17 * H))),
        ),
        earliest=9 * H + 45,
    )
    first = search(request)[0]
    assert first.start == 9 * H + 45 and first.sessions[1].start == 10 * H + 40


def test_minimum_notice_and_deadline_bound_the_options():
    # The visit lasts 80 minutes; everyone works until 17:00.
    assert search(two_sessions(earliest=15 * H + 3))[0].start == 15 * H + 5
    assert search(two_sessions(earliest=15 * H + 45)) == []
    assert search(two_sessions(earliest=15 * H, latest_end=15 * H + 79)) == []
    assert search(two_sessions(earliest=15 * H, latest_end=15 * H + 80))[0].start == 15 * H


def test_school_hours_rank_after_free_times_unless_strict():
    school = ((9 * H, 15 * H),)
    soft = search(two_sessions(unavailable=school, count=2))
    assert [o.start for o in soft] == [15 * H, 15 * H + 5]
    assert all(o.outside_unavailable for o in soft)
    # Only 15:40 fits after 15:40 before everyone stops at 17:00.
    late = ((9 * H, 15 * H + 40),)
    few = search(two_sessions(unavailable=late, count=2))
    assert [(o.start, o.outside_unavailable) for o in few] == [(15 * H + 40, True), (9 * H, False)]
    strict = search(two_sessions(unavailable=late, strict_unavailable=True, count=2))
    assert [o.start for o in strict] == [15 * H + 40]


def test_continuity_then_least_load_choose_the_practitioner():
    free = ((9 * H, 17 * H),)
    candidates = (
        Candidate(1, "slt", free, week_load=0),
        Candidate(2, "slt", free, continuity=True, week_load=9),
        Candidate(3, "health", free, week_load=5),
        Candidate(4, "health", free, week_load=1),
    )
    first = search(two_sessions(candidates=candidates))[0]
    assert [s.practitioner for s in first.sessions] == [2, 4]


def test_least_load_is_counted_in_the_week_of_each_option():
    week = 7 * 24 * H
    monday_two = week  # engine minutes: week one is [0, week), week two [week, 2 * week)
    free = ((9 * H, 17 * H), (monday_two + 9 * H, monday_two + 17 * H))
    candidates = (
        Candidate(1, "slt", free),
        # Health 3 is busy in week one and idle in week two; health 4 the other way round.
        Candidate(3, "health", free, week_loads=((0, week, 8), (week, 2 * week, 0))),
        Candidate(4, "health", free, week_loads=((0, week, 1), (week, 2 * week, 7))),
    )
    rooms = (RoomSlot(10, ((8 * H, 18 * H), (monday_two + 8 * H, monday_two + 18 * H))),)
    options = search(two_sessions(candidates=candidates, rooms=rooms, count=200))
    week_one = next(o for o in options if o.start < week)
    week_two = next(o for o in options if o.start >= week)
    assert week_one.sessions[1].practitioner == 4 and week_one.load == 1
    assert week_two.sessions[1].practitioner == 3 and week_two.load == 0


def test_options_are_distinct_by_start_and_room():
    rooms = (RoomSlot(10, ((8 * H, 18 * H),)), RoomSlot(11, ((8 * H, 18 * H),)))
    options = search(two_sessions(rooms=rooms, count=4))
    assert [(o.start, o.room) for o in options] == [
        (9 * H, 10),
        (9 * H, 11),
        (9 * H + 5, 10),
        (9 * H + 5, 11),
    ]


def test_any_order_finds_a_visit_fixed_order_cannot():
    # Health only works early, speech and language only late.
    candidates = (
        Candidate(1, "slt", ((10 * H, 11 * H),)),
        Candidate(2, "health", ((9 * H, 9 * H + 45),)),
    )
    assert search(two_sessions(candidates=candidates)) == []
    [first, *_] = search(two_sessions(candidates=candidates, order="any"))
    assert [s.agency for s in first.sessions] == ["health", "slt"]
