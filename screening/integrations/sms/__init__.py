"""SMS gateways behind one interface; `get_gateway()` builds the configured one."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from screening.integrations.sms.base import SmsGateway


def get_gateway() -> SmsGateway:
    """A new gateway for SMS_BACKEND (`console`, `fake` or `twilio`)."""
    backend = settings.SMS_BACKEND
    if backend == "console":
        from screening.integrations.sms.console import ConsoleGateway

        return ConsoleGateway()
    if backend == "fake":
        from screening.integrations.sms.fake import FakeGateway

        return FakeGateway()
    if backend == "twilio":
        from screening.integrations.sms.twilio_gateway import TwilioGateway

        return TwilioGateway(
            account_sid=settings.TWILIO_ACCOUNT_SID,
            auth_token=settings.TWILIO_AUTH_TOKEN,
            from_number=settings.TWILIO_FROM_NUMBER,
            messaging_service_sid=settings.TWILIO_MESSAGING_SERVICE_SID,
            timeout=settings.TWILIO_TIMEOUT_SECONDS,
        )
    raise ImproperlyConfigured(f"SMS_BACKEND {backend!r} is not one of console, fake, twilio")
