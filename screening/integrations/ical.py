"""Building and parsing iCalendar data (RFC 5545, iTIP RFC 5546) with icalendar 7.

Building: invites (METHOD REQUEST / CANCEL) and feeds (METHOD PUBLISH). Times are written
in the YOT's named zone with its VTIMEZONE, so a 10:00 session reads 10:00 on either side
of a clock change. Nothing here knows the ORM: callers hand in plain `CalendarEntry` rows.

Parsing: busy times from a practitioner's own calendar, with recurrences expanded by
recurring-ical-events (RRULE, RDATE, EXDATE, RECURRENCE-ID), transparent and cancelled
events left out, VFREEBUSY busy periods honoured and Outlook's Windows zone names mapped.
The library expands whatever it is given, so repeats more often than hourly are refused
first and the expansion is bounded while it runs (a number of occurrences and a deadline).
Untrusted files are read through `isolated.py`, in a child process with hard limits.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from agencies.local_time import date_words

PRODID = "-//One-visit screening scheduler//Calendars//EN"
REFRESH = dt.timedelta(hours=1)


class CalendarUnreadable(Exception):
    """The data is not an iCalendar file this service can read; the message says why."""


@dataclass(frozen=True)
class CalendarEntry:
    """One event to publish: a session (or a room's visit span) with nothing sensitive."""

    uid: str
    sequence: int
    start: dt.datetime
    end: dt.datetime
    summary: str
    description: str
    location: str
    cancelled: bool = False
    attendee_email: str | None = None


def _event(entry: CalendarEntry, *, organizer: str, zone: ZoneInfo, stamp: dt.datetime):
    event = icalendar.Event()
    event.add("UID", entry.uid)
    event.add("SEQUENCE", entry.sequence)
    event.add("DTSTAMP", stamp)
    event.add("DTSTART", entry.start.astimezone(zone))
    event.add("DTEND", entry.end.astimezone(zone))
    event.add("SUMMARY", entry.summary)
    event.add("DESCRIPTION", entry.description)
    event.add("LOCATION", entry.location)
    event.add("STATUS", "CANCELLED" if entry.cancelled else "CONFIRMED")
    event.add("TRANSP", "OPAQUE")
    event.add("ORGANIZER", f"mailto:{organizer}")
    if entry.attendee_email:
        attendee = icalendar.vCalAddress(f"mailto:{entry.attendee_email}")
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        attendee.params["PARTSTAT"] = "NEEDS-ACTION"
        # Replies are not processed: the admin rearranges through the service.
        attendee.params["RSVP"] = "FALSE"
        event.add("ATTENDEE", attendee)
    return event


def build_calendar(
    *,
    method: str,
    entries: Sequence[CalendarEntry],
    organizer: str,
    zone: ZoneInfo,
    name: str | None = None,
    now: dt.datetime,
) -> bytes:
    """An iCalendar object with VERSION, PRODID, METHOD, the events and the VTIMEZONE
    definitions they need (only for the years they span)."""
    calendar = icalendar.Calendar.new(prodid=PRODID, method=method)
    if name:
        calendar.add("X-WR-CALNAME", name)
        calendar.add("NAME", name)
    if method == "PUBLISH":
        calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
        # An X- property has no known type: give the duration type, or it is written "1:00:00".
        calendar.add("X-PUBLISHED-TTL", icalendar.vDuration(REFRESH))
    stamp = now.astimezone(dt.UTC)
    for entry in entries:
        calendar.add_component(_event(entry, organizer=organizer, zone=zone, stamp=stamp))
    if entries:
        # Whole years around the events: both clock changes of each year are described,
        # without the decades of rules a default range would write.
        first = min(e.start for e in entries).astimezone(zone).year
        last = max(e.end for e in entries).astimezone(zone).year
        calendar.add_missing_timezones(
            first_date=dt.date(first, 1, 1), last_date=dt.date(last + 1, 1, 1)
        )
    else:
        # An empty feed still names the zone its future events will use.
        calendar.add_component(icalendar.Timezone.from_tzid(zone.key))
    return calendar.to_ical()


# --- parsing busy times ------------------------------------------------------------------------

Span = tuple[dt.datetime, dt.datetime]


def _said(error: Exception, limit: int = 300) -> str:
    """A library's message as one short printable sentence, for the practitioner."""
    text = " ".join("".join(c if c.isprintable() else " " for c in str(error)).split())
    text = text[:limit].rstrip(" .") or error.__class__.__name__
    return text + "."


UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


def _utf8(data: bytes) -> bytes:
    """iCalendar is UTF-8; some Windows exports are UTF-16 with a byte-order mark."""
    if data.startswith(UTF16_MARKS):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as error:
            raise CalendarUnreadable(f"The file is not readable UTF-16: {_said(error)}") from error
    return data


def check_looks_like_calendar(data: bytes) -> None:
    """The quick checks, without parsing: not empty, and a VCALENDAR near the start."""
    data = _utf8(data[:4096])
    if not data.strip():
        raise CalendarUnreadable("The file is empty.")
    if b"BEGIN:VCALENDAR" not in data[:2048].upper():
        raise CalendarUnreadable("This is not an iCalendar file (no BEGIN:VCALENDAR).")


def parse(data: bytes) -> icalendar.Calendar:
    """Read one VCALENDAR; raises CalendarUnreadable saying what is wrong."""
    check_looks_like_calendar(data)
    data = _utf8(data)
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise CalendarUnreadable(f"The iCalendar data could not be read: {_said(error)}") from error
    if not calendars:
        raise CalendarUnreadable("The calendar is incomplete: it has no END:VCALENDAR.")
    if len(calendars) != 1:
        raise CalendarUnreadable("The file must hold exactly one calendar.")
    _check_times_readable(calendars[0])
    return calendars[0]


# Properties that decide when someone is busy: a broken one makes the whole file suspect.
TIME_PROPERTIES = {"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"}


def _check_times_readable(calendar: icalendar.Calendar) -> None:
    """icalendar keeps unreadable values as vBroken; refuse those that carry times."""
    for component in calendar.walk():
        for name, problem in component.errors:
            if name in TIME_PROPERTIES or name == "FREEBUSY":
                uid = component.get("UID")
                which = f"{component.name} {uid}" if uid else component.name
                raise CalendarUnreadable(f"{which} has an unreadable {name}: {problem}.")


def _aware(value: dt.date | dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """A date is a whole local day; a floating time is taken in the YOT's zone."""
    if not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time(0), tzinfo=zone)
    if value.tzinfo is None:
        return value.replace(tzinfo=zone)
    return value


def _blocks(component) -> bool:
    if str(component.get("STATUS", "")).upper() == "CANCELLED":
        return False
    return str(component.get("TRANSP", "OPAQUE")).upper() != "TRANSPARENT"


# Repeats more often than this are refused before anything is expanded: a few bytes of
# FREQ=MINUTELY (or SECONDLY) make millions of occurrences in the import window.
SUB_HOURLY = {"SECONDLY": "second", "MINUTELY": "minute"}
# Far more occurrences than any real calendar holds in the window: expansion stops here.
MAX_OCCURRENCES = 50_000
SLOWER_ONLY = "only hourly or slower repeats can be imported."


def too_slow(seconds: float) -> str:
    return (
        f"The calendar took longer than {seconds:g} s to read; it may repeat events too "
        "often to be imported."
    )


def _rules(component) -> list:
    rules = component.get("RRULE")
    if rules is None:
        return []
    return rules if isinstance(rules, list) else [rules]


def check_repeats(calendar: icalendar.Calendar) -> None:
    """Refuse events that repeat more often than hourly (FREQ=MINUTELY or SECONDLY, or
    several BYMINUTE or BYSECOND values), naming the rule; raises CalendarUnreadable."""
    for component in calendar.walk("VEVENT"):
        for rule in _rules(component):
            frequency = str((rule.get("FREQ") or [""])[0]).upper()
            if frequency in SUB_HOURLY:
                raise CalendarUnreadable(
                    f"The calendar repeats every {SUB_HOURLY[frequency]} "
                    f"(RRULE FREQ={frequency}); {SLOWER_ONLY}"
                )
            for part in ("BYMINUTE", "BYSECOND"):
                values = rule.get(part) or []
                if len(values) > 1:
                    listed = ",".join(str(v) for v in values)
                    raise CalendarUnreadable(
                        f"The calendar repeats more than once an hour (RRULE {part}={listed}); "
                        f"{SLOWER_ONLY}"
                    )


class _Budget:
    """What one expansion may spend: a number of occurrences and, optionally, a deadline,
    both checked as each occurrence is built."""

    def __init__(
        self,
        *,
        max_occurrences: int,
        seconds: float | None,
        deadline: float | None,
        start: dt.datetime,
        end: dt.datetime,
    ):
        self.max_occurrences, self.left = max_occurrences, max_occurrences
        self.seconds = seconds
        if deadline is None and seconds is not None:
            deadline = time.monotonic() + seconds
        self.deadline = deadline
        self.start, self.end = start, end

    def check_time(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise CalendarUnreadable(too_slow(self.seconds or 0))

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise CalendarUnreadable(
                f"The calendar has more than {self.max_occurrences:,} events between "
                f"{date_words(self.start.date())} and {date_words(self.end.date())}; only "
                "calendars with fewer can be imported."
            )
        self.check_time()


def _occurrences(calendar: icalendar.Calendar, start: dt.datetime, end: dt.datetime, budget):
    """Occurrences in the window one at a time, series by series, so the budget stops the
    expansion as it goes (the library's between() would build every one first)."""
    try:
        query = recurring_ical_events.of(calendar, skip_bad_series=True)
    except MemoryError:
        raise
    except Exception as error:  # the library raises many kinds for malformed rules
        raise CalendarUnreadable(
            f"A repeating event could not be expanded: {_said(error)}"
        ) from error
    skipped = tuple(recurring_ical_events.CalendarQuery.suppressed_errors)
    for series in query.series:
        budget.check_time()
        try:
            for occurrence in series.between(start, end):
                budget.spend()
                yield occurrence.as_component(False)
        except (CalendarUnreadable, MemoryError):
            raise
        except skipped:
            continue  # a series the library cannot read is left out, as skip_bad_series does
        except Exception as error:
            raise CalendarUnreadable(
                f"A repeating event could not be expanded: {_said(error)}"
            ) from error


def _event_spans(
    calendar: icalendar.Calendar,
    start: dt.datetime,
    end: dt.datetime,
    zone: ZoneInfo,
    skip,
    budget: _Budget,
) -> Iterable[Span]:
    check_repeats(calendar)
    for event in _occurrences(calendar, start, end, budget):
        if not _blocks(event) or skip(str(event.get("UID", ""))):
            continue
        if event.get("DTSTART") is None:
            continue
        try:
            first, last = _aware(event.start, zone), _aware(event.end, zone)
        except (icalendar.InvalidCalendar, ValueError, TypeError):
            continue  # an event without a readable time blocks nothing
        if last > first:
            yield first, last


def _freebusy_spans(
    calendar: icalendar.Calendar, zone: ZoneInfo, budget: _Budget
) -> Iterable[Span]:
    for freebusy in calendar.walk("VFREEBUSY"):
        periods = freebusy.get("FREEBUSY") or []
        if not isinstance(periods, list):
            periods = [periods]
        for period in periods:
            budget.spend()
            kind = str(period.params.get("FBTYPE", "BUSY")).upper()
            if kind == "FREE":
                continue
            first, second = period.dt
            first = _aware(first, zone)
            last = first + second if isinstance(second, dt.timedelta) else _aware(second, zone)
            if last > first:
                yield first, last


def busy_spans(
    data: bytes,
    *,
    start: dt.datetime,
    end: dt.datetime,
    zone: ZoneInfo,
    skip_uid_suffix: str | None = None,
    max_occurrences: int = MAX_OCCURRENCES,
    seconds: float | None = None,
    deadline: float | None = None,
) -> list[Span]:
    """Busy [start, end) spans in the window, clipped to it and sorted. Events whose UID
    ends with `skip_uid_suffix` (this service's own sessions, seen again through a
    subscribed feed) are left out. Repeats more often than hourly are refused, and the
    expansion stops past `max_occurrences` or `seconds` (checked as each occurrence is
    built; `deadline`, a time.monotonic() value, when the limit started earlier). Raises
    CalendarUnreadable, and nothing else, saying what is wrong."""
    budget = _Budget(
        max_occurrences=max_occurrences, seconds=seconds, deadline=deadline, start=start, end=end
    )
    calendar = parse(data)

    def skip(uid: str) -> bool:
        return bool(skip_uid_suffix) and uid.endswith(skip_uid_suffix)

    spans = []
    for first, last in [
        *_event_spans(calendar, start, end, zone, skip, budget),
        *_freebusy_spans(calendar, zone, budget),
    ]:
        # Compared in UTC: two times in one zone compare by their wall clocks, so an hour
        # that does not exist (01:00-02:00 as the clocks go forward) would look an hour long.
        first = max(first, start).astimezone(dt.UTC)
        last = min(last, end).astimezone(dt.UTC)
        if first < last:
            spans.append((first, last))
    return sorted(spans)
