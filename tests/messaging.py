"""Shared set-up for the text message tests: a team that can be booked, a frozen clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from agencies.models import Agency
from agencies.services import working_pattern_create
from screening.booking.services import SessionRequest, visit_book
from screening.models import Visit, YoungPerson
from tests.factories import make_case, make_practitioner, make_room, make_young_person

LONDON = ZoneInfo("Europe/London")
# Tuesday 23 February 2027, 09:00: "now" in these tests. Visits on Tuesday 2 March.
NOW = dt.datetime(2027, 2, 23, 9, 0, tzinfo=LONDON)
DAY = dt.date(2027, 3, 2)
YP_MOBILE = "+447400123456"
CARER_MOBILE = "+447911123456"


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


class Clock:
    """A settable timezone.now() (install with monkeypatch)."""

    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def __call__(self) -> dt.datetime:
        return self.moment.astimezone(dt.UTC)

    def advance(self, **delta: float) -> None:
        self.moment += dt.timedelta(**delta)


def freeze(monkeypatch, moment: dt.datetime = NOW) -> Clock:
    clock = Clock(moment)
    monkeypatch.setattr(timezone, "now", clock)
    return clock


def travel(moment: dt.datetime = NOW) -> time_machine.travel:
    """The whole process's clock from `moment`, ticking on: for tests whose threads, live
    servers or workers read the time too (`freeze` replaces timezone.now alone, which
    model defaults such as created_at and the standard library do not call)."""
    return time_machine.travel(moment, tick=True)


def make_team() -> tuple[dict[str, object], object]:
    """One health practitioner working every day 08:00-18:00, and a room."""
    p = make_practitioner(agency="health")
    working_pattern_create(
        practitioner=p,
        weekdays=[0, 1, 2, 3, 4, 5, 6],
        start_time=dt.time(8),
        end_time=dt.time(18),
        valid_from=dt.date(2026, 1, 1),
    )
    return {"health": p}, make_room()


def texting_person(**extra) -> YoungPerson:
    values = {"mobile": "07400 123456", "sms_consent": True}
    values.update(extra)
    return make_young_person(**values)


def book(
    team, *, person: YoungPerson | None = None, start: dt.datetime | None = None, **extra
) -> Visit:
    people, room = team
    case = make_case(young_person=person or texting_person(), order_start_date=NOW.date())
    health = Agency.objects.get(code="health")
    return visit_book(
        case=case,
        room=room,
        sessions=[
            SessionRequest(agency=health, practitioner=people["health"], start=start or at(10))
        ],
        late_reason="test visit after the deadline",
        **extra,
    )


# Weekdays of March 2027 (after NOW): Tuesday 2 to Friday 5, Monday 8 to Thursday 11.
MARCH_WEEKDAYS = [2, 3, 4, 5, 8, 9, 10, 11]


def book_visits_texting_two(visits: int, *, series: int) -> None:
    """`visits` visits on one team, six a day (the practitioner's daily cap) on weekdays in
    March 2027, each planning a confirmation to the young person and one to the carer;
    `series` (two digits) keeps the numbers apart from other tests'."""
    team = make_team()
    for n in range(visits):
        person = texting_person(
            mobile=f"07400 {series:02d}{n:04d}",
            parent_carer_mobile=f"07911 {series:02d}{n:04d}",
            parent_carer_sms_consent=True,
        )
        day = DAY.replace(day=MARCH_WEEKDAYS[n // 6])
        book(team, person=person, start=at(9 + n % 6, day=day))
