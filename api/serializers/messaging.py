"""Serializers for texts, replies, templates and the Twilio webhooks' forms."""

from __future__ import annotations

from rest_framework import serializers

from api.fields import ModelSerializer, StrictBooleanField, StrictCharField
from screening.messaging.text import check_template
from screening.models import InboundMessage, Message, MessageTemplate
from screening.phone import mask_mobile


class MessageSerializer(ModelSerializer):
    to = serializers.SerializerMethodField(help_text="The number, masked but for its last digits.")
    visit = serializers.IntegerField(source="visit_id", read_only=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "visit",
            "visit_version",
            "purpose",
            "recipient",
            "to",
            "send_at",
            "status",
            "body",
            "language",
            "easy_read",
            "attempts",
            "sent_at",
            "last_error",
        ]
        read_only_fields = fields

    def get_to(self, message: Message) -> str:
        return mask_mobile(message.to)


class ReplySerializer(ModelSerializer):
    from_number = serializers.SerializerMethodField()
    visit = serializers.IntegerField(source="visit_id", read_only=True, allow_null=True)

    class Meta:
        model = InboundMessage
        fields = ["id", "visit", "from_number", "body", "kind", "received_at"]
        read_only_fields = fields

    def get_from_number(self, reply: InboundMessage) -> str:
        return mask_mobile(reply.from_number)


class MessageTemplateSerializer(ModelSerializer):
    body = StrictCharField(max_length=1000)
    easy_read = StrictBooleanField(required=False, default=False)
    encoding = serializers.SerializerMethodField()
    segments = serializers.SerializerMethodField()
    length_warning = serializers.SerializerMethodField()

    class Meta:
        model = MessageTemplate
        fields = [
            "id",
            "purpose",
            "language",
            "easy_read",
            "body",
            "encoding",
            "segments",
            "length_warning",
            "updated_at",
        ]
        read_only_fields = ["id", "updated_at"]
        validators: list = []  # a duplicate variant is answered in perform_create

    def _length(self, template: MessageTemplate):
        return check_template(
            purpose=template.purpose,
            body=template.body,
            language=template.language,
            refuse_long=False,  # a stored wording is shown, never refused here
        )

    def get_encoding(self, template: MessageTemplate) -> str:
        return self._length(template).encoding

    def get_segments(self, template: MessageTemplate) -> int:
        return self._length(template).segments

    def get_length_warning(self, template: MessageTemplate) -> str:
        return self._length(template).warning

    def validate(self, attrs: dict) -> dict:
        instance = self.instance
        if instance is not None:
            for name in ("purpose", "language", "easy_read"):
                if name in attrs and attrs[name] != getattr(instance, name):
                    raise serializers.ValidationError(
                        {name: ["Create a new template for another variant."]}
                    )
        return attrs


class InboundFormSerializer(serializers.Serializer):
    MessageSid = serializers.CharField(max_length=64)
    From = serializers.CharField(max_length=20)
    Body = serializers.CharField(allow_blank=True, max_length=1600, trim_whitespace=False)


class StatusFormSerializer(serializers.Serializer):
    MessageSid = serializers.CharField(max_length=64)
    MessageStatus = serializers.CharField(max_length=20)
    ErrorCode = serializers.CharField(required=False, allow_blank=True, max_length=10)


class StatusQuerySerializer(serializers.Serializer):
    m = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
