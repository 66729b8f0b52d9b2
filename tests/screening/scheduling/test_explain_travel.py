""" "Why no option" names the journey when it is the cause: someone of the agency is free for
the session, but not for the travel to every place searched and back."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from screening.booking.reasons import render_reason
from screening.scheduling.explain import Reason, explain
from screening.scheduling.search import Candidate, RoomSlot, SearchRequest, SessionSpec

# Engine minutes; the window ends at minute 500 (the deadline).
HEALTH = SessionSpec("health", 60)


def request(rooms, free=((0, 70), (600, 800))) -> SearchRequest:
    return SearchRequest(
        sessions=(HEALTH,),
        candidates=(Candidate(1, "health", tuple(free)),),
        rooms=tuple(rooms),
        earliest=0,
        latest_end=500,
    )


def test_the_journey_is_named_when_every_place_has_travel():
    # Free 0-70: the 60-minute session fits, but not with 25 minutes there and back; after
    # the window, 600-800 holds it from 625 (setting out at 600).
    why = explain(request([RoomSlot(7, ((0, 1000),), travel=25), RoomSlot(3, ((0, 1000),), 40)]))
    assert why == [Reason("agency_unavailable", agency="health", earliest=625, travel=25, room=7)]


def test_no_journey_named_when_a_place_needs_none_or_nobody_is_free_at_all():
    near = explain(request([RoomSlot(7, ((0, 1000),), travel=25), RoomSlot(3, ((0, 1000),))]))
    # The office (no travel) has someone free: the journey is not what is missing.
    assert all(r.code != "agency_unavailable" for r in near)
    nobody = explain(request([RoomSlot(7, ((0, 1000),), travel=25)], free=((600, 800),)))
    assert nobody == [Reason("agency_unavailable", agency="health", earliest=600)]


def test_the_reason_reads_with_the_travel_and_the_place():
    tz = ZoneInfo("Europe/London")
    reason = Reason("agency_unavailable", agency="health", travel=25, room=7)
    text = render_reason(
        reason,
        tz=tz,
        deadline=dt.date(2027, 3, 8),
        agency_names={"health": "health"},
        place_words={7: "the youth centre on Mill Road"}.get,
    )
    assert text == (
        "With 25 minutes' travel to the youth centre on Mill Road, no health practitioner "
        "is free before the deadline of Monday 8 March 2027."
    )
