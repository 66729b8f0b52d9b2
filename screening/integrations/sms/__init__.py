"""SMS gateways behind one interface; `get_gateway()` builds the configured one."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from screening.integrations.sms.base import SmsGateway

# Named by path and loaded when asked for, as Django loads EMAIL_BACKEND: the Twilio client
# adds about 16 MB to a process, and web processes never send.
BACKENDS = {
    "console": "screening.integrations.sms.console.ConsoleGateway",
    "fake": "screening.integrations.sms.fake.FakeGateway",
    "twilio": "screening.integrations.sms.twilio_gateway.TwilioGateway",
}


def get_gateway() -> SmsGateway:
    """A new gateway for SMS_BACKEND (`console`, `fake` or `twilio`); raises
    ImproperlyConfigured naming any other value."""
    backend = settings.SMS_BACKEND
    if backend not in BACKENDS:
        raise ImproperlyConfigured(
            f"SMS_BACKEND {backend!r} is not one of {', '.join(sorted(BACKENDS))}"
        )
    gateway = import_string(BACKENDS[backend])
    if backend != "twilio":
        return gateway()
    return gateway(
        account_sid=settings.TWILIO_ACCOUNT_SID,
        auth_token=settings.TWILIO_AUTH_TOKEN,
        from_number=settings.TWILIO_FROM_NUMBER,
        messaging_service_sid=settings.TWILIO_MESSAGING_SERVICE_SID,
        timeout=settings.TWILIO_TIMEOUT_SECONDS,
    )
