"""Importing busy times from practitioners' own calendars (a URL or an uploaded file):
what a practitioner or an admin asks for.

Asking is quick and never reads the calendar: an address is checked for its form, a file
for its size and that it looks like a calendar, and the request is stored as pending for
the background worker to load (`loading.py`), kicked at once when Celery is configured.
The busy times in force stay until the request loads; the import's `status` (pending, ok,
failed) and error say how it went.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agencies.models import Practitioner
from screening.calendars import tasks
from screening.integrations import fetch as fetcher
from screening.integrations.ical import CalendarUnreadable, check_looks_like_calendar
from screening.models import CalendarImport
from screening.outbox import kick


def _config() -> dict:
    return settings.CALENDAR_IMPORT


def kick_calendar_imports() -> None:
    """Ask a Celery worker to load requested calendars now (a no-op without a broker: the
    embedded worker's calendar thread finds them within seconds)."""
    kick(tasks.load_requested_calendars)


def _request(
    *, practitioner: Practitioner, source: str, url: str = "", file_name: str = "", data=None
) -> CalendarImport:
    with transaction.atomic():
        record, _ = CalendarImport.objects.select_for_update().get_or_create(
            practitioner=practitioner
        )
        record.status = CalendarImport.Status.PENDING
        record.requested_source, record.requested_url = source, url
        record.requested_file_name, record.requested_data = file_name[:255], data
        record.requested_at, record.request_token = timezone.now(), uuid.uuid4().hex
        record.claimed_at = None
        record.save()
        transaction.on_commit(kick_calendar_imports)
    return record


def calendar_import_set_url(*, practitioner: Practitioner, url: str) -> CalendarImport:
    """Ask for busy times to be imported from a calendar address, loaded by the background
    worker. Raises ValidationError on `url` when its form is wrong (not http(s), a user
    name in it, a private address written as a number); what is imported meanwhile stays."""
    url = url.strip()
    try:
        fetcher.check_address_form(url, allow_private=_config()["allow_private"])
    except fetcher.FetchFailed as error:
        raise ValidationError({"url": [str(error)]}) from error
    return _request(practitioner=practitioner, source=CalendarImport.Source.URL, url=url)


def calendar_import_upload(
    *, practitioner: Practitioner, data: bytes, file_name: str = ""
) -> CalendarImport:
    """Ask for an uploaded .ics file to be imported, read by the background worker.
    Raises ValidationError on `file` when it is too large or plainly not a calendar; what
    is imported meanwhile stays."""
    limit = _config()["max_bytes"]
    if len(data) > limit:
        raise ValidationError({"file": [fetcher.too_big(limit)]})
    try:
        check_looks_like_calendar(data)
    except CalendarUnreadable as error:
        raise ValidationError({"file": [str(error)]}) from error
    return _request(
        practitioner=practitioner,
        source=CalendarImport.Source.UPLOAD,
        file_name=file_name,
        data=bytes(data),
    )


def calendar_import_delete(*, practitioner: Practitioner) -> bool:
    """Stop importing; the busy times no longer count and a pending request is dropped.
    True when there was an import."""
    deleted, _ = CalendarImport.objects.filter(practitioner=practitioner).delete()
    return bool(deleted)
