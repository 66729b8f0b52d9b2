"""Two-factor authentication by authenticator app (TOTP, django-otp), shared by the
sign-in pages and the API token endpoint."""

from __future__ import annotations

import base64

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

DEVICE_NAME = "Authenticator app"


def two_factor_required(*, user: User) -> bool:
    """A code is asked of everyone when REQUIRE_TWO_FACTOR is on, and always of a user who
    has confirmed an authenticator app."""
    return settings.REQUIRE_TWO_FACTOR or user_has_device(user, confirmed=True)


def has_confirmed_device(*, user: User) -> bool:
    return user_has_device(user, confirmed=True)


def check_code(*, user: User, code: str, field: str = "otp") -> TOTPDevice:
    """The confirmed device that accepts this code; raises ValidationError naming `field`
    when the code is missing or wrong (each device throttles repeated wrong codes)."""
    code = (code or "").replace(" ", "").strip()
    if not code:
        raise ValidationError({field: ["Enter the 6-digit code from your authenticator app."]})
    for device in devices_for_user(user, confirmed=True):
        if isinstance(device, TOTPDevice) and device.verify_token(code):
            return device
    raise ValidationError({field: ["The code is not right, or has expired: enter a new one."]})


def setup_device(*, user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator device, made on first use, for the setup page."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it when typed: base32 in groups of 4."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@transaction.atomic
def device_confirm(*, device: TOTPDevice, code: str) -> TOTPDevice:
    """Confirm a new authenticator app with a code from it; raises ValidationError on `otp`."""
    code = (code or "").replace(" ", "").strip()
    if not code:
        raise ValidationError({"otp": ["Enter the 6-digit code from your authenticator app."]})
    if not device.verify_token(code):
        raise ValidationError({"otp": ["The code is not right, or has expired: enter a new one."]})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).exclude(pk=device.pk).delete()
    return device
