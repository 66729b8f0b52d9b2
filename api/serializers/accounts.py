"""Serializers for tokens and users."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import AccountEvent, PrivilegeRequest, Role, User
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


class PendingChangeSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.username", default=None)

    class Meta:
        model = PrivilegeRequest
        fields = ["id", "role", "requested_by", "requested_at"]


class UserSerializer(ModelSerializer):
    password = StrictCharField(
        write_only=True, max_length=200, trim_whitespace=False, required=False
    )
    role = serializers.ChoiceField(choices=Role.choices)
    pending_change = serializers.SerializerMethodField(
        help_text=(
            "A change that would let this login read findings (a role, or reactivating it) "
            "waits here until a YOT manager approves it; `role` and `is_active` are what "
            "holds meanwhile."
        )
    )

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
            "pending_change",
        ]
        read_only_fields = ["id", "pending_change"]

    @extend_schema_field(PendingChangeSerializer(allow_null=True))
    def get_pending_change(self, obj: User) -> dict | None:
        if hasattr(obj, "pending"):
            pending = obj.pending[0] if obj.pending else None
        else:
            pending = (
                obj.privilege_requests.filter(status=PrivilegeRequest.Status.PENDING)
                .select_related("requested_by")
                .first()
            )
        return PendingChangeSerializer(pending).data if pending else None

    def validate(self, attrs: dict) -> dict:
        if self.instance is None and not attrs.get("password"):
            raise serializers.ValidationError({"password": ["A new login needs a password."]})
        return attrs


class SetupCodeSerializer(serializers.Serializer):
    setup_code = serializers.CharField(
        help_text="Give this to the user by hand; it is shown once and works once."
    )
    expires = serializers.DateTimeField()


class PrivilegeRequestSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")
    requested_by = serializers.CharField(source="requested_by.username", default=None)
    decided_by = serializers.CharField(source="decided_by.username", default=None)

    class Meta:
        model = PrivilegeRequest
        fields = [
            "id",
            "user",
            "username",
            "role",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "reason",
        ]


class RefuseSerializer(Serializer):
    reason = StrictCharField(max_length=500, required=False, allow_blank=True)


class AccountEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccountEvent
        fields = ["id", "at", "actor", "actor_username", "user", "username", "kind", "detail"]
