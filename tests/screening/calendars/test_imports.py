"""Busy times imported from practitioners' own calendars: stored, refreshed, and kept
when a later load fails; used by the visit search and the booking re-check."""

import datetime as dt
import threading
import time
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from screening.booking.options import visit_options
from screening.calendars import loading
from screening.calendars.imports import (
    calendar_import_delete,
    calendar_import_set_url,
    calendar_import_upload,
)
from screening.calendars.loading import (
    LoadResult,
    RefreshResult,
    calendar_import_load_requested,
    calendar_import_refresh,
    calendar_imports_load_requested,
    calendar_imports_refresh,
)
from screening.models import CalendarImport
from screening.scheduling.expand import from_minutes
from tests.calendar_support import (
    EVERY_MINUTE,
    LONDON,
    MINUTELY,
    WEEKLY_MEETING,
    book,
    event,
    vcalendar,
)


def local_busy(record: CalendarImport) -> list[str]:
    return [
        f"{from_minutes(s).astimezone(LONDON):%a %d %b %H:%M}-"
        f"{from_minutes(e).astimezone(LONDON):%H:%M}"
        for s, e in record.busy
    ]


def upload(practitioner, data: bytes, file_name: str = "") -> CalendarImport:
    """Upload a file and let the background worker read it, as it would within seconds."""
    calendar_import_upload(practitioner=practitioner, data=data, file_name=file_name)
    calendar_imports_load_requested()
    return CalendarImport.objects.get(practitioner=practitioner)


def set_url(practitioner, url: str) -> CalendarImport:
    calendar_import_set_url(practitioner=practitioner, url=url)
    calendar_imports_load_requested()
    return CalendarImport.objects.get(practitioner=practitioner)


def test_upload_stores_only_busy_intervals(world):
    record = upload(world.people["health"], WEEKLY_MEETING, file_name="work.ics")
    assert record.status == "ok" and record.file_name == "work.ics"
    assert local_busy(record)[:3] == [
        "Tue 02 Mar 10:00-11:00",
        "Wed 17 Mar 14:00-15:00",
        "Tue 23 Mar 10:00-11:00",
    ]
    assert "Team meeting" not in str(CalendarImport.objects.values().get(pk=record.pk))
    # The window runs a year past the scheduling horizon.
    assert record.busy_until - record.busy_from >= dt.timedelta(days=365 + 90)


def test_an_upload_waits_for_the_background_worker_and_is_never_read_in_the_request(
    world, monkeypatch
):
    read = []
    monkeypatch.setattr(loading, "busy_spans_isolated", lambda *a, **k: read.append(1) or [])
    record = calendar_import_upload(practitioner=world.people["health"], data=MINUTELY)
    assert read == [] and record.status == "pending" and record.busy == []
    assert record.requested_source == "upload" and bytes(record.requested_data) == MINUTELY


def test_a_minutely_upload_fails_with_the_rule_named_and_the_last_good_data_kept(world):
    practitioner = world.people["health"]
    good = upload(practitioner, WEEKLY_MEETING, file_name="work.ics")
    started = time.monotonic()
    record = upload(practitioner, MINUTELY, file_name="tick.ics")
    assert time.monotonic() - started < 20  # expanding it took 54 s
    assert record.status == "failed" and record.last_error == EVERY_MINUTE
    assert record.busy == good.busy and record.file_name == "work.ics"
    assert record.requested_file_name == "tick.ics" and record.requested_data is None


def test_a_plainly_broken_upload_is_refused_at_once_and_the_last_good_data_kept(world):
    practitioner = world.people["health"]
    good = upload(practitioner, WEEKLY_MEETING)
    with pytest.raises(ValidationError) as error:
        calendar_import_upload(practitioner=practitioner, data=b"<html>login page</html>")
    assert "not an iCalendar file" in error.value.message_dict["file"][0]
    record = CalendarImport.objects.get(practitioner=practitioner)
    assert record.busy == good.busy and record.status == "ok"


def test_an_upload_that_takes_too_long_to_read_is_stopped_at_the_limit(world, settings):
    settings.CALENDAR_IMPORT = {**settings.CALENDAR_IMPORT, "parse_seconds": 1}
    never = [
        event(f"n{n}", "DTSTART:20270301T090000Z", "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30")
        for n in range(10)
    ]
    started = time.monotonic()
    record = upload(world.people["health"], vcalendar(*never))
    assert time.monotonic() - started < 10  # unstopped, the search runs on for minutes
    assert record.status == "failed" and "took longer than 1 s to read" in record.last_error


