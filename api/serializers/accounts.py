"""Serializers for tokens and users."""

from __future__ import annotations

from rest_framework import serializers

from accounts.models import Role, User
from api.fields import (
    ModelSerializer,
    Serializer,
    StrictCharField,
)


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
