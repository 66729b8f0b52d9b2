"""Quiet hours and reminder times: per local date, so clock changes never shift them."""

import datetime as dt
from zoneinfo import ZoneInfo

from screening.messaging import send_times

LONDON = ZoneInfo("Europe/London")


def local(y, m, d, h, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=LONDON)


def test_quiet_hours_move_a_late_evening_text_to_eight_next_morning():
    moved = send_times.next_allowed(local(2027, 3, 2, 22, 30))
    assert moved == local(2027, 3, 3, 8, 0)
    assert send_times.next_allowed(local(2027, 3, 3, 6, 15)) == local(2027, 3, 3, 8, 0)
    assert send_times.next_allowed(local(2027, 3, 3, 20, 59)) == local(2027, 3, 3, 20, 59)
    assert send_times.next_allowed(local(2027, 3, 3, 21, 0)) == local(2027, 3, 4, 8, 0)


def test_quiet_hours_across_the_spring_clock_change_still_end_at_eight_local():
    # Clocks go forward at 01:00 UTC on Sunday 28 March 2027.
    moved = send_times.next_allowed(local(2027, 3, 27, 23, 0))
    assert moved.astimezone(LONDON).time() == dt.time(8, 0)
    assert moved.astimezone(dt.UTC) == dt.datetime(2027, 3, 28, 7, 0, tzinfo=dt.UTC)


def test_quiet_hours_across_the_autumn_clock_change_still_end_at_eight_local():
    # Clocks go back at 01:00 UTC on Sunday 31 October 2027; 01:30 happens twice.
    first = dt.datetime(2027, 10, 31, 0, 30, tzinfo=dt.UTC)  # 01:30 BST
    second = dt.datetime(2027, 10, 31, 1, 30, tzinfo=dt.UTC)  # 01:30 GMT
    for moment in (first, second):
        moved = send_times.next_allowed(moment)
        assert moved.astimezone(dt.UTC) == dt.datetime(2027, 10, 31, 8, 0, tzinfo=dt.UTC)


def test_day_before_reminder_is_five_pm_local_on_both_sides_of_a_clock_change():
    spring = send_times.day_before_at(local(2027, 3, 29, 10))
    assert spring == local(2027, 3, 28, 17) and spring.utcoffset() == dt.timedelta(hours=1)
    autumn = send_times.day_before_at(local(2027, 11, 1, 10))
    assert autumn == local(2027, 10, 31, 17) and autumn.utcoffset() == dt.timedelta(0)
    assert autumn.astimezone(dt.UTC).hour == 17 and spring.astimezone(dt.UTC).hour == 16


def test_morning_reminder_only_for_visits_from_ten():
    assert send_times.morning_at(local(2027, 3, 29, 9, 55)) is None
    assert send_times.morning_at(local(2027, 3, 29, 10, 0)) == local(2027, 3, 29, 8, 0)


def test_quiet_hours_setting_is_honoured(settings):
    settings.SMS_QUIET_HOURS = "20:00-09:30"
    assert send_times.next_allowed(local(2027, 3, 2, 20, 5)) == local(2027, 3, 3, 9, 30)
    settings.SMS_QUIET_HOURS = "12:00-13:00"  # a window inside one day
    assert send_times.next_allowed(local(2027, 3, 2, 12, 5)) == local(2027, 3, 2, 13, 0)
    assert send_times.next_allowed(local(2027, 3, 2, 22, 0)) == local(2027, 3, 2, 22, 0)
