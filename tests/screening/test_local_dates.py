"""Local dates computed by the database agree with Python's, moment by moment, across clock
changes, in zones ahead of and behind UTC (screening/local_dates.py)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db.models import DateField, F, Value

from accounts.models import Role, User
from screening.local_dates import EndsBy, local_date, offset_stretches

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Clock changes of 2027: London 28 March and 31 October; New York 14 March and 7 November.
ZONES = {
    "Europe/London": (dt.date(2027, 3, 27), dt.date(2027, 11, 2)),
    "America/New_York": (dt.date(2027, 3, 13), dt.date(2027, 11, 8)),
    "Asia/Kolkata": (dt.date(2027, 3, 27), dt.date(2027, 4, 2)),
}


def moments_around(days: list[dt.date], zone: ZoneInfo) -> list[dt.datetime]:
    """Every 20 minutes through the given local days, plus each local midnight and the
    microsecond before it."""
    moments = []
    for day in days:
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(dt.UTC)
        moments += [midnight, midnight - dt.timedelta(microseconds=1)]
        moments += [midnight + dt.timedelta(minutes=20 * k) for k in range(72)]
    return moments


def stored(moments: list[dt.datetime]) -> list[User]:
    return User.objects.bulk_create(
        User(username=f"moment{k}", role=Role.YOT_ADMIN, date_joined=m)
        for k, m in enumerate(moments)
    )


def clock_change_days(first: dt.date, end: dt.date) -> list[dt.date]:
    """Two days each side of every day from `first` to `end` that has a clock change."""
    return [first + dt.timedelta(days=n) for n in range(-1, 3)] + [
        end + dt.timedelta(days=n) for n in range(-3, 1)
    ]


@pytest.mark.parametrize("zone_name", ZONES)
def test_local_date_is_the_local_date_of_each_moment_in_the_range(zone_name):
    zone = ZoneInfo(zone_name)
    first, end = ZONES[zone_name]
    stored(moments_around(clock_change_days(first, end), zone))
    rows = User.objects.annotate(
        day=local_date("date_joined", first=first, end=end, zone=zone)
    ).values_list("date_joined", "day")
    checked = 0
    for moment, day in rows:
        local = moment.astimezone(zone).date()
        if first <= local < end:
            assert day == local, moment
            checked += 1
        else:
            assert day == (first - dt.timedelta(days=1) if local < first else end), moment
    assert checked > 400


@pytest.mark.parametrize("zone_name", ZONES)
def test_ends_by_says_whether_the_moment_is_on_or_before_a_local_date(zone_name):
    zone = ZoneInfo(zone_name)
    first, end = ZONES[zone_name]
    days = clock_change_days(first, end)
    stored(moments_around(days, zone))
    for day in days[1:-1]:
        rows = User.objects.annotate(
            by=EndsBy(F("date_joined"), Value(day, DateField()), first=first, end=end, zone=zone)
        ).values_list("date_joined", "by")
        for moment, by in rows:
            assert by == (moment.astimezone(zone).date() <= day), (moment, day)


def test_ends_by_is_null_without_a_moment_and_exact_either_side_of_summer_midnight(db):
    summer = dt.date(2027, 6, 30)
    joined = {
        "before-midnight": dt.datetime(2027, 6, 30, 22, 59, 59, tzinfo=dt.UTC),
        "after-midnight": dt.datetime(2027, 6, 30, 23, 0, tzinfo=dt.UTC),
    }
    for name, moment in joined.items():
        User.objects.create(username=name, role=Role.YOT_ADMIN, date_joined=moment)
    period = {"first": summer, "end": summer + dt.timedelta(days=1), "zone": LONDON}
    due = Value(summer, DateField())
    rows = User.objects.annotate(
        joined_by=EndsBy(F("date_joined"), due, **period),
        logged_in_by=EndsBy(F("last_login"), due, **period),
    ).values_list("username", "joined_by", "logged_in_by")
    assert sorted(rows) == [("after-midnight", False, None), ("before-midnight", True, None)]


def test_offset_stretches_start_at_the_first_midnight_and_change_at_each_clock_change():
    assert offset_stretches(dt.date(2027, 1, 1), dt.date(2028, 1, 1), LONDON) == (
        (dt.datetime(2027, 1, 1, tzinfo=dt.UTC), 0),
        (dt.datetime(2027, 3, 28, 1, 0, tzinfo=dt.UTC), 3600),
        (dt.datetime(2027, 10, 31, 1, 0, tzinfo=dt.UTC), 0),
    )
    assert offset_stretches(dt.date(2027, 6, 1), dt.date(2027, 7, 1), LONDON) == (
        (dt.datetime(2027, 5, 31, 23, 0, tzinfo=dt.UTC), 3600),
    )
