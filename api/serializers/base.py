"""What several contexts' serializers share."""

from __future__ import annotations

from rest_framework import serializers

from accounts.models import User
from api.fields import (
    StrictIntegerField,
)


def weekday_field() -> StrictIntegerField:
    return StrictIntegerField(min_value=0, max_value=6)


def viewer(serializer: serializers.Serializer) -> User | None:
    request = serializer.context.get("request")
    return getattr(request, "user", None)
