"""A small simulation whose figures are worked out by hand, run on the real services.

One agency (health, 45-minute sessions plus a 10-minute buffer), one practitioner working
Tuesdays 09:00-10:00 only: one session a week. Two orders arrive every Monday from 7 June
2027 (no bank holiday in June or July 2027), for four weeks: eight orders. Order n (0..7)
arrives on the Monday of week n // 2 and, the queue growing by one a week, is seen on the
Tuesday of week n. Its visit is due 5 working days after its Monday: the next Monday, so
only order 0 is seen on time (1 of 8). Working days from the order to the visit:
5 * (n - n // 2) + 1 = 1, 6, 6, 11, 11, 16, 16, 21. Findings come the same day (due two
working days later): 8 of 8 on time. The draft is signed off the same day; an order of
type "other" is due signed off 15 working days after its Monday (the Monday of week
n // 2 + 3), so orders 0 to 4 are on time and 5, 6 and 7 late: 5 of 8.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import pytest

from agencies.models import Agency
from screening.planner.demand import Attendance, Delay, Order
from screening.planner.results import figures
from screening.planner.simulation import Params, Simulation
from tests.factories import make_room, make_working_practitioner

MONDAY = dt.date(2027, 6, 7)


@dataclass(frozen=True)
class TwoEachMonday:
    weeks: int = 4

    def orders(self, *, first_monday, weeks, rng, closures=()):
        return [
            Order(2 * w + i, first_monday + dt.timedelta(weeks=w), "other")
            for w in range(weeks)
            for i in range(2)
        ]


@pytest.fixture
def one_morning_a_week(settings):
    settings.PLANNER_ALLOW_CURRENT_DATABASE = True
    Agency.objects.exclude(code="health").update(required_by_default=False)
    practitioner = make_working_practitioner(
        agency="health", weekdays=[1], hours=(9, 10), valid_from=dt.date(2027, 1, 4)
    )
    make_room()
    return practitioner


def _run(**overrides):
    chosen = {
        "weeks": 4,
        "first_monday": MONDAY,
        "arrivals": TwoEachMonday(),
        "attendance": Attendance(missed_rate=0, confirmed_missed_rate=0),
        "findings_delay": Delay(median=0, late_share=0, due=0),
        "sign_off_delay": Delay(median=0, late_share=0, due=0),
    }
    params = Params(**{**chosen, **overrides})
    simulation = Simulation(params)
    log = simulation.run()
    return figures(params, log, now=simulation.clock.now())


@pytest.mark.django_db
def test_queue_grows_and_on_time_share_falls_to_the_worked_figure(one_morning_a_week):
    result = _run()
    assert result["orders"] == 8
    assert result["bookings"] == 8
    assert (result["visit"]["on_time"], result["visit"]["late"]) == (1, 7)
    assert result["visit"]["percent"] == 13  # 12.5, rounded half up as the report does
    assert (result["findings"]["on_time"], result["findings"]["late"]) == (8, 0)
    assert (result["assessment"]["other"]["on_time"], result["assessment"]["other"]["late"]) == (
        5,
        3,
    )
    assert result["working_days_to_visit"] == {"1": 1, "6": 2, "11": 2, "16": 2, "21": 1}
    # Seven visits after their deadline, each with the search's own reason.
    assert sum(result["late_reasons"].values()) == 7
    assert all("health practitioner" in text for text in result["late_reasons"])
    # The one practitioner is the only thing that sets the start.
    assert result["bottleneck"] == "Health"
    (person,) = result["utilisation"]["practitioners"]
    assert person["booked_minutes"] == 4 * 45  # four Tuesdays inside the four weeks
    assert person["available_minutes"] == 4 * 60


@pytest.mark.django_db
def test_a_missed_visit_is_rebooked_by_the_rebooking_rule(one_morning_a_week):
    result = _run(attendance=Attendance(missed_rate=1, confirmed_missed_rate=1), weeks=1)
    # Every visit is missed and rebooked, so the search keeps going until the horizon ends.
    assert result["orders"] == 2
    assert result["bookings"] > 2
    assert result["findings"]["on_time"] + result["findings"]["late"] == 0
    assert any(text.startswith("Missed session, rebooked") for text in result["late_reasons"])


def test_the_same_seed_draws_the_same_young_people():
    a = random.Random("1:3:visit:9").random()
    assert a == random.Random("1:3:visit:9").random()


class MissesFirst:
    """The young person misses the first `n` visits booked, then attends every one."""

    def __init__(self, n: int) -> None:
        self.left = n

    def draw(self, rng):
        self.left -= 1
        return False, self.left >= 0


@dataclass(frozen=True)
class OneOrder:
    def orders(self, *, first_monday, weeks, rng, closures=()):
        return [Order(0, first_monday, "other")]


@pytest.fixture
def tuesday_and_thursday_mornings(settings):
    settings.PLANNER_ALLOW_CURRENT_DATABASE = True
    Agency.objects.exclude(code="health").update(required_by_default=False)
    make_working_practitioner(
        agency="health", weekdays=[1, 3], hours=(9, 10), valid_from=dt.date(2027, 1, 4)
    )
    make_room()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("missed", "seen_after", "on_time"),
    [
        # Order on Monday 7 June 2027, visit due Monday 14 June (5 working days).
        (0, 1, 1),  # seen Tuesday 8 June: 1 working day
        (1, 3, 1),  # missed Tue 8, rebooked and seen Thursday 10 June: 3 working days
        (2, 6, 0),  # missed Tue 8 and Thu 10, seen Tuesday 15 June: 6 days, late
    ],
)
def test_a_missed_visit_counts_only_when_its_rebooking_happens(
    tuesday_and_thursday_mornings, missed, seen_after, on_time
):
    result = _run(weeks=1, arrivals=OneOrder(), attendance=MissesFirst(missed))
    assert result["bookings"] == 1 + missed  # each miss rebooked through session_rebook
    assert result["working_days_to_visit"] == {str(seen_after): 1}
    assert (result["visit"]["on_time"], result["visit"]["late"]) == (on_time, 1 - on_time)
    assert (result["findings"]["on_time"], result["findings"]["late"]) == (1, 0)
