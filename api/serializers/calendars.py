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


class CalendarImportSerializer(serializers.Serializer):
    """A practitioner's imported calendar: where from, and how the last loads went."""

    source = serializers.CharField(allow_null=True)
    url = serializers.CharField(allow_null=True)
    file_name = serializers.CharField(allow_null=True)
    busy_count = serializers.IntegerField()
    busy_until = serializers.DateTimeField(allow_null=True)
    last_fetched_at = serializers.DateTimeField(allow_null=True)
    last_success_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField(allow_null=True)
    last_error_at = serializers.DateTimeField(allow_null=True)


def calendar_import_data(record: CalendarImport | None) -> dict:
    if record is None:
        return {name: None for name in CalendarImportSerializer().fields} | {"busy_count": 0}
    return {
        "source": record.source,
        "url": record.url or None,
        "file_name": record.file_name or None,
        "busy_count": record.busy_count,
        "busy_until": record.busy_until,
        "last_fetched_at": record.last_fetched_at,
        "last_success_at": record.last_success_at,
        "last_error": record.last_error or None,
        "last_error_at": record.last_error_at,
    }


class CalendarImportUrlSerializer(Serializer):
    url = StrictCharField(max_length=2000, help_text="An http, https or webcal address.")


class CalendarImportUploadSerializer(Serializer):
    file = serializers.FileField(help_text="An iCalendar (.ics) file.")
