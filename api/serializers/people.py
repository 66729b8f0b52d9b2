"""Serializers for young people and cases."""

from __future__ import annotations

from rest_framework import serializers

from accounts.models import Role, User
from api.fields import (
    ModelSerializer,
    StrictBooleanField,
    StrictCharField,
    at_most,
)
from api.serializers.base import weekday_field
from screening.models import (
    Case,
    UnavailableTime,
    YoungPerson,
)
from screening.people.young_people import COMMUNICATION_NEEDS_LIMIT, UNAVAILABLE_LIMIT


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
    communication_needs = StrictCharField(
        max_length=COMMUNICATION_NEEDS_LIMIT, allow_blank=True, required=False
    )
    unavailable = UnavailableSerializer(
        many=True,
        required=False,
        max_length=UNAVAILABLE_LIMIT,
        error_messages=at_most(UNAVAILABLE_LIMIT, "unavailable times"),
    )
    confirm_not_duplicate = StrictBooleanField(
        write_only=True,
        required=False,
        help_text="Save although someone with the same name and date of birth is registered "
        "(without it that answers 409 naming them).",
    )

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
            "confirm_not_duplicate",
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
