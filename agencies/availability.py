"""How working patterns and leave are stored in django-scheduler, and read back.

A working pattern is an Event with a weekly Rule ("byweekday:MO,TU,...") on the
practitioner's Calendar, its start/end on the first day of validity in the YOT's zone
and `end_recurring_period` at local midnight after the last valid day. Leave (and any
other one-off absence) is an Event without a Rule. One-off changes to a single
occurrence are django-scheduler Occurrence rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from agencies.local_time import yot_zone

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class UnsupportedRule(ValueError):
    """A django-scheduler rule this product cannot read as a weekly pattern."""


@dataclass(frozen=True, slots=True)
class WorkingPatternData:
    id: int
    weekdays: tuple[int, ...]
    start_time: dt.time
    end_time: dt.time
    valid_from: dt.date
    valid_until: dt.date | None


def weekdays_to_params(weekdays: tuple[int, ...] | list[int]) -> str:
    return "byweekday:" + ",".join(WEEKDAY_CODES[d] for d in sorted(set(weekdays)))


def parse_weekdays(*, frequency: str, params: str, first_weekday: int) -> tuple[int, ...]:
    """Read the weekdays of a DAILY or WEEKLY rule; raises UnsupportedRule otherwise."""
    if frequency == "DAILY" and not params.strip():
        return tuple(range(7))
    if frequency != "WEEKLY":
        raise UnsupportedRule(f"only weekly working patterns are supported, not {frequency}")
    days: set[int] = set()
    for part in params.split(";"):
        if not part.strip():
            continue
        name, _, value = part.partition(":")
        if name.strip() != "byweekday":
            raise UnsupportedRule(f"rule parameter {name.strip()!r} is not supported")
        for token in value.split(","):
            token = token.strip().upper()
            if token in WEEKDAY_CODES:
                days.add(WEEKDAY_CODES.index(token))
            elif token.isdigit() and int(token) < 7:
                days.add(int(token))
            else:
                raise UnsupportedRule(f"{token!r} is not a weekday")
    return tuple(sorted(days)) if days else (first_weekday,)


def local_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=yot_zone())


def pattern_from_event(event) -> WorkingPatternData:
    """Read a recurring Event back as a weekly pattern in the YOT's zone."""
    return pattern_from_row(
        id=event.id,
        start=event.start,
        end=event.end,
        end_recurring_period=event.end_recurring_period,
        frequency=event.rule.frequency,
        params=event.rule.params,
    )


def pattern_from_row(
    *,
    id: int,
    start: dt.datetime,
    end: dt.datetime,
    end_recurring_period: dt.datetime | None,
    frequency: str,
    params: str | None,
) -> WorkingPatternData:
    """The same from the columns of an Event and its Rule (a values() row: no model
    instances on the booking path)."""
    zone = yot_zone()
    start = start.astimezone(zone)
    end = end.astimezone(zone)
    weekdays = parse_weekdays(
        frequency=frequency, params=params or "", first_weekday=start.weekday()
    )
    until = None
    if end_recurring_period is not None:
        until = (end_recurring_period.astimezone(zone) - dt.timedelta(minutes=1)).date()
    return WorkingPatternData(
        id=id,
        weekdays=weekdays,
        start_time=start.time().replace(tzinfo=None),
        end_time=end.time().replace(tzinfo=None),
        valid_from=start.date(),
        valid_until=until,
    )
