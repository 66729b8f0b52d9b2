"""Users, their one role, expiring API tokens, the trail of every privilege change, changes
waiting for a YOT manager's approval, and two-factor setup codes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy


class Role(models.TextChoices):
    YOT_ADMIN = "yot_admin", gettext_lazy("YOT admin")
    CASE_MANAGER = "case_manager", gettext_lazy("Case manager")
    YOT_MANAGER = "yot_manager", gettext_lazy("YOT manager")
    PRACTITIONER = "practitioner", gettext_lazy("Agency practitioner")
    SYSTEM_ADMIN = "system_admin", gettext_lazy("System administrator")


# Roles that read findings or assessment drafts (screening/access.py's CAPABILITIES, checked
# against this by a test): granting one takes a YOT manager's approval (accounts/services.py).
FINDINGS_ROLES = frozenset({Role.PRACTITIONER, Role.CASE_MANAGER, Role.YOT_MANAGER})


class User(AbstractUser):
    """A login with exactly one role (API.md's role table)."""

    role = models.CharField(max_length=20, choices=Role.choices)
    # The organisation account (the provider's `sub`) this login was first signed in with;
    # later sign-ins must be that account, whatever email it then claims (accounts/sso.py).
    sso_subject = models.CharField(max_length=255, blank=True, default="")
    # The language the person reads the service in, set by the language switcher while signed
    # in: their emails and calendar invites are written in it
    # (screening.integrations.email.staff_language). Blank: none chosen (the service's).
    language = models.CharField(
        max_length=10, blank=True, default="", choices=[("en-gb", "English"), ("cy", "Cymraeg")]
    )

    REQUIRED_FIELDS = ["email", "role"]

    class Meta:
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="user_role_valid"
            ),
            models.UniqueConstraint(
                fields=["sso_subject"],
                condition=~models.Q(sso_subject=""),
                name="one_login_per_organisation_account",
            ),
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

    # Issued after a two-factor code was checked. A token issued without one stops working
    # once two-factor is required of its user (api/authentication.py).
    two_factor = models.BooleanField(default=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["expires"])]

    def __str__(self) -> str:
        return f"token for {self.user} until {self.expires:%Y-%m-%d %H:%M}"

    @classmethod
    def issue(cls, *, user: User, two_factor: bool = False) -> tuple[ApiToken, str]:
        """Create a token for the user; the plain key is returned once and never stored.
        `two_factor` says a code from the user's authenticator app was checked first."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            key_hash=hash_token_key(key),
            expires=timezone.now() + timedelta(hours=settings.API_TOKEN_HOURS),
            two_factor=two_factor,
        )
        return token, key

    def is_expired(self) -> bool:
        return self.expires <= timezone.now()


class AccountEvent(models.Model):
    """One privilege change: who did what to which login, when. Written by the services in
    accounts/services.py and accounts/two_factor.py, read by YOT managers; never edited."""

    class Kind(models.TextChoices):
        CREATED = "created", gettext_lazy("Login created")
        ROLE_CHANGED = "role_changed", gettext_lazy("Role changed")
        PASSWORD_SET = "password_set", gettext_lazy("Password set")
        DEACTIVATED = "deactivated", gettext_lazy("Deactivated")
        REACTIVATED = "reactivated", gettext_lazy("Reactivated")
        DELETED = "deleted", gettext_lazy("Login deleted")
        CHANGE_REQUESTED = (
            "change_requested",
            gettext_lazy("Change awaiting a YOT manager's approval"),
        )
        CHANGE_APPROVED = "change_approved", gettext_lazy("Change approved")
        CHANGE_REFUSED = "change_refused", gettext_lazy("Change refused")
        CHANGE_WITHDRAWN = "change_withdrawn", gettext_lazy("Change withdrawn")
        TWO_FACTOR_RESET = "two_factor_reset", gettext_lazy("Two-factor reset")
        SETUP_CODE_ISSUED = "setup_code_issued", gettext_lazy("Two-factor setup code issued")
        TWO_FACTOR_SET_UP = "two_factor_set_up", gettext_lazy("Authenticator app set up")
        SIGN_IN_REFUSED = "sign_in_refused", gettext_lazy("Organisation sign-in refused")

    at = models.DateTimeField(default=timezone.now)
    # Names are kept as well, so the trail still reads after a login is gone.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_username = models.CharField(max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="account_events",
    )
    username = models.CharField(max_length=150)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username}: {self.kind} {self.username}"


class PrivilegeRequest(models.Model):
    """A change that would let a login read findings (a findings-reading role, or
    reactivating a login that has one), held until a YOT manager other than the person who
    asked approves it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting approval"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="privilege_requests"
    )
    # What the login becomes on approval: active, with this role.
    role = models.CharField(max_length=20, choices=Role.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="one_pending_privilege_request_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.get_role_display()}: {self.get_status_display()}"


class SetupCodeQuerySet(models.QuerySet):
    def live(self) -> SetupCodeQuerySet:
        return self.filter(used_at__isnull=True, expires__gt=timezone.now())


class TwoFactorSetupCode(models.Model):
    """A one-time code an administrator gives a user for setting up their first authenticator
    app; only its hash is stored, it expires, and wrong guesses use it up."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="setup_codes"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)

    objects = SetupCodeQuerySet.as_manager()

    def __str__(self) -> str:
        return f"setup code for {self.user} until {self.expires:%Y-%m-%d %H:%M}"
