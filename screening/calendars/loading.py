"""Loading imported calendars: the background worker's side of calendar imports.

What a practitioner asks for (a new address, an uploaded file: `imports.py`) waits as a
pending request; `calendar_imports_load_requested` loads it, and `calendar_imports_refresh`
reloads the addresses in force that are due. Both run in the background worker
(`run_dispatcher`'s calendar thread, or the Celery tasks in `tasks.py`), never in a web
request: each file is read in a child process with its own time and memory limits
(`screening/integrations/isolated.py`), and a download has one deadline for all of it.

Only busy intervals are stored, expanded from a day ago to the scheduling horizon plus a
year, so an uploaded file stays useful without keeping its events' titles. Network I/O
never happens inside a database transaction. A load that fails keeps the busy times in
force; the error and its time are recorded for the practitioner to see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from agencies.local_time import yot_zone
from screening.calendars.feeds import uid_domain
from screening.integrations import fetch as fetcher
from screening.integrations.ical import MAX_OCCURRENCES, CalendarUnreadable
from screening.integrations.isolated import busy_spans_isolated
from screening.models import CalendarImport
from screening.scheduling.expand import ceil_minutes, to_minutes
from screening.scheduling.intervals import normalise

# Far more than any real calendar holds in the window; bounds what one import stores.
MAX_INTERVALS = 20_000
# Requests one worker pass loads; each takes at most a download and a read's limits.
LOAD_BATCH = 10


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
    """Busy intervals of a calendar in the import window, in engine minutes, read in a
    child process within the configured time and memory; the service's own sessions seen
    again through a subscribed feed are left out. Raises CalendarUnreadable."""
    config = _config()
    if len(data) > config["max_bytes"]:
        raise CalendarUnreadable(fetcher.too_big(config["max_bytes"]))
    start, end = busy_window(now)
    spans = busy_spans_isolated(
        data,
        start=start,
        end=end,
        zone=yot_zone(),
        skip_uid_suffix=f"@{uid_domain()}",
        seconds=config["parse_seconds"],
        memory_mb=config["parse_memory_mb"],
        max_occurrences=MAX_OCCURRENCES,
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


def _lease() -> dt.timedelta:
    """How long a claimed request is left to its worker before another may take it."""
    config = _config()
    return dt.timedelta(seconds=2 * (config["timeout_seconds"] + config["parse_seconds"]) + 60)


def _in_force(busy: Busy, now: dt.datetime) -> dict[str, object]:
    return {
        "busy": busy.intervals,
        "busy_from": busy.start,
        "busy_until": busy.end,
        "last_success_at": now,
        "last_error": "",
        "last_error_at": None,
        "status": CalendarImport.Status.OK,
    }


NO_REQUEST: dict[str, object] = {
    "requested_source": "",
    "requested_url": "",
    "requested_file_name": "",
    "requested_data": None,
    "requested_at": None,
    "request_token": "",
    "claimed_at": None,
}


def calendar_import_load_requested(*, calendar_import: CalendarImport) -> bool | None:
    """Load the address or file the practitioner asked for. On success its busy times
    replace those in force; on failure those stay, and the error (what was wrong with the
    address or the file) and its time are recorded. Returns whether it loaded, or None
    when there was nothing to load (done by another worker, replaced, or removed)."""
    now = timezone.now()
    token = calendar_import.request_token
    mine = CalendarImport.objects.filter(
        pk=calendar_import.pk, status=CalendarImport.Status.PENDING, request_token=token
    )
    claimed = mine.filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - _lease())).update(
        claimed_at=now
    )
    if not token or not claimed:
        return None
    request = CalendarImport.objects.get(pk=calendar_import.pk)
    try:
        if request.requested_source == CalendarImport.Source.URL:
            data = _fetch(request.requested_url)
        else:
            data = bytes(request.requested_data or b"")
        busy = busy_from_ics(data, now=now)
    except (fetcher.FetchFailed, CalendarUnreadable) as error:
        done = timezone.now()
        CalendarImport.objects.filter(pk=request.pk, request_token=token).update(
            status=CalendarImport.Status.FAILED,
            last_error=str(error),
            last_error_at=done,
            requested_data=None,
            claimed_at=None,
        )
        return False
    done = timezone.now()
    # Only against the request just loaded: a newer one, or a removal, wins.
    updated = CalendarImport.objects.filter(pk=request.pk, request_token=token).update(
        source=request.requested_source,
        url=request.requested_url,
        file_name=request.requested_file_name,
        last_fetched_at=done,
        **_in_force(busy, done),
        **NO_REQUEST,
    )
    return bool(updated) or None


@dataclass(frozen=True)
class LoadResult:
    loaded: int
    failed: int


def calendar_imports_load_requested(*, limit: int = LOAD_BATCH) -> LoadResult:
    """Load up to `limit` pending requests, oldest first, each failure recorded on its
    own import; any number of workers may run this at once (each request is claimed)."""
    pending = (
        CalendarImport.objects.filter(status=CalendarImport.Status.PENDING)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=timezone.now() - _lease()))
        .defer("requested_data", "busy")
        .order_by("requested_at", "pk")[:limit]
    )
    loaded = failed = 0
    for record in list(pending):
        outcome = calendar_import_load_requested(calendar_import=record)
        if outcome is True:
            loaded += 1
        elif outcome is False:
            failed += 1
    return LoadResult(loaded=loaded, failed=failed)


def calendar_import_refresh(*, calendar_import: CalendarImport) -> bool:
    """Load the address in force again. On failure its last good busy times stay and the
    error and its time are recorded; returns whether it succeeded. A request waiting to be
    loaded is left alone: it replaces what is in force when it loads."""
    if calendar_import.source != CalendarImport.Source.URL:
        return True
    url = calendar_import.url
    # The URL may have been changed meanwhile: only store against the one just loaded.
    mine = CalendarImport.objects.filter(pk=calendar_import.pk, url=url).exclude(
        status=CalendarImport.Status.PENDING
    )
    try:
        busy = busy_from_ics(_fetch(url), now=timezone.now())
    except (fetcher.FetchFailed, CalendarUnreadable) as error:
        now = timezone.now()
        # The latest attempt is now this one: a failed request's details go with it.
        mine.update(
            last_fetched_at=now,
            last_error=str(error),
            last_error_at=now,
            status=CalendarImport.Status.FAILED,
            **NO_REQUEST,
        )
        return False
    now = timezone.now()
    return bool(mine.update(last_fetched_at=now, **_in_force(busy, now), **NO_REQUEST))


@dataclass(frozen=True)
class RefreshResult:
    refreshed: int
    failed: int


def calendar_imports_refresh(*, due_before: dt.datetime | None = None) -> RefreshResult:
    """Refresh every URL import last loaded before `due_before` (default: one refresh
    interval ago), one at a time, each failure recorded on its own import."""
    if due_before is None:
        due_before = timezone.now() - dt.timedelta(minutes=_config()["refresh_minutes"])
    due = (
        CalendarImport.objects.filter(source=CalendarImport.Source.URL)
        .exclude(status=CalendarImport.Status.PENDING)
        .filter(Q(last_fetched_at__lt=due_before) | Q(last_fetched_at__isnull=True))
        .defer("requested_data", "busy")
    )
    refreshed = failed = 0
    for record in due.order_by("last_fetched_at", "pk"):
        if calendar_import_refresh(calendar_import=record):
            refreshed += 1
        else:
            failed += 1
    return RefreshResult(refreshed=refreshed, failed=failed)
