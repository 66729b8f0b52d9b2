"""The planner's worker: a copy of the set-up in a process of its own, repeatable by seed,
and a what-if that differs from its baseline by its change alone."""

from __future__ import annotations

import datetime as dt

import pytest

from agencies.models import Agency
from screening.planner import runner
from screening.planner.clock import SimulatedClock, driven
from tests.factories import make_room, make_working_practitioner

MONDAY = dt.date(2027, 6, 7)


def _spec(changes=(), **params):
    base = {"weeks": 2, "first_monday": MONDAY.isoformat(), "per_week": 4.0,
            "mix": {"referral_order": 1.0}, "seed": 3, "model": "one_visit"}  # fmt: skip
    return runner.spec_for(
        params={**base, **params}, changes=list(changes), setup=runner.export_for(MONDAY)
    )


@pytest.fixture
def small_yot(db):
    Agency.objects.exclude(code="health").update(required_by_default=False)
    person = make_working_practitioner(agency="health", weekdays=[1], hours=(9, 11))
    make_room()
    return person


def _without_timing(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "seconds_per_booking"}


@pytest.mark.slow
def test_same_seed_gives_identical_results(small_yot):
    spec = _spec()
    first, second = runner.run_isolated(spec), runner.run_isolated(spec)
    assert first["bookings"] > 0
    assert _without_timing(first) == _without_timing(second)


@pytest.mark.slow
def test_a_what_if_pattern_changes_only_capacity(small_yot):
    more = {"kind": "add_pattern", "practitioner": small_yot.pk, "weekdays": [0, 2, 3, 4],
            "start": "09:00", "end": "17:00"}  # fmt: skip
    baseline = runner.run_isolated(_spec())
    what_if = runner.run_isolated(_spec(changes=[more]))
    assert what_if["orders"] == baseline["orders"]
    assert what_if["visit"]["percent"] > baseline["visit"]["percent"]


@pytest.mark.slow
def test_separate_appointments_book_one_visit_per_agency(small_yot):
    Agency.objects.filter(code="education").update(required_by_default=True)
    make_working_practitioner(agency="education", weekdays=[1, 2], hours=(9, 12))
    one = runner.run_isolated(_spec())
    separate = runner.run_isolated(_spec(model="separate"))
    assert separate["orders"] == one["orders"]
    assert separate["bookings"] >= 2 * one["orders"]


def test_the_clock_refuses_the_live_database(db):
    with (
        pytest.raises(RuntimeError, match="own worker process"),
        driven(SimulatedClock(dt.datetime(2027, 6, 7, 9, tzinfo=dt.UTC))),
    ):
        pass


def test_the_worker_reports_a_bad_change_plainly(small_yot):
    with pytest.raises(RuntimeError, match="The simulation stopped"):
        runner.run_isolated(_spec(changes=[{"kind": "add_venue"}]))


@pytest.mark.django_db
def test_a_new_venue_what_if_opens_its_rooms_at_the_hours_given():
    from screening.models import OpeningHours, Room, Venue

    runner.apply_change(
        {"kind": "add_venue", "name": "Eastside Hub", "rooms": 2,
         "opening_hours": [{"weekday": 1, "opens": "09:00", "closes": "17:00"},
                           {"weekday": 3, "opens": "09:00", "closes": "13:00"}]},
        first_monday=MONDAY,
    )  # fmt: skip
    venue = Venue.objects.get(name="Eastside Hub")
    assert sorted(Room.objects.filter(venue=venue).values_list("name", flat=True)) == [
        "Room 1",
        "Room 2",
    ]
    assert sorted(
        OpeningHours.objects.filter(venue=venue).values_list("weekday", "opens", "closes")
    ) == [(1, dt.time(9), dt.time(17)), (3, dt.time(9), dt.time(13))]


@pytest.mark.django_db
def test_a_new_venue_needs_one_room_at_least():
    with pytest.raises(ValueError, match="rooms"):
        runner.apply_change({"kind": "add_venue", "name": "Empty", "rooms": 0}, first_monday=MONDAY)


def test_the_command_reads_a_venue_what_if():
    from screening.management.commands.simulate import _venue

    assert _venue("Eastside Hub:2:1+3:09:00-17:00") == {
        "kind": "add_venue",
        "name": "Eastside Hub",
        "rooms": 2,
        "opening_hours": [
            {"weekday": 1, "opens": "09:00", "closes": "17:00"},
            {"weekday": 3, "opens": "09:00", "closes": "17:00"},
        ],
    }
    assert _venue("Eastside Hub:1") == {"kind": "add_venue", "name": "Eastside Hub", "rooms": 1}
