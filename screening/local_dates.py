"""Local dates of stored moments, computed by the database (for reports that count rows).

Django's `TruncDate(..., tzinfo=zone)` is native SQL on PostgreSQL (`AT TIME ZONE`), but on
SQLite it calls a Python function for every row (about 6 microseconds each: 0.2 s over
30,000 findings). A moment's local date only needs the UTC offset in force at that moment,
and within a bounded range of dates the offset changes only at the clock changes, so on
SQLite `local_date` shifts each moment by the offset of its stretch with SQLite's own
`date()`. Outside the range the expression clamps (see `local_date`), which keeps every
comparison with a date inside the range exact.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import BooleanField, Case, DateField, Func, Q, Value, When
from django.db.models.functions import TruncDate
from django.db.models.lookups import LessThanOrEqual

UTC = dt.UTC
ONE_DAY = dt.timedelta(days=1)
ONE_SECOND = dt.timedelta(seconds=1)


def local_midnight(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """The moment (in UTC) the local date `day` begins in `zone`."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(UTC)


def _offset(moment: dt.datetime, zone: dt.tzinfo) -> int:
    return int(moment.astimezone(zone).utcoffset().total_seconds())


@lru_cache(maxsize=64)
def offset_stretches(
    first: dt.date, end: dt.date, zone: ZoneInfo
) -> tuple[tuple[dt.datetime, int], ...]:
    """The UTC offset (seconds) in force from the local midnight beginning `first`, then each
    change of it before the local midnight beginning `end`, as ((since, offset), ...)."""
    start = local_midnight(first, zone)
    stretches = [(start, _offset(start, zone))]
    day = first
    while day < end:
        since, until = local_midnight(day, zone), local_midnight(day + ONE_DAY, zone)
        # Clock changes fall on whole seconds: bisect each one inside the day.
        while _offset(since, zone) != _offset(until, zone):
            lo, hi = since, until
            while hi - lo > ONE_SECOND:
                mid = lo + ((hi - lo) // 2 // ONE_SECOND) * ONE_SECOND
                if _offset(mid, zone) == _offset(lo, zone):
                    lo = mid
                else:
                    hi = mid
            stretches.append((hi, _offset(hi, zone)))
            since = hi
        day += ONE_DAY
    return tuple(stretches)


class _ZoneDate(TruncDate):
    """TruncDate in a named zone; on SQLite, exact only for moments inside `stretches`."""

    def __init__(self, expression: Any, *, zone: ZoneInfo, stretches: tuple) -> None:
        self.stretches = stretches
        super().__init__(expression, tzinfo=zone)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        # SQLite's date() rounds to the millisecond (23:59:59.9999 would read as the next
        # day): cut the stored text to whole seconds first, which never changes the date.
        sql = f"substr({sql}, 1, 19)"
        adapt = connection.ops.adapt_datetimefield_value
        whens, args = [], []
        for (_, offset), (until, _) in zip(self.stretches, self.stretches[1:], strict=False):
            whens.append(f"WHEN {sql} < %s THEN date({sql}, %s)")
            args += [*params, adapt(until), *params, f"{offset:+d} seconds"]
        last = f"date({sql}, %s)"
        args += [*params, f"{self.stretches[-1][1]:+d} seconds"]
        if not whens:
            return last, tuple(args)
        return f"CASE {' '.join(whens)} ELSE {last} END", tuple(args)


def local_date(field: str, *, first: dt.date, end: dt.date, zone: ZoneInfo) -> Case:
    """The local date in `zone` of the moment stored in `field`, for moments from the local
    midnight beginning `first` to before the one beginning `end`; an earlier moment gives the
    day before `first` and a later one `end` (NULL stays NULL). Compared with any date from
    `first` to the day before `end`, the answer is the same as with the true local date."""
    return Case(
        When(Q(**{f"{field}__lt": local_midnight(first, zone)}), then=Value(first - ONE_DAY)),
        When(Q(**{f"{field}__gte": local_midnight(end, zone)}), then=Value(end)),
        default=_ZoneDate(field, zone=zone, stretches=offset_stretches(first, end, zone)),
        output_field=DateField(),
    )


@lru_cache(maxsize=64)
def day_end_stretches(
    first: dt.date, end: dt.date, zone: ZoneInfo
) -> tuple[tuple[dt.date, int], ...]:
    """For the local dates from `first` to the day before `end`: the UTC offset (seconds) in
    force when each day ends (the next local midnight), as ((from this day on, offset), ...)."""
    stretches: list[tuple[dt.date, int]] = []
    day = first
    while day < end:
        offset = _offset(local_midnight(day + ONE_DAY, zone), zone)
        if not stretches or stretches[-1][1] != offset:
            stretches.append((day, offset))
        day += ONE_DAY
    return tuple(stretches)


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class EndsBy(Func):
    """True when the moment (first argument) comes before the end of the local date (second
    argument) in `zone`: the moment's local date is on or before that date. Exact for dates
    from `first` to the day before `end`. Either argument may be an aggregate.

    On SQLite, which stores moments as UTC text ('YYYY-MM-DD HH:MM:SS[.ffffff]'), the end
    of a day is written as text for the offset in force then, and the two compared as text:
    no date function runs per row."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, moment: Any, day: Any, *, first: dt.date, end: dt.date, zone: ZoneInfo):
        self.first, self.end, self.zone = first, end, zone
        super().__init__(moment, day)

    def as_sql(self, compiler, connection, **extra_context):
        moment, day = self.get_source_expressions()
        local = TruncDate(moment, tzinfo=self.zone)
        return compiler.compile(LessThanOrEqual(local, day))

    def as_sqlite(self, compiler, connection, **extra_context):
        moment_sql, moment_params = compiler.compile(self.get_source_expressions()[0])
        day_sql, day_params = compiler.compile(self.get_source_expressions()[1])
        stretches = day_end_stretches(self.first, self.end, self.zone)
        ends = []
        for _, offset in stretches:
            if offset > 0:  # the day ends on its own UTC date, `offset` before midnight UTC
                ends.append((f"{day_sql} || %s", [*day_params, f" {_clock(86400 - offset)}"]))
            elif offset == 0:  # ' 24:00:00' sorts after every time of the day, before the next
                ends.append((f"{day_sql} || %s", [*day_params, " 24:00:00"]))
            else:  # the day ends on the next UTC date
                sql = f"date({day_sql}, '+1 day') || %s"
                ends.append((sql, [*day_params, f" {_clock(-offset)}"]))
        if len(ends) == 1:
            end_sql, end_params = ends[0]
        else:
            whens = []
            end_params = []
            for (since, _), (sql, params) in zip(stretches[1:], ends, strict=False):
                whens.append(f"WHEN {day_sql} < %s THEN {sql}")
                end_params += [*day_params, since.isoformat(), *params]
            end_sql = f"CASE {' '.join(whens)} ELSE {ends[-1][0]} END"
            end_params += ends[-1][1]
        return f"({moment_sql} < {end_sql})", (*moment_params, *end_params)