def test_an_oversized_upload_is_refused(world, settings):
    settings.CALENDAR_IMPORT = {**settings.CALENDAR_IMPORT, "max_bytes": 1000}
    with pytest.raises(ValidationError, match="larger than the limit"):
        calendar_import_upload(practitioner=world.people["health"], data=b"x" * 1001)
    assert not CalendarImport.objects.exists()


def test_url_import_is_loaded_by_the_background_worker(world, ics_server):
    url = ics_server.serve("/work.ics", WEEKLY_MEETING)
    asked = calendar_import_set_url(practitioner=world.people["health"], url=url)
    assert asked.status == "pending" and asked.url == "" and asked.requested_url == url
    assert calendar_imports_load_requested() == LoadResult(loaded=1, failed=0)
    record = CalendarImport.objects.get()
    assert record.source == "url" and record.url == url and record.status == "ok"
    assert local_busy(record)[0] == "Tue 02 Mar 10:00-11:00"
    assert record.last_success_at == record.last_fetched_at and record.last_error == ""
    assert record.requested_url == "" and record.request_token == ""
    assert calendar_imports_load_requested() == LoadResult(loaded=0, failed=0)


def test_a_private_address_is_refused_when_not_allowed(world, settings):
    settings.CALENDAR_IMPORT = {**settings.CALENDAR_IMPORT, "allow_private": False}
    with pytest.raises(ValidationError, match="local or private network"):
        calendar_import_set_url(practitioner=world.people["health"], url="http://127.0.0.1/a.ics")
    assert not CalendarImport.objects.exists()


def test_a_name_resolving_to_a_private_address_fails_in_the_background(world, settings):
    settings.CALENDAR_IMPORT = {**settings.CALENDAR_IMPORT, "allow_private": False}
    record = set_url(world.people["health"], "http://localhost:9/a.ics")
    assert record.status == "failed" and "local or private network" in record.last_error


