"""Serializers for reviews and significant new information."""

from __future__ import annotations

from rest_framework import serializers

from api.fields import Serializer, StrictCharField, WindowDateField
from screening.assessment.reviews import SUMMARY_LIMIT
from screening.models import NewInformation, NewInformationKind, Review


class NewInformationSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id", read_only=True)
    recorded_by = serializers.IntegerField(source="recorded_by_id", allow_null=True)
    recorded_by_name = serializers.SerializerMethodField()
    review = serializers.IntegerField(source="review_id")

    class Meta:
        model = NewInformation
        fields = [
            "id",
            "case",
            "kind",
            "summary",
            "received_on",
            "recorded_at",
            "recorded_by",
            "recorded_by_name",
            "review",
        ]

    def get_recorded_by_name(self, item: NewInformation) -> str | None:
        person = item.recorded_by
        return None if person is None else (person.get_full_name() or person.username)


class NewInformationInputSerializer(Serializer):
    kind = serializers.ChoiceField(choices=NewInformationKind.choices)
    summary = StrictCharField(max_length=SUMMARY_LIMIT)
    received_on = WindowDateField()


class ReviewSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id", read_only=True)
    new_information = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField(
        help_text="Not signed off and past its due date (today in the YOT's zone)."
    )
    from_version = serializers.IntegerField(source="from_version.version", default=None)
    version = serializers.IntegerField(source="version.version", default=None)

    class Meta:
        model = Review
        fields = [
            "id",
            "case",
            "reason",
            "due_by",
            "status",
            "overdue",
            "started_on",
            "signed_off_on",
            "late_reason",
            "new_information",
            "from_version",
            "version",
        ]

    def get_new_information(self, review: Review) -> list[int]:
        return sorted(item.pk for item in review.new_information.all())

    def get_overdue(self, review: Review) -> bool:
        return review.is_overdue()


class ReviewLateReasonSerializer(serializers.Serializer):
    late_reason = serializers.CharField(
        max_length=1000, help_text="Why the review was (or is being) signed off after its due date."
    )
