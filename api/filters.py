"""Filtering that refuses what it cannot read, instead of quietly ignoring it."""

from __future__ import annotations

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

BOOLEAN_VALUES = {"true", "false"}


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
