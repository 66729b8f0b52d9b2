"""The retention schedule's arithmetic, pure: from a rule's figures, a case's last action
and the young person's date of birth, the dates the case is reduced to basic details and
disposed of. No database here, so hand-worked dates test it directly.

Anniversaries follow the law of England and Wales for ages: a period of years from 29
February ends on 1 March in a year without one (a child born 29 February 2012 turns 18 on
1 March 2030), and the same rule is used for years after a last action (the later day, so
nothing goes early)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class RuleFigures:
    """A rule's figures: years after the last action to reduce (None: never reduced first)
    and to dispose, and the age before which nothing is disposed of (None: no age rule)."""

    dispose_after_years: int
    reduce_after_years: int | None = None
    keep_until_age: int | None = None


@dataclass(frozen=True)
class DisposalDates:
    reduce_on: dt.date | None
    dispose_on: dt.date


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 1 March in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return dt.date(day.year + years, 3, 1)


def birthday(born: dt.date, age: int) -> dt.date:
    """The day the young person reaches `age` (a 29 February birthday: 1 March)."""
    return add_years(born, age)


def disposal_dates(*, rule: RuleFigures, last_action: dt.date, born: dt.date) -> DisposalDates:
    """When a case is reduced and when it is disposed of: disposal at `dispose_after_years`
    after the last action, or at the birthday of `keep_until_age`, whichever is later;
    reduction at `reduce_after_years`, only when that is before the disposal."""
    dispose_on = add_years(last_action, rule.dispose_after_years)
    if rule.keep_until_age is not None:
        dispose_on = max(dispose_on, birthday(born, rule.keep_until_age))
    reduce_on = None
    if rule.reduce_after_years is not None:
        reduce_on = add_years(last_action, rule.reduce_after_years)
        if reduce_on >= dispose_on:
            reduce_on = None
    return DisposalDates(reduce_on=reduce_on, dispose_on=dispose_on)


def due_action(*, dates: DisposalDates, stage: str, today: dt.date) -> tuple[str, dt.date] | None:
    """What is due today for a case at `stage` ("live", "reduced", "disposed"): ("dispose",
    its date), ("reduce", its date), or None."""
    if stage == "disposed":
        return None
    if dates.dispose_on <= today:
        return ("dispose", dates.dispose_on)
    if stage == "live" and dates.reduce_on is not None and dates.reduce_on <= today:
        return ("reduce", dates.reduce_on)
    return None
