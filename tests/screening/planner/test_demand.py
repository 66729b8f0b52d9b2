"""The arrival, attendance and delay models of the capacity planner."""

from __future__ import annotations

import datetime as dt
import random
import statistics

import pytest

from screening.planner.demand import Arrivals, Attendance, Delay, poisson

MONDAY = dt.date(2027, 6, 7)  # no bank holiday in June 2027


def test_poisson_mean_and_variance_match_the_rate():
    rng = random.Random(3)
    draws = [poisson(rng, 10) for _ in range(20_000)]
    assert abs(statistics.mean(draws) - 10) < 0.15
    assert abs(statistics.pvariance(draws) - 10) < 0.5


def test_arrivals_fall_on_working_days_of_their_week_in_the_mix():
    arrivals = Arrivals(per_week=10, mix={"referral_order": 3, "other": 1})
    orders = arrivals.orders(first_monday=MONDAY, weeks=52, rng=random.Random(1))
    assert 450 < len(orders) < 590
    assert all(o.start.weekday() < 5 for o in orders)
    assert [o.number for o in orders] == list(range(len(orders)))
    referral = sum(o.order_type == "referral_order" for o in orders) / len(orders)
    assert 0.70 < referral < 0.80


def test_arrivals_skip_bank_holidays_and_closures():
    # Week of Good Friday 26 March 2027 and Easter Monday 29 March 2027.
    arrivals = Arrivals(per_week=40, mix={"other": 1})
    orders = arrivals.orders(
        first_monday=dt.date(2027, 3, 22),
        weeks=2,
        rng=random.Random(2),
        closures={dt.date(2027, 3, 30)},
    )
    days = {o.start for o in orders}
    assert not days & {dt.date(2027, 3, 26), dt.date(2027, 3, 29), dt.date(2027, 3, 30)}
    assert days <= {dt.date(2027, 3, d) for d in (22, 23, 24, 25, 31)} | {
        dt.date(2027, 4, 1),
        dt.date(2027, 4, 2),
    }


def test_same_seed_same_orders_other_seed_other_orders():
    arrivals = Arrivals(per_week=10, mix={"referral_order": 1, "other": 1})
    a = arrivals.orders(first_monday=MONDAY, weeks=13, rng=random.Random(7))
    b = arrivals.orders(first_monday=MONDAY, weeks=13, rng=random.Random(7))
    c = arrivals.orders(first_monday=MONDAY, weeks=13, rng=random.Random(8))
    assert a == b
    assert a != c


def test_findings_delay_has_the_median_and_late_share_asked():
    delay = Delay(median=1, late_share=0.10, due=2)
    rng = random.Random(5)
    draws = [delay.draw(rng) for _ in range(20_000)]
    assert statistics.median(draws) == 1
    late = sum(d > 2 for d in draws) / len(draws)
    assert 0.09 < late < 0.11
    assert min(draws) == 0


def test_delay_without_lateness_stays_within_due():
    delay = Delay(median=0, late_share=0, due=0)
    assert {delay.draw(random.Random(i)) for i in range(50)} == {0}


def test_attendance_confirmed_visits_are_missed_less():
    model = Attendance(missed_rate=0.3, confirmed_missed_rate=0.05, confirm_share=0.5)
    rng = random.Random(9)
    draws = [model.draw(rng) for _ in range(20_000)]
    confirmed = [m for c, m in draws if c]
    not_confirmed = [m for c, m in draws if not c]
    assert abs(sum(confirmed) / len(confirmed) - 0.05) < 0.01
    assert abs(sum(not_confirmed) / len(not_confirmed) - 0.3) < 0.02


@pytest.mark.parametrize(
    "make",
    [
        lambda: Arrivals(per_week=-1, mix={"other": 1}),
        lambda: Arrivals(per_week=1, mix={"bail": 1}),
        lambda: Arrivals(per_week=1, mix={}),
        lambda: Delay(median=3, late_share=0.1, due=2),
        lambda: Delay(median=1, late_share=1.5, due=2),
        lambda: Attendance(missed_rate=2),
    ],
)
def test_models_reject_bad_parameters_with_a_message(make):
    with pytest.raises(ValueError, match=r"\w"):
        make()
