"""When texts go: quiet hours and reminder times, per local date in the YOT's zone.

Every time here is built from a local date and a local wall time with the named zone,
never by adding hours to an instant, so a clock change never shifts a reminder.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from agencies.local_time import yot_zone


def _at(day: dt.date, wall: dt.time) -> dt.datetime:
    """The instant of a local wall time on a local date (a time skipped by the spring
    change resolves forward, as the zone rules say)."""
    local = dt.datetime.combine(day, wall, tzinfo=yot_zone())
    return local.astimezone(dt.UTC).astimezone(yot_zone())


def _hhmm(text: str) -> dt.time:
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


def quiet_hours() -> tuple[dt.time, dt.time]:
    start, end = settings.SMS_QUIET_HOURS.split("-")
    return _hhmm(start), _hhmm(end)


def in_quiet_hours(moment: dt.datetime) -> bool:
    start, end = quiet_hours()
    wall = moment.astimezone(yot_zone()).time()
    if start <= end:
        return start <= wall < end
    return wall >= start or wall < end


def next_allowed(moment: dt.datetime) -> dt.datetime:
    """The moment itself, or the end of the quiet hours it falls in (local wall time)."""
    if not in_quiet_hours(moment):
        return moment
    start, end = quiet_hours()
    local = moment.astimezone(yot_zone())
    day = local.date()
    if start > end and local.time() >= start:
        day += dt.timedelta(days=1)
    return _at(day, end)


def day_before_at(visit_start: dt.datetime) -> dt.datetime:
    """The day-before reminder: the local date before the visit, at SMS_DAY_BEFORE_AT."""
    day = visit_start.astimezone(yot_zone()).date() - dt.timedelta(days=1)
    return _at(day, _hhmm(settings.SMS_DAY_BEFORE_AT))


def morning_at(visit_start: dt.datetime) -> dt.datetime | None:
    """The morning reminder, only for visits starting at or after SMS_MORNING_FROM."""
    local = visit_start.astimezone(yot_zone())
    if local.time() < _hhmm(settings.SMS_MORNING_FROM):
        return None
    return _at(local.date(), _hhmm(settings.SMS_MORNING_AT))
