"""Serializers for agencies, practitioners, working patterns and leave."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from agencies.languages import LANGUAGE_CHOICES
from agencies.models import Agency, Interpreter, Practitioner
from agencies.selectors import calendar_feed_url, interpreter_feed_url
from agencies.services import LEAVE_REASON_LIMIT
from api.fields import (
    HourMinuteField,
    ModelSerializer,
    Serializer,
    StrictCharField,
    WindowDateField,
    WindowDateTimeField,
)
from api.serializers.base import viewer, weekday_field
from screening.access import FEED_URL_ROLES


class AgencySerializer(ModelSerializer):
    class Meta:
        model = Agency
        fields = ["code", "name", "default_duration_minutes", "order"]


class PractitionerSerializer(ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", queryset=Agency.objects.all())
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), allow_null=True, required=False
    )
    calendar_feed_url = serializers.SerializerMethodField()

    class Meta:
        model = Practitioner
        fields = [
            "id",
            "user",
            "agency",
            "name",
            "email",
            "phone",
            "daily_session_cap",
            "buffer_minutes",
            "is_active",
            "calendar_feed_url",
        ]
        read_only_fields = ["id"]

    # Only some roles see it; null for the others.
    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_calendar_feed_url(self, obj: Practitioner) -> str | None:
        user = viewer(self)
        if user is not None and (user.role in FEED_URL_ROLES or obj.user_id == user.pk):
            return calendar_feed_url(obj)
        return None


class PractitionerSelfSerializer(PractitionerSerializer):
    """What a practitioner may change on their own record."""

    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    user = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(PractitionerSerializer.Meta):
        read_only_fields = [
            "id",
            "user",
            "agency",
            "daily_session_cap",
            "buffer_minutes",
            "is_active",
        ]


class WorkingPatternSerializer(Serializer):
    id = serializers.IntegerField(read_only=True)
    weekdays = serializers.ListField(child=weekday_field(), min_length=1, max_length=7)
    start_time = HourMinuteField()
    end_time = HourMinuteField()
    valid_from = WindowDateField()
    valid_until = WindowDateField(allow_null=True, required=False)


class LeaveSerializer(Serializer):
    id = serializers.IntegerField(read_only=True)
    start = WindowDateTimeField()
    end = WindowDateTimeField()
    reason = StrictCharField(
        max_length=LEAVE_REASON_LIMIT, allow_blank=True, required=False, source="description"
    )


class InterpreterSerializer(ModelSerializer):
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=LANGUAGE_CHOICES),
        min_length=1,
        max_length=len(LANGUAGE_CHOICES),
        help_text="ISO 639-1 codes, such as pl.",
    )
    calendar_feed_url = serializers.SerializerMethodField()

    class Meta:
        model = Interpreter
        fields = [
            "id",
            "name",
            "languages",
            "email",
            "invite_language",
            "is_active",
            "calendar_feed_url",
        ]
        read_only_fields = ["id"]
        extra_kwargs = {
            "invite_language": {
                "help_text": "The language of their calendar invites: en-gb or cy; blank: English."
            }
        }

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_calendar_feed_url(self, obj: Interpreter) -> str | None:
        user = viewer(self)
        if user is not None and user.role in FEED_URL_ROLES:
            return interpreter_feed_url(obj)
        return None
