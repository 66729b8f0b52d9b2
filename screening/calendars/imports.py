"""Importing busy times from practitioners' own calendars (a URL or an uploaded file).

Only busy intervals are stored, expanded from a day ago to the scheduling horizon plus a
year, so an uploaded file stays useful without keeping its events' titles. Network I/O
never happens inside a database transaction. A URL that fails to load keeps the last
good intervals; the error and its time are recorded for the practitioner to see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agencies.local_time import yot_zone
from agencies.models import Practitioner
from screening.calendars.feeds import uid_domain
from screening.integrations import fetch as fetcher
from screening.integrations.ical import CalendarUnreadable, busy_spans
from screening.models import CalendarImport
from screening.scheduling.expand import ceil_minutes, to_minutes
from screening.scheduling.intervals import normalise

# Far more than any real calendar holds in the window; bounds what one import stores.
MAX_INTERVALS = 20_000


@dataclass(frozen=True)
class Busy:
    intervals: list[list[int]]
    start: dt.datetime
    end: dt.datetime


def _config() -> dict:
    return settings.CALENDAR_IMPORT


def busy_window(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    horizon = settings.SCREENING_SCHEDULING["search_horizon_days"] + 365
    return now - dt.timedelta(days=1), now + dt.timedelta(days=horizon)


def busy_from_ics(data: bytes, *, now: dt.datetime) -> Busy:
    """Busy intervals of a calendar in the import window, in engine minutes; the service's
    own sessions seen again through a subscribed feed are left out. Raises
    CalendarUnreadable."""
    start, end = busy_window(now)
    spans = busy_spans(
        data, start=start, end=end, zone=yot_zone(), skip_uid_suffix=f"@{uid_domain()}"
    )
    # Whole minutes, widened outwards so a busy second is never offered.
    merged = normalise((to_minutes(s), ceil_minutes(e)) for s, e in spans)
    if len(merged) > MAX_INTERVALS:
        merged = merged[:MAX_INTERVALS]
        end = min(end, dt.datetime.fromtimestamp(merged[-1][1] * 60, tz=dt.UTC))
    return Busy(intervals=[[s, e] for s, e in merged], start=start, end=end)


def _fetch(url: str) -> bytes:
    config = _config()
    return fetcher.fetch(
        url,
        max_bytes=config["max_bytes"],
        timeout=config["timeout_seconds"],
        allow_private=config["allow_private"],
    )


def _store(
    *, practitioner: Practitioner, busy: Busy, now: dt.datetime, **fields: str
) -> CalendarImport:
    with transaction.atomic():
        record, _ = CalendarImport.objects.select_for_update().get_or_create(
            practitioner=practitioner, defaults={"source": fields["source"]}
        )
        for name, value in fields.items():
            setattr(record, name, value)
        record.busy = busy.intervals
        record.busy_from, record.busy_until = busy.start, busy.end
        record.last_fetched_at = record.last_success_at = now
        record.last_error, record.last_error_at = "", None
        record.save()
    return record


def calendar_import_set_url(*, practitioner: Practitioner, url: str) -> CalendarImport:
    """Import from a calendar address, loading it now; raises ValidationError on `url`
    (not http(s), a private address, unreachable, too large, not a calendar) and then
    keeps whatever was imported before."""
    url = url.strip()
    now = timezone.now()
    try:
        fetcher.target_of(url)
        busy = busy_from_ics(_fetch(url), now=now)
    except (fetcher.FetchFailed, CalendarUnreadable) as error:
        raise ValidationError({"url": [str(error)]}) from error
    return _store(
        practitioner=practitioner,
        busy=busy,
        now=now,
        source=CalendarImport.Source.URL,
        url=url,
        file_name="",
    )


def calendar_import_upload(
    *, practitioner: Practitioner, data: bytes, file_name: str = ""
) -> CalendarImport:
    """Import an uploaded .ics file; raises ValidationError on `file` (too large, not a
    calendar) and then keeps whatever was imported before."""
    limit = _config()["max_bytes"]
    if len(data) > limit:
        raise ValidationError({"file": [fetcher.too_big(limit)]})
    now = timezone.now()
    try:
        busy = busy_from_ics(data, now=now)
    except CalendarUnreadable as error:
        raise ValidationError({"file": [str(error)]}) from error
    return _store(
        practitioner=practitioner,
        busy=busy,
        now=now,
        source=CalendarImport.Source.UPLOAD,
        url="",
        file_name=file_name[:255],
    )


def calendar_import_delete(*, practitioner: Practitioner) -> bool:
    """Stop importing; the busy times no longer count. True when there was an import."""
    deleted, _ = CalendarImport.objects.filter(practitioner=practitioner).delete()
    return bool(deleted)


def calendar_import_refresh(*, calendar_import: CalendarImport) -> bool:
    """Load a URL import again. On failure the last good busy times stay and the error
    and its time are recorded; returns whether it succeeded."""
    if calendar_import.source != CalendarImport.Source.URL:
        return True
    now = timezone.now()
    try:
        busy = busy_from_ics(_fetch(calendar_import.url), now=now)
    except (fetcher.FetchFailed, CalendarUnreadable) as error:
        CalendarImport.objects.filter(pk=calendar_import.pk).update(
            last_fetched_at=now, last_error=str(error), last_error_at=now
        )
        return False
    # The URL may have been changed meanwhile: only store against the one just loaded.
    updated = CalendarImport.objects.filter(pk=calendar_import.pk, url=calendar_import.url).update(
        busy=busy.intervals,
        busy_from=busy.start,
        busy_until=busy.end,
        last_fetched_at=now,
        last_success_at=now,
        last_error="",
        last_error_at=None,
    )
    return bool(updated)


@dataclass(frozen=True)
class RefreshResult:
    refreshed: int
    failed: int


def calendar_imports_refresh(*, due_before: dt.datetime | None = None) -> RefreshResult:
    """Refresh every URL import last loaded before `due_before` (default: one refresh
    interval ago), one at a time, each failure recorded on its own import."""
    if due_before is None:
        due_before = timezone.now() - dt.timedelta(minutes=_config()["refresh_minutes"])
    due = CalendarImport.objects.filter(source=CalendarImport.Source.URL).filter(
        last_fetched_at__lt=due_before
    ) | CalendarImport.objects.filter(
        source=CalendarImport.Source.URL, last_fetched_at__isnull=True
    )
    refreshed = failed = 0
    for record in due.order_by("last_fetched_at", "pk"):
        if calendar_import_refresh(calendar_import=record):
            refreshed += 1
        else:
            failed += 1
    return RefreshResult(refreshed=refreshed, failed=failed)
