"""Working-day arithmetic: weekends, England and Wales bank holidays, closure days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[dt.date]:
    """Bank holidays in England and Wales, substitute days included."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


@lru_cache(maxsize=64)
def _bank_holiday_names(year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year, language="en_GB"))


def bank_holiday_name(day: dt.date) -> str:
    """The bank holiday's name ("Christmas Day", "Easter Monday"), or "" on other days."""
    return _bank_holiday_names(day.year).get(day, "")


def is_working_day(day: dt.date, *, closures: Iterable[dt.date] = ()) -> bool:
    closed = closures if isinstance(closures, (set, frozenset)) else set(closures)
    return day.weekday() < 5 and day not in bank_holidays(day.year) and day not in closed


def add_working_days(start: dt.date, days: int, *, closures: Iterable[dt.date] = ()) -> dt.date:
    """The date `days` working days after `start` (day 1 is the next working day)."""
    if days < 0:
        raise ValueError("days must not be negative")
    closed = frozenset(closures)
    current = start
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        if is_working_day(current, closures=closed):
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date, *, closures: Iterable[dt.date] = ()) -> int:
    """Working days after `start` up to and including `end` (negative when end is earlier)."""
    closed = frozenset(closures)
    if end < start:
        return -working_days_between(end, start, closures=closed)
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if is_working_day(current, closures=closed):
            count += 1
    return count


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day of the month `months` calendar months later, or that month's last day
    when it is shorter (31 January + 3 months = 30 April)."""
    if months < 0:
        raise ValueError("months must not be negative")
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    next_first = dt.date(year + month // 12, month % 12 + 1, 1)
    last = (next_first - dt.timedelta(days=1)).day
    return dt.date(year, month, min(start.day, last))
