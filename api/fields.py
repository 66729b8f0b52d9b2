"""Strict fields: JSON types are checked, not coerced (a number is not a name)."""

from __future__ import annotations

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies.local_time import OUTSIDE_DATE_WINDOW, in_date_window


class StrictCharField(serializers.CharField):
    default_error_messages = {"not_a_string": "Must be text, not {kind}."}

    def __init__(self, **kwargs: object) -> None:
        limit = kwargs.get("max_length")
        if isinstance(limit, int):
            messages = dict(kwargs.get("error_messages") or {})  # type: ignore[call-overload]
            messages.setdefault("max_length", f"Write at most {limit:,} characters.")
            kwargs["error_messages"] = messages
        super().__init__(**kwargs)

    def to_internal_value(self, data: object) -> str:
        if not isinstance(data, str):
            self.fail("not_a_string", kind=type(data).__name__)
        return super().to_internal_value(data)


class _InDateWindow:
    """Dates inside the date window (agencies.local_time.DATE_WINDOW); a moment too far
    out to convert to the local zone is outside it too."""

    default_error_messages = {
        "outside_window": OUTSIDE_DATE_WINDOW,
        "overflow": OUTSIDE_DATE_WINDOW,
    }

    def to_internal_value(self, data: object):
        value = super().to_internal_value(data)  # type: ignore[misc]
        if not in_date_window(value):
            self.fail("outside_window")  # type: ignore[attr-defined]
        return value


class WindowDateField(_InDateWindow, serializers.DateField):
    pass


class WindowDateTimeField(_InDateWindow, serializers.DateTimeField):
    pass


class StrictEmailField(serializers.EmailField):
    def to_internal_value(self, data: object) -> str:
        if not isinstance(data, str):
            raise serializers.ValidationError("Must be text.")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    default_error_messages = {"not_an_integer": "Must be a whole number."}

    def to_internal_value(self, data: object) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("not_an_integer")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"not_a_boolean": "Must be true or false."}

    def to_internal_value(self, data: object) -> bool:
        if not isinstance(data, bool):
            self.fail("not_a_boolean")
        return data


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01]\d|2[0-3]):[0-5]\d$",
        "example": "09:00",
        "description": "Local time, HH:MM",
    }
)
class HourMinuteField(serializers.TimeField):
    """Times as HH:MM (API.md), documented as such rather than as RFC 3339 `time`."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("format", "%H:%M")
        kwargs.setdefault("input_formats", ["%H:%M"])
        super().__init__(**kwargs)


def at_most(limit: int, things: str) -> dict[str, str]:
    """The error message of a list field with a maximum, naming what it holds."""
    return {"max_length": f"Give at most {limit:,} {things}."}


class RejectUnknownMixin:
    """Reject fields the serializer does not have, so a typo is never silently ignored."""

    def to_internal_value(self, data: object) -> dict:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


class Serializer(RejectUnknownMixin, serializers.Serializer):
    pass


class ModelSerializer(RejectUnknownMixin, serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.EmailField: StrictEmailField,
        models.IntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.PositiveSmallIntegerField: StrictIntegerField,
        models.SmallIntegerField: StrictIntegerField,
        models.BigIntegerField: StrictIntegerField,
        models.BooleanField: StrictBooleanField,
        models.TimeField: HourMinuteField,
        models.DateField: WindowDateField,
        models.DateTimeField: WindowDateTimeField,
    }
