"""Reading busy times from other calendars, and building calendars others can read."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from screening.integrations import ical
from screening.integrations.ical import (
    CalendarEntry,
    CalendarUnreadable,
    build_calendar,
    busy_spans,
)
from tests.calendar_support import WEEKLY_MEETING, event, vcalendar

LONDON = ZoneInfo("Europe/London")
START = dt.datetime(2027, 3, 1, tzinfo=LONDON)
END = dt.datetime(2027, 4, 30, tzinfo=LONDON)


def spans(data: bytes, **kwargs) -> list[tuple[str, str]]:
    """Busy spans as local 'YYYY-MM-DD HH:MM' pairs, for readable assertions."""
    found = busy_spans(data, start=START, end=END, zone=LONDON, **kwargs)
    return [
        (f"{s.astimezone(LONDON):%Y-%m-%d %H:%M}", f"{e.astimezone(LONDON):%Y-%m-%d %H:%M}")
        for s, e in found
    ]


def test_weekly_meeting_skips_the_exdate_and_follows_the_moved_instance():
    assert spans(WEEKLY_MEETING)[:5] == [
        ("2027-03-02 10:00", "2027-03-02 11:00"),
        # 9 March is excluded; 16 March moved to Wednesday 17 March afternoon.
        ("2027-03-17 14:00", "2027-03-17 15:00"),
        ("2027-03-23 10:00", "2027-03-23 11:00"),
        # After the clock change on 28 March it is still 10:00 on the wall clock.
        ("2027-03-30 10:00", "2027-03-30 11:00"),
        ("2027-04-06 10:00", "2027-04-06 11:00"),
    ]


def test_transparent_and_cancelled_events_block_nothing():
    data = vcalendar(
        event("a", "DTSTART:20270302T090000Z", "DTEND:20270302T100000Z", "TRANSP:TRANSPARENT"),
        event("b", "DTSTART:20270303T090000Z", "DTEND:20270303T100000Z", "STATUS:CANCELLED"),
        event("c", "DTSTART;VALUE=DATE:20270305", "TRANSP:TRANSPARENT"),
        event("d", "DTSTART:20270304T090000Z", "DTEND:20270304T100000Z", "STATUS:TENTATIVE"),
    )
    assert spans(data) == [("2027-03-04 09:00", "2027-03-04 10:00")]


def test_one_cancelled_occurrence_of_a_series_is_left_out():
    data = vcalendar(
        event(
            "s",
            "DTSTART;TZID=Europe/London:20270301T130000",
            "DTEND;TZID=Europe/London:20270301T140000",
            "RRULE:FREQ=DAILY;COUNT=3",
        ),
        event(
            "s",
            "RECURRENCE-ID;TZID=Europe/London:20270302T130000",
            "DTSTART;TZID=Europe/London:20270302T130000",
            "DTEND;TZID=Europe/London:20270302T140000",
            "STATUS:CANCELLED",
        ),
    )
    assert [s for s, _ in spans(data)] == ["2027-03-01 13:00", "2027-03-03 13:00"]


@pytest.mark.parametrize(
    ("tzid", "expected"),
    [
        ("GMT Standard Time", ("2027-04-06 10:00", "2027-04-06 11:00")),
        # Berlin is an hour ahead of London all year (both change on the same day).
        ("W. Europe Standard Time", ("2027-04-06 09:00", "2027-04-06 10:00")),
    ],
)
def test_outlook_windows_zone_names_are_understood(tzid, expected):
    data = vcalendar(
        event("w", f"DTSTART;TZID={tzid}:20270406T100000", f"DTEND;TZID={tzid}:20270406T110000")
    )
    assert spans(data) == [expected]


def test_all_day_event_blocks_the_whole_local_day_even_in_summer_time():
    data = vcalendar(event("d", "DTSTART;VALUE=DATE:20270406", "DTEND;VALUE=DATE:20270407"))
    [(start, end)] = busy_spans(data, start=START, end=END, zone=LONDON)
    assert start == dt.datetime(2027, 4, 6, tzinfo=LONDON)
    assert end == dt.datetime(2027, 4, 7, tzinfo=LONDON)
    assert start.astimezone(dt.UTC).hour == 23  # local midnight in BST


def test_floating_times_are_read_in_the_yot_zone():
    data = vcalendar(event("f", "DTSTART:20270406T100000", "DURATION:PT30M"))
    assert spans(data) == [("2027-04-06 10:00", "2027-04-06 10:30")]


def test_freebusy_busy_periods_count_and_free_periods_do_not():
    data = vcalendar(
        "\n".join(
            [
                "BEGIN:VFREEBUSY",
                "UID:fb",
                "DTSTAMP:20270101T000000Z",
                "FREEBUSY;FBTYPE=BUSY:20270302T090000Z/20270302T100000Z,20270302T120000Z/PT30M",
                "FREEBUSY;FBTYPE=FREE:20270302T130000Z/20270302T140000Z",
                "FREEBUSY;FBTYPE=BUSY-TENTATIVE:20270302T150000Z/PT1H",
                "END:VFREEBUSY",
            ]
        )
    )
    assert spans(data) == [
        ("2027-03-02 09:00", "2027-03-02 10:00"),
        ("2027-03-02 12:00", "2027-03-02 12:30"),
        ("2027-03-02 15:00", "2027-03-02 16:00"),
    ]


def test_events_with_our_own_uids_are_left_out():
    data = vcalendar(
        event("session-7@screening.example.org", "DTSTART:20270302T090000Z", "DURATION:PT1H"),
        event("other@example.org", "DTSTART:20270303T090000Z", "DURATION:PT1H"),
    )
    assert spans(data, skip_uid_suffix="@screening.example.org") == [
        ("2027-03-03 09:00", "2027-03-03 10:00")
    ]


def test_spans_are_clipped_to_the_window():
    data = vcalendar(event("x", "DTSTART:20270228T000000Z", "DTEND:20270301T020000Z"))
    assert spans(data) == [("2027-03-01 00:00", "2027-03-01 02:00")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"<html>Sign in</html>", "not an iCalendar"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20270301T1000\r\n", "incomplete"),
        (b"BEGIN:VCALENDAR\r\nnot a content line\r\nEND:VCALENDAR\r\n", "could not be read"),
        (vcalendar(event("x", "DTSTART:notadate")), "VEVENT x has an unreadable DTSTART"),
    ],
)
def test_unreadable_data_says_what_is_wrong(data, message):
    with pytest.raises(CalendarUnreadable, match=message):
        busy_spans(data, start=START, end=END, zone=LONDON)


# --- bounded expansion ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=MINUTELY", "The calendar repeats every minute (RRULE FREQ=MINUTELY)"),
        ("FREQ=SECONDLY;INTERVAL=30", "The calendar repeats every second (RRULE FREQ=SECONDLY)"),
        ("FREQ=HOURLY;BYMINUTE=0,30", "more than once an hour (RRULE BYMINUTE=0,30)"),
        ("FREQ=DAILY;BYHOUR=9;BYSECOND=0,20,40", "more than once an hour (RRULE BYSECOND=0,20,40)"),
    ],
)
def test_repeats_more_often_than_hourly_are_refused_naming_the_rule(rule, words, monkeypatch):
    data = vcalendar(event("tick", "DTSTART:20270301T090000Z", "DURATION:PT1M", f"RRULE:{rule}"))
    monkeypatch.setattr(_CountingBudget, "spent", 0)
    monkeypatch.setattr(ical, "_Budget", _CountingBudget)
    with pytest.raises(CalendarUnreadable) as error:
        busy_spans(data, start=START, end=END, zone=LONDON)
    assert words in str(error.value)
    assert "only hourly or slower repeats can be imported" in str(error.value)
    assert _CountingBudget.spent == 0  # refused before anything is expanded


HOURLY_FOR_EVER = event(
    "hourly", "DTSTART:20270301T000000Z", "DURATION:PT30M", "RRULE:FREQ=HOURLY;COUNT=1000000000"
)


def test_an_hourly_repeat_with_a_huge_count_expands_only_inside_the_window():
    found = spans(vcalendar(HOURLY_FOR_EVER))
    # 00:00 UTC on 1 March to 23:00 UTC on 29 April (midnight in London, summer time):
    # 59 days and 23 hours, one start an hour.
    assert len(found) == 59 * 24 + 23
    assert found[0] == ("2027-03-01 00:00", "2027-03-01 00:30")
    assert found[-1] == ("2027-04-29 23:00", "2027-04-29 23:30")


class _CountingBudget(ical._Budget):
    """The expansion's budget, counting the occurrences it was asked to pay for."""

    spent = 0

    def spend(self) -> None:
        type(self).spent += 1
        super().spend()