def test_a_broken_feed_keeps_the_last_good_data_and_records_the_error(
    world, ics_server, monkeypatch
):
    url = ics_server.serve("/work.ics", WEEKLY_MEETING)
    record = set_url(world.people["health"], url)
    good = record.busy
    later = dt.datetime(2027, 3, 1, 9, 30, tzinfo=dt.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    ics_server.serve("/work.ics", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n")
    assert calendar_import_refresh(calendar_import=record) is False
    record.refresh_from_db()
    assert record.busy == good and record.status == "failed"
    assert "incomplete" in record.last_error and record.last_error_at == later
    assert record.last_fetched_at == later and record.last_success_at < later


def test_an_oversized_feed_keeps_the_last_good_data(world, ics_server, settings):
    url = ics_server.serve("/work.ics", WEEKLY_MEETING)
    record = set_url(world.people["health"], url)
    ics_server.serve("/work.ics", WEEKLY_MEETING + b"X" * 5000)
    settings.CALENDAR_IMPORT = {**settings.CALENDAR_IMPORT, "max_bytes": len(WEEKLY_MEETING)}
    calendar_import_refresh(calendar_import=record)
    record.refresh_from_db()
    assert "larger than the limit" in record.last_error
    assert local_busy(record)[0] == "Tue 02 Mar 10:00-11:00"


def test_changing_to_a_broken_url_keeps_the_previous_import(world, ics_server):
    good_url = ics_server.serve("/work.ics", WEEKLY_MEETING)
    good = set_url(world.people["health"], good_url)
    record = set_url(world.people["health"], ics_server.url("/gone.ics"))
    assert record.status == "failed" and "HTTP 404" in record.last_error
    assert record.url == good_url and record.busy == good.busy
    assert record.requested_url == ics_server.url("/gone.ics")


def test_a_refresh_waits_while_a_new_address_is_pending(world, ics_server):
    first = ics_server.serve("/a.ics", WEEKLY_MEETING)
    set_url(world.people["health"], first)
    second = ics_server.serve("/b.ics", vcalendar())
    calendar_import_set_url(practitioner=world.people["health"], url=second)
    everything = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
    assert calendar_imports_refresh(due_before=everything) == RefreshResult(0, 0)
    record = CalendarImport.objects.get()
    assert record.status == "pending" and record.url == first and record.busy
    calendar_imports_load_requested()
    record.refresh_from_db()
    assert record.url == second and record.busy == [] and record.status == "ok"


def test_a_newer_request_is_not_overwritten_by_an_older_one_finishing(world, ics_server):
    practitioner = world.people["health"]
    older = calendar_import_upload(practitioner=practitioner, data=WEEKLY_MEETING)
    calendar_import_upload(practitioner=practitioner, data=vcalendar(), file_name="new.ics")
    assert calendar_import_load_requested(calendar_import=older) is None
    record = CalendarImport.objects.get()
    assert record.status == "pending" and record.busy == []
    calendar_imports_load_requested()
    record.refresh_from_db()
    assert record.file_name == "new.ics" and record.status == "ok"


def test_a_request_claimed_by_a_worker_is_not_loaded_twice(world, monkeypatch):
    calendar_import_upload(practitioner=world.people["health"], data=WEEKLY_MEETING)
    CalendarImport.objects.update(claimed_at=timezone.now())
    assert calendar_imports_load_requested() == LoadResult(loaded=0, failed=0)
    # A worker that stopped mid-load leaves its claim; after the lease another takes it.
    CalendarImport.objects.update(claimed_at=timezone.now() - dt.timedelta(hours=1))
    assert calendar_imports_load_requested() == LoadResult(loaded=1, failed=0)


def test_refresh_reloads_only_imports_that_are_due(world, ics_server, monkeypatch):
    first = ics_server.serve("/a.ics", WEEKLY_MEETING)
    second = ics_server.serve("/b.ics", WEEKLY_MEETING)
    set_url(world.people["health"], first)
    set_url(world.people["education"], second)
    upload(world.people["social_care"], WEEKLY_MEETING)
    CalendarImport.objects.filter(url=first).update(
        last_fetched_at=dt.datetime(2027, 2, 28, tzinfo=dt.UTC)
    )
    result = calendar_imports_refresh()  # default: due after an hour
    assert (result.refreshed, result.failed) == (1, 0)
    ics_server.serve("/b.ics", b"nonsense")
    out = StringIO()
    call_command("refresh_calendars", "--all", stdout=out)
    assert "refreshed: 1; failed (last good copy kept): 1" in out.getvalue()
    assert CalendarImport.objects.get(url=second).last_error


def test_the_refresh_command_loads_requested_imports_too(world):
    calendar_import_upload(practitioner=world.people["health"], data=WEEKLY_MEETING)
    out = StringIO()
    call_command("refresh_calendars", stdout=out)
    assert "Requested imports loaded: 1; failed: 0." in out.getvalue()
    assert CalendarImport.objects.get().status == "ok"


def test_delete_stops_the_import(world):
    upload(world.people["health"], WEEKLY_MEETING)
    assert calendar_import_delete(practitioner=world.people["health"]) is True
    assert not CalendarImport.objects.exists()


def test_delete_drops_a_pending_request(world):
    calendar_import_upload(practitioner=world.people["health"], data=WEEKLY_MEETING)
    assert calendar_import_delete(practitioner=world.people["health"]) is True
    assert calendar_imports_load_requested() == LoadResult(loaded=0, failed=0)
    assert not CalendarImport.objects.exists()


# --- the engine --------------------------------------------------------------------------------


def starts(world, not_before: dt.datetime, count: int = 10) -> list[str]:
    found = visit_options(
        case=world.case,
        agencies=[world.people["health"].agency],
        not_before=not_before,
        count=count,
    )
    options = found.options or found.after_deadline
    return [f"{from_minutes(o.start).astimezone(LONDON):%a %d %H:%M}" for o in options]


def test_imported_weekly_meeting_removes_exactly_its_times_from_the_search(world):
    upload(world.people["health"], WEEKLY_MEETING)
    at = lambda d, h: dt.datetime(2027, 3, d, h, tzinfo=LONDON)  # noqa: E731
    # Tuesday 2 March: 45-minute health sessions must end by 10:00 or start at 11:00.
    assert starts(world, at(2, 9), 6) == [
        "Tue 02 09:00",
        "Tue 02 09:05",
        "Tue 02 09:10",
        "Tue 02 09:15",
        "Tue 02 11:00",
        "Tue 02 11:05",
    ]
    # 9 March is the excluded date and 16 March's meeting moved away: free all morning.
    for day in (9, 16):
        assert starts(world, at(day, 9), 13)[-1] == f"Tue {day:02d} 10:00"
    # The moved meeting blocks Wednesday 17 March 14:00-15:00.
    assert starts(world, at(17, 13), 5) == [
        "Wed 17 13:00",
        "Wed 17 13:05",
        "Wed 17 13:10",
        "Wed 17 13:15",
        "Wed 17 15:00",
    ]
    # After the clock change the meeting is still 10:00-11:00 on the wall clock.
    assert starts(world, at(30, 9), 5)[3:] == ["Tue 30 09:15", "Tue 30 11:00"]


def test_without_an_import_the_same_times_are_offered(world):
    at = dt.datetime(2027, 3, 2, 9, tzinfo=LONDON)
    assert "Tue 02 10:00" in starts(world, at, 20)


def test_booking_over_an_imported_busy_time_is_refused(world):
    upload(world.people["health"], WEEKLY_MEETING)
    # Speech and language 09:30-10:00, then health 10:05: inside the meeting.
    with pytest.raises(ValidationError) as error:
        book(world, dt.datetime(2027, 3, 2, 9, 30, tzinfo=LONDON))
    [message] = error.value.message_dict["sessions.1.start"]
    assert "own calendar shows them busy" in message and "10:05" in message


def test_our_own_sessions_in_an_imported_calendar_do_not_block(world):
    data = vcalendar(
        event("session-99@testserver", "DTSTART:20270302T100000Z", "DURATION:PT1H"),
    )
    record = upload(world.people["health"], data)
    assert record.status == "ok" and record.busy == []


def test_the_background_worker_reloads_due_calendars(world, ics_server):
    url = ics_server.serve("/due.ics", WEEKLY_MEETING)
    set_url(world.people["health"], url)
    CalendarImport.objects.filter(url=url).update(
        last_fetched_at=dt.datetime(2027, 2, 28, tzinfo=dt.UTC)
    )
    out = StringIO()
    call_command("run_dispatcher", "--once", stdout=out)
    assert "calendars: 1 reloaded, 0 failed" in out.getvalue()
    assert CalendarImport.objects.get(url=url).last_fetched_at > dt.datetime(
        2027, 2, 28, tzinfo=dt.UTC
    )
    quiet = StringIO()
    call_command("run_dispatcher", "--once", "--no-calendars", stdout=quiet)
    assert "calendars:" not in quiet.getvalue()


def test_the_background_worker_loads_requested_calendars(world):
    calendar_import_upload(practitioner=world.people["health"], data=WEEKLY_MEETING)
    calendar_import_upload(practitioner=world.people["education"], data=MINUTELY)
    out = StringIO()
    call_command("run_dispatcher", "--once", stdout=out)
    assert "calendar imports: 1 loaded, 1 failed" in out.getvalue()
    assert CalendarImport.objects.get(practitioner=world.people["health"]).status == "ok"
    failed = CalendarImport.objects.get(practitioner=world.people["education"])
    assert failed.status == "failed" and failed.last_error == EVERY_MINUTE


def test_the_dispatchers_calendar_thread_loads_requests_within_seconds(world, monkeypatch):
    from screening.management.commands import run_dispatcher

    calendar_import_upload(practitioner=world.people["health"], data=WEEKLY_MEETING)
    stop = threading.Event()
    command = run_dispatcher.Command(stdout=StringIO())
    waits = []
    monkeypatch.setattr(stop, "wait", lambda seconds: waits.append(seconds) or stop.set())
    monkeypatch.setattr(run_dispatcher, "close_old_connections", lambda: None)  # the test's
    command.refresh_calendars(stop)
    assert CalendarImport.objects.get().status == "ok"
    assert waits == [run_dispatcher.CALENDAR_REQUEST_CHECK_SECONDS] and waits[0] <= 5


def test_celery_runs_the_calendar_loads_with_a_time_limit_and_beat_schedules_them():
    from config.celery import app
    from screening.calendars.tasks import load_requested_calendars, refresh_calendars

    app.finalize()
    names = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {
        "screening.refresh_calendars",
        "screening.load_requested_calendars",
        "screening.dispatch_due_messages",
    } <= names
    assert refresh_calendars.name == "screening.refresh_calendars"
    assert load_requested_calendars.name == "screening.load_requested_calendars"
    assert load_requested_calendars.time_limit and refresh_calendars.time_limit


def test_the_celery_task_loads_requested_calendars(world):
    from screening.calendars.tasks import load_requested_calendars

    calendar_import_upload(practitioner=world.people["health"], data=MINUTELY)
    assert load_requested_calendars() == {"loaded": 0, "failed": 1}
    assert CalendarImport.objects.get().last_error == EVERY_MINUTE
