"""Spreading the options across days and times, after the engine, agrees with a plain
reference on small random calendars over three days: from every option the exhaustive
search finds, those outside the young person's unavailable times first, then (unless they
are strict) the rest, each taken earliest first while its local day has fewer than three
and none that day starts within two hours of it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.booking.spread import SPREAD_MINUTES, SPREAD_PER_DAY, _spread
from screening.scheduling.expand import from_minutes
from screening.scheduling.search import Option, SearchRequest, exhaustive_search
from tests.screening.scheduling.test_search_oracle import free_lists, requests

LONDON = ZoneInfo("Europe/London")
DAY = 24 * 60


def day_of(minute: int) -> dt.date:
    return from_minutes(minute).astimezone(LONDON).date()


def fits(option: Option, picked: list[Option]) -> bool:
    same_day = [p for p in picked if day_of(p.start) == day_of(option.start)]
    return len(same_day) < SPREAD_PER_DAY and all(
        abs(p.start - option.start) >= SPREAD_MINUTES for p in same_day
    )


def reference(request: SearchRequest) -> list[tuple]:
    every = exhaustive_search(replace(request, count=10**6))
    picked: list[Option] = []
    groups = [[o for o in every if o.outside_unavailable]]
    if not request.strict_unavailable:
        groups.append([o for o in every if not o.outside_unavailable])
    for group in groups:
        for option in sorted(group, key=Option.rank):
            if len(picked) < request.count and fits(option, picked):
                picked.append(option)
    return [(o.outside_unavailable, o.start, o.room) for o in picked]


@st.composite
def spread_requests(draw):
    """The oracle's random requests, with rooms and people free over three days (the first
    minute is 00:00 UTC on 1 January 1970, 01:00 in London, then on British Standard Time)."""
    request = draw(requests(order=draw(st.sampled_from(["fixed", "any"]))))
    span = 3 * DAY
    return replace(
        request,
        candidates=tuple(replace(c, free=draw(free_lists(span=span))) for c in request.candidates),
        rooms=tuple(replace(r, free=draw(free_lists(span=span))) for r in request.rooms),
        unavailable=draw(st.one_of(st.just(()), free_lists(span=span))),
        latest_end=draw(st.one_of(st.none(), st.integers(DAY, span))),
        count=draw(st.integers(1, 10)),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(request=spread_requests())
def test_spread_options_match_the_plain_reference(request):
    got = _spread(request, LONDON)
    assert [(o.outside_unavailable, o.start, o.room) for o in got] == reference(request)
    per_day = Counter(day_of(o.start) for o in got)
    assert all(n <= SPREAD_PER_DAY for n in per_day.values())
