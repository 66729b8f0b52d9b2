"""Serializers for visits, sessions, attendance and visit options."""

from __future__ import annotations

from dataclasses import replace

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies.models import Agency, Interpreter, Practitioner
from api.fields import (
    Serializer,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    WindowDateTimeField,
    at_most,
)
from api.serializers.base import viewer
from screening.access import sees_attendance_reason
from screening.booking.bring_forward import current_visit_of
from screening.booking.services import REASON_LIMIT, SESSIONS_LIMIT, check_review
from screening.models import (
    Case,
    Review,
    Room,
    Session,
    Venue,
    Visit,
    VisitHistory,
)
from screening.scheduling.expand import from_minutes
from screening.scheduling.search import GAP_LIMIT_MINUTES


def gap_field(name: str) -> StrictIntegerField:
    """A gap between sessions, within the limit the pages apply too."""
    words = f"{name} must be from 0 to {GAP_LIMIT_MINUTES} minutes."
    return StrictIntegerField(
        min_value=0,
        max_value=GAP_LIMIT_MINUTES,
        required=False,
        error_messages={"min_value": words, "max_value": words},
    )


class SessionInputSerializer(Serializer):
    """One session asked for. The agency and practitioner are looked up for all the
    sessions at once (`resolve_sessions`), not one query each."""

    agency = StrictCharField(max_length=50, help_text="The agency's code, e.g. health.")
    practitioner = serializers.IntegerField(min_value=1, help_text="The practitioner's id.")
    start = WindowDateTimeField()
    end = WindowDateTimeField(required=False)


def resolve_sessions(rows: list[dict]) -> list[dict]:
    """The sessions with their agency and practitioner rows in place of the code and id:
    two queries for any number of sessions; every unknown one named, row by row."""
    agencies = {a.code: a for a in Agency.objects.all()}
    practitioners = Practitioner.objects.in_bulk({row["practitioner"] for row in rows})
    errors: list[dict[str, list[str]]] = []
    resolved = []
    for row in rows:
        agency = agencies.get(row["agency"])
        practitioner = practitioners.get(row["practitioner"])
        problems: dict[str, list[str]] = {}
        if agency is None:
            problems["agency"] = [f'No agency has the code "{row["agency"]}".']
        if practitioner is None:
            problems["practitioner"] = [f"No practitioner has the id {row['practitioner']}."]
        errors.append(problems)
        resolved.append({**row, "agency": agency, "practitioner": practitioner})
    if any(errors):
        raise serializers.ValidationError(errors)
    return resolved


def room_field() -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=Room.objects.all(),
        required=False,
        allow_null=True,
        help_text="The room; left out (or null) for a home or school visit, given by `venue`.",
    )


def venue_field() -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=Venue.objects.all(),
        required=False,
        allow_null=True,
        help_text="A home or school venue (kind `home` or `school`): the visit needs no "
        "room. With a room, the room's venue (it may be left out).",
    )


class VisitInputSerializer(Serializer):
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all())
    room = room_field()
    venue = venue_field()
    sessions = SessionInputSerializer(
        many=True,
        allow_empty=False,
        max_length=SESSIONS_LIMIT,
        error_messages=at_most(SESSIONS_LIMIT, "sessions"),
    )
    late_reason = StrictCharField(max_length=REASON_LIMIT, allow_blank=True, required=False)
    min_gap = gap_field("min_gap")
    max_gap = gap_field("max_gap")
    interpreter = serializers.PrimaryKeyRelatedField(
        queryset=Interpreter.objects.all(),
        allow_null=True,
        required=False,
        help_text="The interpreter held for the visit's whole span (needed when the young "
        "person needs one); on a reschedule, left out keeps the visit's own.",
    )
    review = serializers.PrimaryKeyRelatedField(
        queryset=Review.objects.all(),
        required=False,
        allow_null=True,
        help_text="The case's open review this visit is for: due by the review's due date.",
    )

    def validate_sessions(self, rows: list[dict]) -> list[dict]:
        return resolve_sessions(rows)

    def validate(self, attrs: dict) -> dict:
        review, case = attrs.get("review"), attrs.get("case")
        if review is not None and case is not None:
            try:
                check_review(case=case, review=review)
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.message_dict) from error
        return attrs


