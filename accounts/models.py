"""Users, their one role, and expiring API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    YOT_ADMIN = "yot_admin", "YOT admin"
    CASE_MANAGER = "case_manager", "Case manager"
    YOT_MANAGER = "yot_manager", "YOT manager"
    PRACTITIONER = "practitioner", "Agency practitioner"
    SYSTEM_ADMIN = "system_admin", "System administrator"


class User(AbstractUser):
    """A login with exactly one role (API.md's role table)."""

    role = models.CharField(max_length=20, choices=Role.choices)

    REQUIRED_FIELDS = ["email", "role"]

    class Meta:
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="user_role_valid"
            )
        ]

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles


def hash_token_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def live(self) -> ApiTokenQuerySet:
        return self.filter(expires__gt=timezone.now(), user__is_active=True)


class ApiToken(models.Model):
    """An API token; only its hash is stored, it expires, and it dies with the account."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField()

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["expires"])]

    def __str__(self) -> str:
        return f"token for {self.user} until {self.expires:%Y-%m-%d %H:%M}"

    @classmethod
    def issue(cls, *, user: User) -> tuple[ApiToken, str]:
        """Create a token for the user; the plain key is returned once and never stored."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            key_hash=hash_token_key(key),
            expires=timezone.now() + timedelta(hours=settings.API_TOKEN_HOURS),
        )
        return token, key

    def is_expired(self) -> bool:
        return self.expires <= timezone.now()
