"""Dates and times for people are written one way everywhere, on the YOT's wall clock."""

import datetime as dt

from agencies.local_time import date_words, day_at_time_words, day_words, time_on_day_words

# Tuesday 4 March 2031 (GMT) and Tuesday 1 July 2031 (BST, an hour ahead of UTC).
WINTER = dt.datetime(2031, 3, 4, 10, 30, tzinfo=dt.UTC)
SUMMER = dt.datetime(2031, 7, 1, 9, 30, tzinfo=dt.UTC)


def test_dates_are_written_in_words_with_or_without_the_weekday_and_year():
    assert date_words(dt.date(2031, 3, 4)) == "4 March 2031"
    assert day_words(dt.date(2031, 3, 4)) == "Tuesday 4 March 2031"
    assert day_words(dt.date(2031, 3, 4), year=False) == "Tuesday 4 March"


def test_moments_are_written_on_the_yot_wall_clock():
    assert time_on_day_words(WINTER) == "10:30 on Tuesday 4 March 2031"
    assert time_on_day_words(SUMMER) == "10:30 on Tuesday 1 July 2031"
    assert day_at_time_words(SUMMER) == "Tuesday 1 July 2031 at 10:30"


def test_a_moment_late_in_the_utc_evening_is_the_next_local_day_in_summer():
    # 23:30 UTC on Monday 30 June 2031 is 00:30 BST on Tuesday 1 July.
    moment = dt.datetime(2031, 6, 30, 23, 30, tzinfo=dt.UTC)
    assert time_on_day_words(moment) == "00:30 on Tuesday 1 July 2031"