class RescheduleInputSerializer(VisitInputSerializer):
    """POST visits' body (API.md: the same body), `case` optional and only the visit's own,
    plus why the visit moves."""

    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all(), required=False)
    reason = StrictCharField(
        max_length=REASON_LIMIT,
        allow_blank=True,
        required=False,
        help_text="Why the visit moves, kept in its history.",
    )

    def validate_case(self, value: Case) -> Case:
        visit = self.context["visit"]
        if value.pk != visit.case_id:
            raise serializers.ValidationError("This is not the visit's case.")
        return value


class RebookInputSerializer(Serializer):
    """A missed session's one-session rebooking: where, with whom, when, and why; after the
    rebooking's own deadline also why so late."""

    room = room_field()
    venue = venue_field()
    practitioner = serializers.PrimaryKeyRelatedField(queryset=Practitioner.objects.all())
    start = WindowDateTimeField()
    end = WindowDateTimeField(required=False)
    reason = StrictCharField(max_length=REASON_LIMIT, help_text="Why the session is rebooked.")
    late_reason = StrictCharField(max_length=REASON_LIMIT, allow_blank=True, required=False)
    interpreter = serializers.PrimaryKeyRelatedField(
        queryset=Interpreter.objects.all(), allow_null=True, required=False
    )


class CancelInputSerializer(Serializer):
    reason = StrictCharField(max_length=REASON_LIMIT)


class AttendanceInputSerializer(Serializer):
    attended = StrictBooleanField()
    reason = StrictCharField(max_length=REASON_LIMIT, allow_blank=True, required=False)


class SessionSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    practitioner_name = serializers.CharField(source="practitioner.name", read_only=True)
    attendance_reason = serializers.SerializerMethodField(
        help_text="Why the session was missed; empty for a practitioner of another agency "
        "(need to know, as findings)."
    )

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

    def get_attendance_reason(self, obj: Session) -> str:
        user = viewer(self)
        if user is None or not sees_attendance_reason(user, obj):
            return ""
        return obj.attendance_reason


