import datetime as dt

import pytest

from screening.people.workdays import add_working_days, is_working_day, working_days_between

D = dt.date


def test_weekends_are_not_working_days():
    assert not is_working_day(D(2027, 3, 6))  # Saturday
    assert not is_working_day(D(2027, 3, 7))  # Sunday
    assert is_working_day(D(2027, 3, 8))


def test_add_working_days_skips_the_weekend():
    assert add_working_days(D(2027, 3, 5), 1) == D(2027, 3, 8)  # Friday + 1 -> Monday
    assert add_working_days(D(2027, 3, 1), 5) == D(2027, 3, 8)


def test_add_working_days_skips_good_friday_and_easter_monday():
    # Easter 2027: Good Friday 26 March, Easter Monday 29 March.
    assert add_working_days(D(2027, 3, 25), 1) == D(2027, 3, 30)


def test_add_working_days_skips_substitute_bank_holidays():
    # Christmas Day 2027 is a Saturday and Boxing Day a Sunday: Mon 27 and Tue 28 are
    # substitute bank holidays.
    assert not is_working_day(D(2027, 12, 27))
    assert not is_working_day(D(2027, 12, 28))
    assert add_working_days(D(2027, 12, 24), 1) == D(2027, 12, 29)


def test_scottish_only_holidays_are_working_days_in_england():
    assert is_working_day(D(2027, 1, 4))  # 2 January substitute is Scotland only
    assert is_working_day(D(2027, 11, 30))  # St Andrew's Day


def test_add_working_days_skips_configured_closure_days():
    closures = {D(2027, 3, 2)}
    assert add_working_days(D(2027, 3, 1), 1, closures=closures) == D(2027, 3, 3)


def test_add_working_days_from_a_weekend_starts_on_monday():
    assert add_working_days(D(2027, 3, 6), 1) == D(2027, 3, 8)


def test_add_working_days_rejects_negative():
    with pytest.raises(ValueError):
        add_working_days(D(2027, 3, 1), -1)


def test_working_days_between_counts_both_ways():
    assert working_days_between(D(2027, 3, 25), D(2027, 3, 30)) == 1
    assert working_days_between(D(2027, 3, 30), D(2027, 3, 25)) == -1
    assert working_days_between(D(2027, 3, 1), D(2027, 3, 1)) == 0