class _StepClock:
    """A monotonic clock that moves on a millisecond each time it is read, so a deadline is
    reached after a known number of reads whatever the machine's load."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        self.now += 0.001
        return self.now


def test_expansion_stops_at_the_occurrence_cap_instead_of_building_them_all(monkeypatch):
    monkeypatch.setattr(_CountingBudget, "spent", 0)
    monkeypatch.setattr(ical, "_Budget", _CountingBudget)
    with pytest.raises(
        CalendarUnreadable,
        match="more than 500 events between 1 March 2027 and 30 April 2027",
    ):
        busy_spans(
            vcalendar(HOURLY_FOR_EVER), start=START, end=END, zone=LONDON, max_occurrences=500
        )
    # The 501st occurrence is refused as it is built: the other 1,000-odd in the window never are.
    assert _CountingBudget.spent == 501


def test_expansion_stops_at_its_deadline(monkeypatch):
    many = vcalendar(
        *(
            event(f"h{n}", "DTSTART:20270301T000000Z", "DURATION:PT5M", "RRULE:FREQ=HOURLY")
            for n in range(2000)
        )
    )
    monkeypatch.setattr(_CountingBudget, "spent", 0)
    monkeypatch.setattr(ical, "_Budget", _CountingBudget)
    monkeypatch.setattr(ical, "time", _StepClock())
    with pytest.raises(CalendarUnreadable, match=r"took longer than 0\.5 s to read"):
        busy_spans(many, start=START, end=END, zone=LONDON, max_occurrences=10**9, seconds=0.5)
    # Checked between occurrences: with the clock read once each, it stops after about 500
    # of them, not after the window's 2.8 million.
    assert 400 < _CountingBudget.spent < 600


# --- building ---------------------------------------------------------------------------------


def entry(**changes) -> CalendarEntry:
    values = {
        "uid": "session-1@example.org",
        "sequence": 2,
        "start": dt.datetime(2027, 3, 30, 10, 0, tzinfo=LONDON),
        "end": dt.datetime(2027, 3, 30, 10, 45, tzinfo=LONDON),
        "summary": "Screening (Health): JQ YJ-2027-0001",
        "description": "Venue: Hub",
        "location": "Hub, Room 1",
        "attendee_email": "nurse@example.org",
    }
    return CalendarEntry(**{**values, **changes})


def build(method="REQUEST", entries=None, **kwargs) -> bytes:
    return build_calendar(
        method=method,
        entries=[entry()] if entries is None else entries,
        organizer="screening@yot.example.org",
        zone=LONDON,
        now=dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC),
        **kwargs,
    )


def test_built_calendar_reads_back_with_icalendar_and_vobject():
    data = build()
    cal = icalendar.Calendar.from_ical(data)
    assert cal["VERSION"] == "2.0" and cal["PRODID"] and cal["METHOD"] == "REQUEST"
    [ev] = cal.walk("VEVENT")
    assert ev["UID"] == "session-1@example.org" and ev["SEQUENCE"] == 2
    assert str(ev["ORGANIZER"]) == "mailto:screening@yot.example.org"
    assert str(ev["ATTENDEE"]) == "mailto:nurse@example.org"
    assert ev.decoded("DTSTAMP") == dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]

    other = vobject.readOne(data.decode())
    vevent = other.vevent
    assert vevent.uid.value == "session-1@example.org"
    assert vevent.dtstart.value.astimezone(dt.UTC) == dt.datetime(2027, 3, 30, 9, tzinfo=dt.UTC)
    assert vevent.dtend.value - vevent.dtstart.value == dt.timedelta(minutes=45)


def test_times_are_written_in_local_time_with_the_london_zone():
    text = build().decode()
    assert "DTSTART;TZID=Europe/London:20270330T100000" in text
    assert "DTEND;TZID=Europe/London:20270330T104500" in text
    # The zone definition covers the summer-time change that the event follows.
    assert "BEGIN:DAYLIGHT" in text and "TZOFFSETTO:+0100" in text


def test_publish_calendar_asks_to_be_refreshed_hourly():
    cal = icalendar.Calendar.from_ical(build(method="PUBLISH", name="Sessions"))
    assert cal["METHOD"] == "PUBLISH"
    assert cal["X-WR-CALNAME"] == "Sessions"
    assert cal.decoded("REFRESH-INTERVAL") == dt.timedelta(hours=1)
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in build(method="PUBLISH").decode()
    assert "X-PUBLISHED-TTL:PT1H" in build(method="PUBLISH").decode()


def test_cancelled_entry_is_marked_cancelled():
    cal = icalendar.Calendar.from_ical(build(method="CANCEL", entries=[entry(cancelled=True)]))
    assert cal.walk("VEVENT")[0]["STATUS"] == "CANCELLED"


def test_empty_feed_is_still_a_valid_calendar():
    data = build(method="PUBLISH", entries=[])
    assert vobject.readOne(data.decode()).name == "VCALENDAR"
    assert icalendar.Calendar.from_ical(data).walk("VEVENT") == []


def test_a_utf16_export_with_a_byte_order_mark_is_read():
    data = WEEKLY_MEETING.decode().encode("utf-16")
    assert spans(data)[0] == ("2027-03-02 10:00", "2027-03-02 11:00")


def test_an_hour_the_clocks_skip_is_not_busy():
    # Hourly from midnight London time: 01:00-02:00 on Sunday 28 March 2027 does not exist
    # (the clocks go from 01:00 GMT to 02:00 BST), so it gives no span, not an empty one.
    data = vcalendar(
        event(
            "hourly",
            "DTSTART;TZID=Europe/London:20270328T000000",
            "DURATION:PT1H",
            "RRULE:FREQ=HOURLY;COUNT=4",
        )
    )
    found = busy_spans(data, start=START, end=END, zone=LONDON)
    assert all(s < e for s, e in found)
    assert [(f"{s:%H:%M}", f"{e:%H:%M}") for s, e in found] == [
        ("00:00", "01:00"),
        ("01:00", "02:00"),
        ("02:00", "03:00"),
    ]
