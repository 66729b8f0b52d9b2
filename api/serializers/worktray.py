"""Serializers for admin tasks."""

from __future__ import annotations

from rest_framework import serializers

from api.fields import ModelSerializer
from screening.models import AdminTask


class AdminTaskSerializer(ModelSerializer):
    case_reference = serializers.CharField(source="case.reference", read_only=True, default=None)
    done_by = serializers.IntegerField(source="done_by_id", read_only=True, allow_null=True)

    class Meta:
        model = AdminTask
        fields = [
            "id",
            "kind",
            "case",
            "case_reference",
            "visit",
            "message",
            "text",
            "created_at",
            "done_at",
            "done_by",
        ]
        read_only_fields = fields
