"""What the simulated YOT is asked to do: orders arriving week by week, young people who
miss visits, findings and sign-offs arriving after a delay. Pure and seeded: the same seed
gives the same stream, so a what-if differs from its baseline by its change alone."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from screening.people.workdays import is_working_day

ORDER_TYPES = (
    "referral_order",
    "youth_rehabilitation_order",
    "detention_and_training_order",
    "youth_conditional_caution",
    "other",
)
# Used only when the YOT has no cases in the last 12 weeks and nothing is given.
FALLBACK_MIX = {"referral_order": 0.5, "youth_rehabilitation_order": 0.35, "other": 0.15}


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's product of uniforms; the weekly means are small)."""
    if mean < 0:
        raise ValueError("mean must not be negative")
    if mean > 60:  # normal approximation keeps large means exact enough and fast
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


@dataclass(frozen=True)
class Order:
    number: int
    start: dt.date
    order_type: str


@dataclass(frozen=True)
class Arrivals:
    """Orders arrive at `per_week` a week on average (a Poisson count each week), each on a
    working day of that week picked uniformly, of a type drawn from `mix` (weights)."""

    per_week: float
    mix: Mapping[str, float]

    def __post_init__(self) -> None:
        if self.per_week < 0:
            raise ValueError("The weekly rate of orders must not be negative.")
        unknown = set(self.mix) - set(ORDER_TYPES)
        if unknown:
            raise ValueError(f"Unknown order type: {', '.join(sorted(unknown))}.")
        if not self.mix or sum(self.mix.values()) <= 0:
            raise ValueError("The order-type mix needs at least one type with a weight.")

    def orders(
        self, *, first_monday: dt.date, weeks: int, rng: random.Random, closures: Iterable = ()
    ) -> list[Order]:
        closed = frozenset(closures)
        types = sorted(self.mix)
        weights = [self.mix[t] for t in types]
        out: list[Order] = []
        for week in range(weeks):
            monday = first_monday + dt.timedelta(weeks=week)
            days = [
                d
                for d in (monday + dt.timedelta(days=i) for i in range(5))
                if is_working_day(d, closures=closed)
            ]
            n = poisson(rng, self.per_week)
            if not days:
                continue
            drawn = sorted((rng.choice(days), rng.choices(types, weights)[0]) for _ in range(n))
            out += [Order(len(out) + i, day, kind) for i, (day, kind) in enumerate(drawn)]
        return out


@dataclass(frozen=True)
class Delay:
    """A delay in working days: with probability 1 - `late_share` on time, drawn from 0 to
    `due` around `median` (a triangular draw rounded to whole days); otherwise late, `due`
    plus 1 plus a geometric number of days (mean `late_extra_mean`)."""

    median: int
    late_share: float
    due: int
    late_extra_mean: float = 2.0

    def __post_init__(self) -> None:
        if not 0 <= self.median <= self.due:
            raise ValueError("The median delay must lie from 0 to the due number of days.")
        if not 0 <= self.late_share <= 1:
            raise ValueError("The late share must lie from 0 to 1.")

    def draw(self, rng: random.Random) -> int:
        if rng.random() < self.late_share:
            extra, p = 0, 1 / (1 + self.late_extra_mean)
            while rng.random() > p:
                extra += 1
            return self.due + 1 + extra
        if self.due == 0:
            return 0
        # Whole days 0..due, symmetric around the median where it can be.
        value = rng.triangular(-0.5, self.due + 0.4999, self.median)
        return min(self.due, max(0, round(value)))


@dataclass(frozen=True)
class Attendance:
    """A booked visit is missed with `missed_rate`, or `confirmed_missed_rate` when the
    young person confirmed it by reply (which a share `confirm_share` do)."""

    missed_rate: float = 0.15
    confirmed_missed_rate: float = 0.07
    confirm_share: float = 0.5

    def __post_init__(self) -> None:
        for name in ("missed_rate", "confirmed_missed_rate", "confirm_share"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name.replace('_', ' ')} must lie from 0 to 1.")

    def draw(self, rng: random.Random) -> tuple[bool, bool]:
        """(confirmed, missed) for one booked visit."""
        confirmed = rng.random() < self.confirm_share
        rate = self.confirmed_missed_rate if confirmed else self.missed_rate
        return confirmed, rng.random() < rate


def mix_from_counts(counts: Mapping[str, int]) -> dict[str, float]:
    total = sum(counts.values())
    return {k: v / total for k, v in sorted(counts.items()) if v} if total else dict(FALLBACK_MIX)
