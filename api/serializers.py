"""Serializers: translate JSON to service arguments and model rows to JSON, nothing more."""

from __future__ import annotations

from django.conf import settings
from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Role, User
from agencies.models import Agency, Practitioner
from agencies.selectors import calendar_feed_url
from api.fields import (
    HourMinuteField,
    ModelSerializer,
    Serializer,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
)
from screening.access import FEED_URL_ROLES
from screening.models import (
    CalendarImport,
    Case,
    OpeningHours,
    Room,
    Session,
    UnavailableTime,
    Venue,
    Visit,
    YoungPerson,
)
from screening.scheduling.expand import from_minutes


def weekday_field() -> StrictIntegerField:
    return StrictIntegerField(min_value=0, max_value=6)


def viewer(serializer: serializers.Serializer) -> User | None:
    request = serializer.context.get("request")
    return getattr(request, "user", None)


# --- auth and users -------------------------------------------------------------------------


class TokenRequestSerializer(Serializer):
    username = StrictCharField(max_length=150)
    password = StrictCharField(max_length=200, trim_whitespace=False)
    otp = StrictCharField(max_length=10, required=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires = serializers.DateTimeField()


class UserSerializer(ModelSerializer):
    password = StrictCharField(
        write_only=True, max_length=200, trim_whitespace=False, required=False
    )
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "password",
            "email",
            "role",
            "first_name",
            "last_name",
            "is_active",
        ]
        read_only_fields = ["id"]

    def validate(self, attrs: dict) -> dict:
        if self.instance is None and not attrs.get("password"):
            raise serializers.ValidationError({"password": ["A new login needs a password."]})
        return attrs


# --- agencies and practitioners -------------------------------------------------------------


class AgencySerializer(ModelSerializer):
    class Meta:
        model = Agency
        fields = ["code", "name", "default_duration_minutes", "order"]


practitioner_feed_url = calendar_feed_url


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

    @extend_schema_field(OpenApiTypes.URI)
    def get_calendar_feed_url(self, obj: Practitioner) -> str | None:
        user = viewer(self)
        if user is not None and (user.role in FEED_URL_ROLES or obj.user_id == user.pk):
            return practitioner_feed_url(obj)
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


class WorkingPatternSerializer(Serializer):
    id = serializers.IntegerField(read_only=True)
    weekdays = serializers.ListField(child=weekday_field(), min_length=1, max_length=7)
    start_time = HourMinuteField()
    end_time = HourMinuteField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True, required=False)


class LeaveSerializer(Serializer):
    id = serializers.IntegerField(read_only=True)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    reason = StrictCharField(max_length=500, allow_blank=True, required=False, source="description")


# --- venues and rooms -----------------------------------------------------------------------


class OpeningHoursSerializer(ModelSerializer):
    weekday = weekday_field()

    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]


class VenueSerializer(ModelSerializer):
    opening_hours = OpeningHoursSerializer(many=True, required=False)

    class Meta:
        model = Venue
        fields = ["id", "name", "address", "opening_hours"]
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

    @extend_schema_field(OpenApiTypes.URI)
    def get_calendar_feed_url(self, obj: Room) -> str | None:
        user = viewer(self)
        return room_feed_url(obj) if user is not None and user.role in FEED_URL_ROLES else None


# --- young people and cases -----------------------------------------------------------------


class UnavailableSerializer(ModelSerializer):
    weekdays = serializers.ListField(child=weekday_field(), min_length=1, max_length=7)

    class Meta:
        model = UnavailableTime
        fields = ["weekdays", "start_time", "end_time"]


class YoungPersonSerializer(ModelSerializer):
    mobile = StrictCharField(
        max_length=30, allow_blank=True, required=False, help_text="UK formats in, E.164 out."
    )
    parent_carer_mobile = StrictCharField(max_length=30, allow_blank=True, required=False)
    unavailable = UnavailableSerializer(many=True, required=False)

    class Meta:
        model = YoungPerson
        fields = [
            "id",
            "given_name",
            "family_name",
            "date_of_birth",
            "mobile",
            "sms_consent",
            "parent_carer_name",
            "parent_carer_mobile",
            "parent_carer_sms_consent",
            "communication_needs",
            "language",
            "unavailable",
        ]
        read_only_fields = ["id"]


class YoungPersonBasicSerializer(ModelSerializer):
    """Basic details only: what a practitioner needs to run a session."""

    class Meta:
        model = YoungPerson
        fields = ["id", "given_name", "family_name", "date_of_birth", "communication_needs"]
        read_only_fields = fields


class CaseSerializer(ModelSerializer):
    young_person = serializers.PrimaryKeyRelatedField(queryset=YoungPerson.objects.all())
    case_manager = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.CASE_MANAGER), allow_null=True, required=False
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "young_person",
            "order_type",
            "order_start_date",
            "case_manager",
            "visit_due_by",
            "findings_due_by",
            "assessment_due_by",
        ]
        read_only_fields = [
            "id",
            "reference",
            "visit_due_by",
            "findings_due_by",
            "assessment_due_by",
        ]


# --- visits and sessions --------------------------------------------------------------------


class SessionInputSerializer(Serializer):
    agency = serializers.SlugRelatedField(slug_field="code", queryset=Agency.objects.all())
    practitioner = serializers.PrimaryKeyRelatedField(queryset=Practitioner.objects.all())
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(required=False)


