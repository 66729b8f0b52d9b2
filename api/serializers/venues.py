"""Serializers for venues, opening hours and rooms."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import (
    ModelSerializer,
    StrictCharField,
    StrictIntegerField,
    at_most,
)
from api.serializers.base import viewer, weekday_field
from screening.access import FEED_URL_ROLES
from screening.models import (
    OpeningHours,
    Room,
    Venue,
)
from screening.models.venues import TRAVEL_LIMIT_MINUTES, TRAVEL_MESSAGE
from screening.venues.services import ADDRESS_LIMIT, OPENING_HOURS_LIMIT


class OpeningHoursSerializer(ModelSerializer):
    weekday = weekday_field()

    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]


class VenueSerializer(ModelSerializer):
    address = StrictCharField(max_length=ADDRESS_LIMIT)
    travel_minutes = StrictIntegerField(
        required=False,
        min_value=0,
        max_value=TRAVEL_LIMIT_MINUTES,
        error_messages={"min_value": TRAVEL_MESSAGE, "max_value": TRAVEL_MESSAGE},
    )
    opening_hours = OpeningHoursSerializer(
        many=True,
        required=False,
        max_length=OPENING_HOURS_LIMIT,
        error_messages=at_most(OPENING_HOURS_LIMIT, "opening times"),
    )

    class Meta:
        model = Venue
        fields = [
            "id",
            "name",
            "address",
            "kind",
            "text_name",
            "travel_minutes",
            "opening_hours",
        ]
        read_only_fields = ["id"]


def room_feed_url(room: Room) -> str:
    return f"{settings.PUBLIC_BASE_URL}/calendars/rooms/{room.pk}.ics?token={room.feed_token}"


class RoomSerializer(ModelSerializer):
    venue = serializers.PrimaryKeyRelatedField(queryset=Venue.objects.all())
    calendar_feed_url = serializers.SerializerMethodField()

    class Meta:
        model = Room
        fields = ["id", "venue", "name", "is_active", "calendar_feed_url"]
        read_only_fields = ["id", "is_active"]

    # Only some roles see it; null for the others.
    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_calendar_feed_url(self, obj: Room) -> str | None:
        user = viewer(self)
        return room_feed_url(obj) if user is not None and user.role in FEED_URL_ROLES else None
