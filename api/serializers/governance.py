"""Serializers for the retention schedule: the dry run, disposal batches and their items."""

from __future__ import annotations

from rest_framework import serializers

from api.fields import ModelSerializer
from screening.models import DisposalBatch, DisposalItem


class DueCaseSerializer(serializers.Serializer):
    """One line of the dry run."""

    case = serializers.IntegerField(source="case_id")
    reference = serializers.CharField()
    order_type = serializers.CharField()
    rule = serializers.CharField()
    last_action_on = serializers.DateField()
    due_on = serializers.DateField()
    action = serializers.ChoiceField(choices=["reduce", "dispose"])


class DisposalItemSerializer(ModelSerializer):
    reference = serializers.CharField(source="case.reference", read_only=True)

    class Meta:
        model = DisposalItem
        fields = ["case", "reference", "action", "rule", "last_action_on", "due_on", "outcome"]
        read_only_fields = fields


class DisposalBatchSerializer(ModelSerializer):
    items = DisposalItemSerializer(many=True, read_only=True)
    confirmed_by = serializers.IntegerField(
        source="confirmed_by_id", read_only=True, allow_null=True
    )

    class Meta:
        model = DisposalBatch
        fields = [
            "id",
            "status",
            "due_on",
            "proposed_at",
            "confirmed_at",
            "confirmed_by",
            "confirmed_by_name",
            "reduced",
            "disposed",
            "failed",
            "items",
        ]
        read_only_fields = fields