class VisitInputSerializer(Serializer):
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all())
    room = serializers.PrimaryKeyRelatedField(queryset=Room.objects.all())
    sessions = SessionInputSerializer(many=True, allow_empty=False)
    late_reason = StrictCharField(max_length=1000, allow_blank=True, required=False)
    min_gap = StrictIntegerField(min_value=0, max_value=240, required=False)
    max_gap = StrictIntegerField(min_value=0, max_value=240, required=False)


class RescheduleInputSerializer(VisitInputSerializer):
    case = None


class CancelInputSerializer(Serializer):
    reason = StrictCharField(max_length=1000)


class AttendanceInputSerializer(Serializer):
    attended = StrictBooleanField()
    reason = StrictCharField(max_length=1000, allow_blank=True, required=False)


class SessionSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    practitioner_name = serializers.CharField(source="practitioner.name", read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "agency",
            "practitioner",
            "practitioner_name",
            "start",
            "end",
            "buffer_minutes",
            "attended",
            "attendance_reason",
        ]
        read_only_fields = fields


class VisitSerializer(serializers.ModelSerializer):
    sessions = serializers.SerializerMethodField()
    room_name = serializers.CharField(source="room.__str__", read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "case",
            "room",
            "room_name",
            "status",
            "version",
            "start",
            "end",
            "cancel_reason",
            "late_reason",
            "sessions",
        ]
        read_only_fields = fields

    @cached_property
    def _session_rows(self) -> serializers.ListSerializer:
        # One list serializer for every visit listed: its fields are built once, not per row.
        return SessionSerializer(many=True)

    @extend_schema_field(SessionSerializer(many=True))
    def get_sessions(self, obj: Visit) -> list[dict]:
        live = [s for s in obj.sessions.all() if not s.cancelled or obj.status == "cancelled"]
        return self._session_rows.to_representation(sorted(live, key=lambda s: s.start))


class VisitOptionsQuerySerializer(Serializer):
    count = StrictIntegerField(min_value=1, max_value=50, required=False, default=10)
    not_before = serializers.DateTimeField(required=False)
    order = serializers.ChoiceField(choices=["fixed", "any"], required=False, default="fixed")
    agencies = StrictCharField(required=False, help_text="Agency codes, comma-separated.")
    durations = StrictCharField(required=False, help_text="code:minutes pairs, e.g. health:60")
    min_gap = StrictIntegerField(min_value=0, max_value=240, required=False)
    max_gap = StrictIntegerField(min_value=0, max_value=240, required=False)
    respect_unavailable = serializers.ChoiceField(
        choices=["true", "false"], required=False, default="false"
    )

    def to_internal_value(self, data):
        # Query strings carry text: read the numbers before the strict fields see them.
        values = {}
        for key, value in data.items():
            if key in {"count", "min_gap", "max_gap"}:
                if not value.isdigit():
                    raise serializers.ValidationError({key: ["Must be a whole number."]})
                value = int(value)
            values[key] = value
        return super().to_internal_value(values)

    def validate_agencies(self, value: str) -> list[Agency]:
        codes = [c.strip() for c in value.split(",") if c.strip()]
        found = {a.code: a for a in Agency.objects.filter(code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown or not codes:
            raise serializers.ValidationError(f"Unknown agency: {', '.join(unknown) or value}.")
        if len(set(codes)) != len(codes):
            raise serializers.ValidationError("Each agency may appear once.")
        return [found[c] for c in codes]

    def validate_durations(self, value: str) -> dict[str, int]:
        out = {}
        for part in value.split(","):
            code, _, minutes = part.strip().partition(":")
            if not minutes.isdigit() or not 5 <= int(minutes) <= 240:
                raise serializers.ValidationError(
                    f"Write code:minutes with 5 to 240 minutes, not {part.strip()!r}."
                )
            out[code] = int(minutes)
        return out

    def validate(self, attrs: dict) -> dict:
        gap_lo, gap_hi = attrs.get("min_gap"), attrs.get("max_gap")
        if gap_lo is not None and gap_hi is not None and gap_lo > gap_hi:
            raise serializers.ValidationError({"max_gap": ["Must not be below min_gap."]})
        return attrs


class PlannedSessionSerializer(serializers.Serializer):
    agency = serializers.CharField()
    practitioner = serializers.IntegerField()
    practitioner_name = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class VisitOptionSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    room = serializers.IntegerField()
    room_name = serializers.CharField()
    outside_unavailable = serializers.BooleanField()
    sessions = PlannedSessionSerializer(many=True)


class VisitOptionsSerializer(serializers.Serializer):
    options = VisitOptionSerializer(many=True)
    after_deadline = VisitOptionSerializer(many=True)
    reasons = serializers.ListField(child=serializers.CharField())


def visit_options_data(found) -> dict:
    """Engine options (minutes, ids) as the contract's JSON (datetimes, names)."""

    def option(o) -> dict:
        room = found.rooms[o.room]
        return {
            "start": from_minutes(o.start),
            "end": from_minutes(o.end),
            "room": o.room,
            "room_name": str(room),
            "outside_unavailable": o.outside_unavailable,
            "sessions": [
                {
                    "agency": p.agency,
                    "practitioner": p.practitioner,
                    "practitioner_name": found.practitioners[p.practitioner].name,
                    "start": from_minutes(p.start),
                    "end": from_minutes(p.end),
                }
                for p in o.sessions
            ],
        }

    return VisitOptionsSerializer(
        {
            "options": [option(o) for o in found.options],
            "after_deadline": [option(o) for o in found.after_deadline],
            "reasons": found.reasons,
        }
    ).data
