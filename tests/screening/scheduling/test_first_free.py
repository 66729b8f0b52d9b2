"""first_free: what bounds a visit's start from below, each part alone (the planner's
bottleneck), worked out by hand on minutes."""

from __future__ import annotations

from screening.scheduling.explain import ROOM, first_free
from screening.scheduling.search import Candidate, RoomSlot, SearchRequest, SessionSpec


def _request(rooms, earliest=0):
    return SearchRequest(
        sessions=(SessionSpec("health", 30), SessionSpec("education", 45)),
        candidates=(
            Candidate(1, "health", ((600, 700),)),
            Candidate(2, "education", ((640, 660), (650, 800))),
            Candidate(3, "education", ((900, 1000),)),
        ),
        rooms=rooms,
        earliest=earliest,
        min_gap=5,
    )


def test_each_part_gives_its_first_start_long_enough_for_it():
    # Education's 640-660 is too short for 45 minutes; a room needs 30 + 5 + 45 = 80 in a row.
    found = first_free(_request((RoomSlot(7, ((100, 150), (500, 900))),)))
    assert found == {"health": 600, "education": 650, ROOM: 500}


def test_from_the_earliest_start_on():
    found = first_free(_request((RoomSlot(7, ((500, 900),)),), earliest=680))
    assert found == {"health": None, "education": 680, ROOM: 680}


def test_no_room_long_enough_is_none():
    found = first_free(_request((RoomSlot(7, ((500, 570), (600, 679))),)))
    assert found[ROOM] is None
