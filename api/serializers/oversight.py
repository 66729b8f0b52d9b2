"""Management oversight: notes on a case and the lists of what needs a YOT manager."""

from __future__ import annotations

from rest_framework import serializers

from api.fields import Serializer, StrictCharField
from screening.models import OVERSIGHT_NOTE_LIMIT, OversightNote


class OversightNoteSerializer(serializers.ModelSerializer):
    author = serializers.IntegerField(source="author_id", read_only=True)
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = OversightNote
        fields = ["id", "case", "text", "created_at", "author", "author_name", "author_role"]
        read_only_fields = fields

    def get_author_name(self, note: OversightNote) -> str:
        return note.author.get_full_name() or note.author.username


class OversightNoteInputSerializer(Serializer):
    text = StrictCharField(max_length=OVERSIGHT_NOTE_LIMIT, allow_blank=True, trim_whitespace=False)


class OversightRowSerializer(Serializer):
    """What every row gives; each list adds its own fields (see the API's README section)."""

    case = serializers.IntegerField()
    reference = serializers.CharField()
    initials = serializers.CharField()
    due_by = serializers.DateField(allow_null=True)
    days_overdue = serializers.IntegerField(help_text="Whole days past due_by; 0 when not past.")