class VisitSerializer(serializers.ModelSerializer):
    sessions = serializers.SerializerMethodField()
    room_name = serializers.SerializerMethodField()
    venue_name = serializers.CharField(source="venue.name", read_only=True)
    interpreter_name = serializers.CharField(
        source="interpreter.name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Visit
        fields = [
            "id",
            "case",
            "room",
            "room_name",
            "venue",
            "venue_name",
            "interpreter",
            "interpreter_name",
            "status",
            "version",
            "start",
            "end",
            "cancel_reason",
            "late_reason",
            "rebook_of",
            "rebook_reason",
            "review",
            "sessions",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_room_name(self, obj: Visit) -> str | None:
        """The room with its venue; null for a home or school visit (no room)."""
        return str(obj.room) if obj.room_id is not None else None

    @cached_property
    def _session_rows(self) -> serializers.ListSerializer:
        # One list serializer for every visit listed: its fields are built once, not per row.
        return SessionSerializer(many=True, context=self.context)

    @extend_schema_field(SessionSerializer(many=True))
    def get_sessions(self, obj: Visit) -> list[dict]:
        live = [s for s in obj.sessions.all() if not s.cancelled or obj.status == "cancelled"]
        return self._session_rows.to_representation(sorted(live, key=lambda s: s.start))


class VisitChangeSerializer(serializers.Serializer):
    field = serializers.CharField(
        help_text="What changed: start, end, room, status, or sessions.<agency>.<what>."
    )
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class VisitHistorySerializer(serializers.Serializer):
    """One change to a visit: who, when, what changed and why."""

    version = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=VisitHistory.Kind.choices)
    at = serializers.DateTimeField()
    by = serializers.IntegerField(allow_null=True, help_text="The user who made the change.")
    by_name = serializers.CharField(allow_null=True)
    reason = serializers.CharField(help_text="Why the change was made.")
    late_reason = serializers.CharField(
        help_text="Why the visit is after its deadline, when given with the change."
    )
    changes = VisitChangeSerializer(many=True)


class VisitOptionsQuerySerializer(Serializer):
    count = StrictIntegerField(min_value=1, max_value=50, required=False, default=10)
    not_before = WindowDateTimeField(required=False)
    order = serializers.ChoiceField(choices=["fixed", "any"], required=False, default="fixed")
    agencies = StrictCharField(
        max_length=200, required=False, help_text="Agency codes, comma-separated."
    )
    durations = StrictCharField(
        max_length=500, required=False, help_text="code:minutes pairs, e.g. health:60"
    )
    venues = StrictCharField(
        max_length=500,
        required=False,
        help_text="Venue ids, comma-separated: search their rooms at once, and a home or "
        "school venue as a place needing no room (default: every active room).",
    )
    min_gap = gap_field("min_gap")
    max_gap = gap_field("max_gap")
    review = StrictIntegerField(
        min_value=1,
        required=False,
        help_text="Search for a visit for this review of the case: options before its due date.",
    )
    respect_unavailable = serializers.ChoiceField(
        choices=["true", "false"], required=False, default="false"
    )
    spread = serializers.ChoiceField(
        choices=["true", "false"],
        required=False,
        default="true",
        help_text="true: at most 3 options a day, 2 hours apart, earliest first; false: every "
        "start from the earliest (with not_before, to see one day's times).",
    )

    def to_internal_value(self, data):
        # Query strings carry text: read the numbers before the strict fields see them.
        values = {}
        for key, value in data.items():
            if key in {"count", "min_gap", "max_gap", "review"}:
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

    def validate_venues(self, value: str) -> list[Venue]:
        """Known venue ids, each once; the error names the unknown ones."""
        parts = [p.strip() for p in value.split(",") if p.strip()]
        bad = [p for p in parts if not p.isdigit()]
        ids = [int(p) for p in parts if p.isdigit()]
        found = {v.pk: v for v in Venue.objects.filter(pk__in=ids)} if ids else {}
        unknown = bad + [str(i) for i in ids if i not in found]
        if unknown or not parts:
            raise serializers.ValidationError(f"Unknown venue: {', '.join(unknown) or value}.")
        return [found[i] for i in dict.fromkeys(ids)]

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


class OptionInterpreterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TimeSpanSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class VisitOptionSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    room = serializers.IntegerField(
        allow_null=True, help_text="Null for a home or school visit: it needs no room."
    )
    room_name = serializers.CharField(allow_null=True)
    venue = serializers.IntegerField(help_text="The room's venue, or the home or school's.")
    venue_name = serializers.CharField()
    venue_kind = serializers.CharField()
    venue_text_name = serializers.CharField(help_text="What texts call the venue.")
    outside_unavailable = serializers.BooleanField()
    clashes_with_unavailable = serializers.BooleanField(
        help_text="The visit overlaps the young person's usual unavailable times."
    )
    unavailable_clashes = TimeSpanSerializer(
        many=True, help_text="The unavailable times the visit overlaps (empty when none)."
    )
    clashes_with_parent_carer_unavailable = serializers.BooleanField(
        help_text="The visit overlaps the parent or carer's usual unavailable times (only "
        "when they must attend; `outside_unavailable` counts both)."
    )
    parent_carer_unavailable_clashes = TimeSpanSerializer(
        many=True, help_text="The parent or carer's unavailable times the visit overlaps."
    )
    sessions = PlannedSessionSerializer(many=True)
    interpreter = OptionInterpreterSerializer(
        allow_null=True,
        help_text="The interpreter held for the whole span, when the young person needs one.",
    )


class VisitOptionsSerializer(serializers.Serializer):
    options = VisitOptionSerializer(many=True)
    after_deadline = VisitOptionSerializer(many=True)
    reasons = serializers.ListField(child=serializers.CharField())


def _spans(minutes: list[tuple[int, int]]) -> list[dict]:
    return [{"start": from_minutes(s), "end": from_minutes(e)} for s, e in minutes]


def visit_options_data(found) -> dict:
    """Engine options (minutes, ids) as the contract's JSON (datetimes, names)."""

    def option(o) -> dict:
        room, venue = found.place(o)
        clashes = found.clashes(o)
        carer = found.carer_clashes(o)
        return {
            "start": from_minutes(o.start),
            "end": from_minutes(o.end),
            "room": room.pk if room is not None else None,
            "room_name": str(room) if room is not None else None,
            "venue": venue.pk,
            "venue_name": venue.name,
            "venue_kind": venue.kind,
            "venue_text_name": venue.name_for_texts,
            "outside_unavailable": o.outside_unavailable,
            "clashes_with_unavailable": bool(clashes),
            "unavailable_clashes": _spans(clashes),
            "clashes_with_parent_carer_unavailable": bool(carer),
            "parent_carer_unavailable_clashes": _spans(carer),
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
            "interpreter": None
            if o.interpreter is None
            else {"id": o.interpreter, "name": found.interpreters[o.interpreter].name},
        }

    return VisitOptionsSerializer(
        {
            "options": [option(o) for o in found.options],
            "after_deadline": [option(o) for o in found.after_deadline],
            "reasons": found.reasons,
        }
    ).data


class FreedSlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    venue = serializers.IntegerField(help_text="Where the visit that freed it was.")
    room = serializers.IntegerField(
        allow_null=True, help_text="Its room; null for a home or school visit (no room)."
    )
    travel_minutes = serializers.IntegerField(
        help_text="The journey to the venue and back, freed with the visit's span: the "
        "practitioners' time freed runs from this long before start to this long after end."
    )
    freed_at = serializers.DateTimeField()
    cause = serializers.ChoiceField(choices=["cancelled", "rescheduled"])


class CurrentVisitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class BringForwardSerializer(serializers.Serializer):
    visit_due_by = serializers.DateField()
    current_visit = CurrentVisitSerializer(
        allow_null=True, help_text="The booked visit an option would replace (null: none)."
    )
    options = VisitOptionSerializer(
        many=True,
        help_text="Earlier visits inside time a cancellation or move freed: POST one to "
        "/visits/ (no current visit) or to /visits/{id}/reschedule/; both re-check it.",
    )
    freed_slots = FreedSlotSerializer(many=True, help_text="The freed time each option uses.")
    reasons = serializers.ListField(child=serializers.CharField())


def bring_forward_data(case, offer) -> dict:
    """A case's bring-forward offer (or none) as JSON."""
    current = offer.current if offer is not None else current_visit_of(case)
    data = {
        "visit_due_by": case.visit_due_by,
        "current_visit": None
        if current is None
        else {"id": current.pk, "start": current.start, "end": current.end},
        "options": [],
        "freed_slots": [],
        "reasons": [],
    }
    if offer is None:
        data["reasons"] = [
            "No earlier time freed by a cancellation fits this case, or it needs none "
            "(its visit is booked by the day it is due)."
        ]
        return data
    data["options"] = visit_options_data(replace(offer.found, options=[offer.option]))["options"]
    slot = offer.slot
    data["freed_slots"] = [
        {
            "start": slot.start,
            "end": slot.end,
            "venue": slot.venue_id,
            "room": slot.room_id,
            "travel_minutes": slot.venue.travel_minutes,
            "freed_at": slot.freed_at,
            "cause": slot.cause,
        }
    ]
    return data
