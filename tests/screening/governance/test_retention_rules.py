"""The retention schedule's arithmetic, with dates worked out by hand from the calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from screening.governance.retention_rules import (
    DisposalDates,
    RuleFigures,
    add_years,
    birthday,
    disposal_dates,
    due_action,
)

REFERRAL = RuleFigures(dispose_after_years=3, keep_until_age=18)
STATUTORY = RuleFigures(dispose_after_years=5, reduce_after_years=3)
OTHER = RuleFigures(dispose_after_years=5, reduce_after_years=3, keep_until_age=18)


@pytest.mark.parametrize(
    ("born", "age", "on"),
    [
        # The leap-day rule of England and Wales: 18 on 1 March in a common year.
        (dt.date(2012, 2, 29), 18, dt.date(2030, 3, 1)),
        (dt.date(2008, 2, 29), 18, dt.date(2026, 3, 1)),
        # ... but on 29 February when that year has one (2028 is a leap year).
        (dt.date(2012, 2, 29), 16, dt.date(2028, 2, 29)),
        (dt.date(2011, 5, 17), 18, dt.date(2029, 5, 17)),
        (dt.date(2012, 3, 1), 18, dt.date(2030, 3, 1)),
    ],
)
def test_birthday_follows_the_leap_day_rule(born, age, on):
    assert birthday(born, age) == on


def test_years_after_a_last_action_on_29_february_end_on_1_march():
    assert add_years(dt.date(2028, 2, 29), 3) == dt.date(2031, 3, 1)
    assert add_years(dt.date(2028, 2, 29), 4) == dt.date(2032, 2, 29)
    assert add_years(dt.date(2027, 3, 26), 5) == dt.date(2032, 3, 26)


def test_referral_order_three_years_after_the_last_action_when_that_is_later():
    # 18 on 17 May 2029; three years after 5 November 2026 is 5 November 2029: the later.
    dates = disposal_dates(
        rule=REFERRAL, last_action=dt.date(2026, 11, 5), born=dt.date(2011, 5, 17)
    )
    assert dates == DisposalDates(reduce_on=None, dispose_on=dt.date(2029, 11, 5))


def test_referral_order_kept_to_the_18th_birthday_when_that_is_later():
    # Three years after 1 June 2026 is 1 June 2029; born 29 February 2012, 18 on 1 March 2030.
    dates = disposal_dates(
        rule=REFERRAL, last_action=dt.date(2026, 6, 1), born=dt.date(2012, 2, 29)
    )
    assert dates.dispose_on == dt.date(2030, 3, 1)
    assert dates.reduce_on is None


def test_statutory_order_basic_details_after_three_years_disposed_after_five():
    # Last action Good Friday 26 March 2027 (years are calendar years, not working days).
    dates = disposal_dates(
        rule=STATUTORY, last_action=dt.date(2027, 3, 26), born=dt.date(2010, 1, 1)
    )
    assert dates == DisposalDates(reduce_on=dt.date(2030, 3, 26), dispose_on=dt.date(2032, 3, 26))


def test_other_orders_take_both_rules_the_later_date():
    # Born 10 January 2016 (10 on 10 January 2026): 18 on 10 January 2034, after 1 September
    # 2031 (five years after 1 September 2026); reduced 1 September 2029.
    dates = disposal_dates(rule=OTHER, last_action=dt.date(2026, 9, 1), born=dt.date(2016, 1, 10))
    assert dates == DisposalDates(reduce_on=dt.date(2029, 9, 1), dispose_on=dt.date(2034, 1, 10))


def test_no_reduction_when_it_would_not_come_before_disposal():
    rule = RuleFigures(dispose_after_years=3, reduce_after_years=5)
    dates = disposal_dates(rule=rule, last_action=dt.date(2027, 1, 4), born=dt.date(2010, 1, 1))
    assert dates == DisposalDates(reduce_on=None, dispose_on=dt.date(2030, 1, 4))


DATES = DisposalDates(reduce_on=dt.date(2030, 3, 26), dispose_on=dt.date(2032, 3, 26))


@pytest.mark.parametrize(
    ("stage", "today", "due"),
    [
        ("live", dt.date(2030, 3, 25), None),
        ("live", dt.date(2030, 3, 26), ("reduce", dt.date(2030, 3, 26))),
        ("reduced", dt.date(2031, 1, 1), None),
        ("live", dt.date(2032, 3, 26), ("dispose", dt.date(2032, 3, 26))),
        ("reduced", dt.date(2032, 3, 26), ("dispose", dt.date(2032, 3, 26))),
        ("reduced", dt.date(2032, 3, 25), None),
        ("disposed", dt.date(2040, 1, 1), None),
    ],
)
def test_due_action_on_the_day_and_never_before(stage, today, due):
    assert due_action(dates=DATES, stage=stage, today=today) == due
