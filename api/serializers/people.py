"""Serializers for young people and cases."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Role, User
from agencies.languages import LANGUAGE_CHOICES
from api.fields import (
    ModelSerializer,
    StrictBooleanField,
    StrictCharField,
    at_most,
)
from api.serializers.base import viewer, weekday_field
from screening.access import can
from screening.assessment.review_selectors import review_to_book
from screening.messaging.selectors import NumberState, number_states_of
from screening.models import (
    Case,
    ParentCarerUnavailableTime,
    UnavailableTime,
    YoungPerson,
)
from screening.people.young_people import COMMUNICATION_NEEDS_LIMIT, UNAVAILABLE_LIMIT


class UnavailableSerializer(ModelSerializer):
    weekdays = serializers.ListField(child=weekday_field(), min_length=1, max_length=7)

    class Meta:
        model = UnavailableTime
        fields = ["weekdays", "start_time", "end_time"]


class ParentCarerUnavailableSerializer(UnavailableSerializer):
    class Meta(UnavailableSerializer.Meta):
        model = ParentCarerUnavailableTime


class NumberStateSerializer(serializers.Serializer):
    """One number's state for texts (read only)."""

    state = serializers.ChoiceField(
        choices=["consenting", "no_consent", "opted_out", "invalid"],
        read_only=True,
        help_text="consenting: texts go; no_consent: none agreed; opted_out: the number "
        "replied STOP (texts again after START); invalid: it cannot receive texts.",
    )
    since = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="When the number opted out, in or was found invalid.",
    )
    how = serializers.CharField(read_only=True, help_text="How, e.g. opted out via reply 'STOP'.")


class YoungPersonListSerializer(serializers.ListSerializer):
    """Reads every listed number's state in one query (number_states_of)."""

    def to_representation(self, data):
        people = list(data.all() if hasattr(data, "all") else data)
        self.context.setdefault("number_states", {}).update(number_states_of(people))
        return super().to_representation(people)


def _number_state_field(number: str) -> serializers.SerializerMethodField:
    return serializers.SerializerMethodField(
        help_text=f"The state for texts of `{number}` (null without a number); "
        "`sms_consent` stays what was agreed, this says whether texts may go now."
    )


class YoungPersonSerializer(ModelSerializer):
    mobile = StrictCharField(
        max_length=30, allow_blank=True, required=False, help_text="UK formats in, E.164 out."
    )
    parent_carer_mobile = StrictCharField(max_length=30, allow_blank=True, required=False)
    communication_needs = StrictCharField(
        max_length=COMMUNICATION_NEEDS_LIMIT, allow_blank=True, required=False
    )
    unavailable = UnavailableSerializer(
        many=True,
        required=False,
        max_length=UNAVAILABLE_LIMIT,
        error_messages=at_most(UNAVAILABLE_LIMIT, "unavailable times"),
    )
    parent_carer_must_attend = StrictBooleanField(
        allow_null=True,
        required=False,
        help_text="Whether a parent or carer must come to the visit. null (the default): by "
        "age, true for each case whose order starts before the young person's 16th birthday; "
        "true or false: the admin's decision for every case. Each case's "
        "`parent_carer_must_attend` gives the result.",
    )
    parent_carer_unavailable = ParentCarerUnavailableSerializer(
        many=True,
        required=False,
        max_length=UNAVAILABLE_LIMIT,
        error_messages=at_most(UNAVAILABLE_LIMIT, "unavailable times"),
        help_text="The parent or carer's usual unavailable times, avoided as the young "
        "person's are when they must attend.",
    )
    interpreter_needed = StrictBooleanField(
        required=False,
        help_text="The visit holds an interpreter for `interpreter_language` for its whole span.",
    )
    interpreter_language = serializers.ChoiceField(
        choices=LANGUAGE_CHOICES,
        allow_blank=True,
        required=False,
        help_text="ISO 639-1 code of the language the interpreter works in (`language` stays "
        "the language of the texts: en or cy).",
    )
    mobile_status = _number_state_field("mobile")
    parent_carer_mobile_status = _number_state_field("parent_carer_mobile")
    confirm_not_duplicate = StrictBooleanField(
        write_only=True,
        required=False,
        help_text="Save although someone with the same name and date of birth is registered "
        "(without it that answers 409 naming them).",
    )

    class Meta:
        model = YoungPerson
        list_serializer_class = YoungPersonListSerializer
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
            "parent_carer_must_attend",
            "communication_needs",
            "language",
            "interpreter_needed",
            "interpreter_language",
            "unavailable",
            "parent_carer_unavailable",
            "mobile_status",
            "parent_carer_mobile_status",
            "confirm_not_duplicate",
        ]
        read_only_fields = ["id"]

    def _number_state(self, obj: YoungPerson, which: str) -> dict | None:
        states = self.context.setdefault("number_states", {})
        if obj.pk not in states:
            states.update(number_states_of([obj]))
        state: NumberState | None = states[obj.pk][which]
        return None if state is None else NumberStateSerializer(state).data

    @extend_schema_field(NumberStateSerializer(allow_null=True))
    def get_mobile_status(self, obj: YoungPerson) -> dict | None:
        return self._number_state(obj, "mobile")

    @extend_schema_field(NumberStateSerializer(allow_null=True))
    def get_parent_carer_mobile_status(self, obj: YoungPerson) -> dict | None:
        return self._number_state(obj, "parent_carer_mobile")


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
    parent_carer_must_attend = serializers.BooleanField(
        read_only=True,
        help_text="Whether a parent or carer must attend this case's visit: the young "
        "person's `parent_carer_must_attend`, or when that is null, under 16 on "
        "`order_start_date`.",
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
            "parent_carer_must_attend",
        ]
        read_only_fields = [
            "id",
            "reference",
            "visit_due_by",
            "findings_due_by",
            "assessment_due_by",
        ]


class ReviewToBookSerializer(serializers.Serializer):
    """The case's open review, as much as booking its review visit needs (read only)."""

    id = serializers.IntegerField(
        read_only=True,
        help_text="Pass as `review` to `/cases/{id}/visit-options/` and `POST /visits/`.",
    )
    due_by = serializers.DateField(
        read_only=True, help_text="The review visit's deadline (the review's due date)."
    )


class CaseDetailSerializer(CaseSerializer):
    """One case (`GET /cases/{id}/`): the list's fields, plus the open review a YOT admin
    books a visit for."""

    review_to_book = serializers.SerializerMethodField(
        help_text="For those who book visits (yot_admin): the case's open review "
        "`{id, due_by}`, null when none is open; null for every other role (they read "
        "`/cases/{id}/reviews/`). Only the id and due date: no reason, status or new "
        "information. Each read is audit-logged."
    )

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "review_to_book"]

    @extend_schema_field(ReviewToBookSerializer(allow_null=True))
    def get_review_to_book(self, case: Case) -> dict | None:
        user = viewer(self)
        if user is None or not can(user, "visit_options", "read"):
            return None
        review = review_to_book(user=user, case=case)
        return None if review is None else ReviewToBookSerializer(review).data
