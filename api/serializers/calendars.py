"""Serializers for calendar feeds and imported calendars."""

from __future__ import annotations

from rest_framework import serializers

from api.fields import (
    Serializer,
    StrictCharField,
)
from screening.models import (
    CalendarImport,
)


class CalendarFeedSerializer(serializers.Serializer):
    calendar_feed_url = serializers.URLField()


class CalendarImportRequestSerializer(serializers.Serializer):
    """A calendar asked for and not in force: waiting to be loaded, or failed to load."""

    source = serializers.ChoiceField(choices=CalendarImport.Source.choices)
    url = serializers.CharField(allow_null=True)
    file_name = serializers.CharField(allow_null=True)
    at = serializers.DateTimeField()


class CalendarImportSerializer(serializers.Serializer):
    """A practitioner's imported calendar: where the busy times in force came from, how
    the last loads went, and what was asked for since (loaded by the background worker)."""

    source = serializers.CharField(
        allow_null=True, help_text="Where the busy times in force came from: url or upload."
    )
    url = serializers.CharField(allow_null=True)
    file_name = serializers.CharField(allow_null=True)
    busy_count = serializers.IntegerField()
    busy_until = serializers.DateTimeField(allow_null=True)
    last_fetched_at = serializers.DateTimeField(allow_null=True)
    last_success_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField(allow_null=True)
    last_error_at = serializers.DateTimeField(allow_null=True)
    status = serializers.ChoiceField(
        choices=CalendarImport.Status.choices,
        allow_null=True,
        help_text="pending: waiting for the background worker; ok: the last load worked; "
        "failed: the last load did not (see error; the busy times in force still count).",
    )
    error = serializers.CharField(
        allow_null=True, help_text="What was wrong with the last load, when it failed."
    )
    loaded_at = serializers.DateTimeField(
        allow_null=True, help_text="When the busy times in force were loaded."
    )
    requested = CalendarImportRequestSerializer(
        allow_null=True,
        help_text="The address or file asked for and not in force yet (pending, or failed).",
    )


def calendar_import_data(record: CalendarImport | None) -> dict:
    if record is None:
        return {name: None for name in CalendarImportSerializer().fields} | {"busy_count": 0}
    failed = record.status == CalendarImport.Status.FAILED
    requested = None
    if record.requested_source:
        requested = {
            "source": record.requested_source,
            "url": record.requested_url or None,
            "file_name": record.requested_file_name or None,
            "at": record.requested_at,
        }
    return {
        "source": record.source or None,
        "url": record.url or None,
        "file_name": record.file_name or None,
        "busy_count": record.busy_count,
        "busy_until": record.busy_until,
        "last_fetched_at": record.last_fetched_at,
        "last_success_at": record.last_success_at,
        "last_error": record.last_error or None,
        "last_error_at": record.last_error_at,
        "status": record.status,
        "error": (record.last_error or None) if failed else None,
        "loaded_at": record.last_success_at,
        "requested": requested,
    }


class CalendarImportUrlSerializer(Serializer):
    url = StrictCharField(max_length=2000, help_text="An http, https or webcal address.")


class CalendarImportUploadSerializer(Serializer):
    file = serializers.FileField(help_text="An iCalendar (.ics) file.")
