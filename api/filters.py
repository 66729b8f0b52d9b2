"""Filtering that refuses what it cannot read, instead of quietly ignoring it."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from agencies.local_time import OUTSIDE_DATE_WINDOW, in_date_window

BOOLEAN_VALUES = {"true", "false"}


def _in_window(value: dt.date) -> None:
    if value is not None and not in_date_window(value):
        raise DjangoValidationError(OUTSIDE_DATE_WINDOW)


class WindowDateFilter(django_filters.DateFilter):
    """A date filter inside the date window (400 naming the parameter beyond it)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("validators", [_in_window])
        super().__init__(*args, **kwargs)


class WindowIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 moment filter inside the date window."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("validators", [_in_window])
        super().__init__(*args, **kwargs)


class StrictFilterBackend(DjangoFilterBackend):
    """A filter given twice, given empty, or a yes/no filter given anything but true or
    false answers 400 naming the parameter."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            errors: dict[str, list[str]] = {}
            for name, declared in filterset_class.base_filters.items():
                values = request.query_params.getlist(name)
                if not values:
                    continue
                if len(values) > 1:
                    errors[name] = ["Give this filter once."]
                elif values[0] == "":
                    errors[name] = ["Give a value or leave the filter out."]
                elif (
                    isinstance(declared, django_filters.BooleanFilter)
                    and values[0] not in BOOLEAN_VALUES
                ):
                    errors[name] = ["Use true or false."]
            if errors:
                raise ValidationError(errors)
        return super().filter_queryset(request, queryset, view)
