"""Two-factor authentication by authenticator app (TOTP, django-otp), shared by the
sign-in pages and the API token endpoint.

A password alone never sets up an authenticator app: the first one needs a one-time setup
code that an administrator issues (setup_code_issue, or two_factor_reset after a lost phone),
given to the user by hand. Only its hash is stored; it expires after
TWO_FACTOR_SETUP_CODE_HOURS and is used up by setting up, or by five wrong guesses.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccountEvent, ApiToken, TwoFactorSetupCode, User
from accounts.services import account_event_record

DEVICE_NAME = "Authenticator app"


def two_factor_required(*, user: User) -> bool:
    """A code is asked of everyone when REQUIRE_TWO_FACTOR is on, of every password sign-in
    (the break-glass logins) while organisation sign-in has replaced passwords, and always of
    a user who has confirmed an authenticator app. Organisation sign-in leaves two-factor to
    the provider (frontend/middleware.py)."""
    return (
        settings.REQUIRE_TWO_FACTOR
        or (settings.OIDC_ENABLED and not settings.LOCAL_PASSWORDS)
        or user_has_device(user, confirmed=True)
    )


def has_confirmed_device(*, user: User) -> bool:
    return user_has_device(user, confirmed=True)


def check_code(*, user: User, code: str, field: str = "otp") -> TOTPDevice:
    """The confirmed device that accepts this code; raises ValidationError naming `field`
    when the code is missing or wrong (each device throttles repeated wrong codes)."""
    code = (code or "").replace(" ", "").strip()
    if not code:
        raise ValidationError(
            {field: [gettext("Enter the 6-digit code from your authenticator app.")]}
        )
    for device in devices_for_user(user, confirmed=True):
        if isinstance(device, TOTPDevice) and device.verify_token(code):
            return device
    raise ValidationError(
        {field: [gettext("The code is not right, or has expired: enter a new one.")]}
    )


def setup_device(*, user: User, fresh: bool = False) -> TOTPDevice:
    """The user's unconfirmed authenticator device, made on first use, for the setup page;
    `fresh` replaces any earlier one, whose secret may have been shown to someone else."""
    if fresh:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it when typed: base32 in groups of 4."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


SETUP_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
SETUP_CODE_LENGTH = 12
SETUP_CODE_GUESSES = 5
SETUP_CODE_MISSING = gettext_lazy("Enter the setup code your administrator gave you.")
SETUP_CODE_WRONG = (
    "The setup code is not right, or has expired or been used: ask your administrator for "
    "a new one."
)


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def _hash_code(code: str) -> str:
    return hashlib.sha256(_normalise_code(code).encode()).hexdigest()


def _refuse_own(*, user: User, by: User | None) -> None:
    if by is not None and by.pk == user.pk:
        raise PermissionDenied("Another administrator must do this for your own login.")


@transaction.atomic
def setup_code_issue(*, user: User, by: User | None) -> tuple[TwoFactorSetupCode, str]:
    """A new one-time setup code for the user's first authenticator app (earlier unused ones
    stop working); the plain code is returned once, as XXXX-XXXX-XXXX. Nobody issues one for
    themselves (PermissionDenied)."""
    _refuse_own(user=user, by=by)
    now = timezone.now()
    TwoFactorSetupCode.objects.live().filter(user=user).update(used_at=now)
    raw = "".join(secrets.choice(SETUP_CODE_ALPHABET) for _ in range(SETUP_CODE_LENGTH))
    row = TwoFactorSetupCode.objects.create(
        user=user,
        code_hash=_hash_code(raw),
        issued_by=by if by is not None and by.pk else None,
        expires=now + timedelta(hours=settings.TWO_FACTOR_SETUP_CODE_HOURS),
    )
    local = timezone.localtime(row.expires)
    account_event_record(
        by=by,
        user=user,
        kind=AccountEvent.Kind.SETUP_CODE_ISSUED,
        detail=f"valid until {local:%d %B %Y %H:%M}",
    )
    return row, "-".join(raw[i : i + 4] for i in range(0, SETUP_CODE_LENGTH, 4))


@transaction.atomic
def two_factor_reset(*, user: User, by: User | None) -> tuple[TwoFactorSetupCode, str]:
    """Remove the user's authenticator apps (a lost phone) and API tokens, and issue a setup
    code for a new app; nobody resets their own (PermissionDenied)."""
    _refuse_own(user=user, by=by)
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    ApiToken.objects.filter(user=user).delete()
    account_event_record(by=by, user=user, kind=AccountEvent.Kind.TWO_FACTOR_RESET)
    return setup_code_issue(user=user, by=by)


def setup_code_check(*, user: User, code: str) -> TwoFactorSetupCode:
    """The user's live setup code matching `code`; raises ValidationError on `setup_code`
    when it is missing or wrong. Each wrong guess counts against the user's live codes, and
    SETUP_CODE_GUESSES of them use the codes up."""
    if not _normalise_code(code):
        raise ValidationError({"setup_code": [SETUP_CODE_MISSING]})
    found = TwoFactorSetupCode.objects.live().filter(user=user, code_hash=_hash_code(code)).first()
    if found is not None:
        return found
    with transaction.atomic():
        for row in TwoFactorSetupCode.objects.live().filter(user=user).select_for_update():
            row.failures += 1
            if row.failures >= SETUP_CODE_GUESSES:
                row.used_at = timezone.now()
            row.save(update_fields=["failures", "used_at"])
    raise ValidationError({"setup_code": [SETUP_CODE_WRONG]})


@transaction.atomic
def device_confirm(
    *, device: TOTPDevice, code: str, setup_code: TwoFactorSetupCode | None = None
) -> TOTPDevice:
    """Confirm a new authenticator app with a code from it; raises ValidationError on `otp`.
    A user's first app also needs a live setup code of theirs (ValidationError on
    `setup_code`), which this uses up."""
    user = device.user
    first = not has_confirmed_device(user=user)
    live = None
    if first:
        live = (
            TwoFactorSetupCode.objects.live()
            .select_for_update()
            .filter(pk=getattr(setup_code, "pk", None), user=user)
            .first()
        )
        if live is None:
            raise ValidationError({"setup_code": [SETUP_CODE_WRONG]})
    code = (code or "").replace(" ", "").strip()
    if not code:
        raise ValidationError(
            {"otp": [gettext("Enter the 6-digit code from your authenticator app.")]}
        )
    if not device.verify_token(code):
        raise ValidationError(
            {"otp": [gettext("The code is not right, or has expired: enter a new one.")]}
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
    if live is not None:
        live.used_at = timezone.now()
        live.save(update_fields=["used_at"])
    account_event_record(by=user, user=user, kind=AccountEvent.Kind.TWO_FACTOR_SET_UP)
    return device
