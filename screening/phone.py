"""UK mobile numbers: UK formats in, E.164 stored."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}
MOBILE_HINT = gettext_lazy("Enter a UK mobile number, like 07400 123456 or +44 7400 123456")


def normalise_uk_mobile(raw: str) -> str:
    """Return the number in E.164; raises ValidationError saying what is wrong."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError(MOBILE_HINT)
    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            gettext("%(hint)s: this is not a phone number") % {"hint": MOBILE_HINT}
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            gettext("%(hint)s: this number does not exist") % {"hint": MOBILE_HINT}
        )
    if phonenumbers.region_code_for_number(number) not in {"GB", "GG", "JE", "IM"}:
        raise ValidationError(
            gettext("%(hint)s: only UK numbers can be texted") % {"hint": MOBILE_HINT}
        )
    if phonenumbers.number_type(number) not in MOBILE_TYPES:
        raise ValidationError(
            gettext("%(hint)s: this is a landline and cannot receive texts") % {"hint": MOBILE_HINT}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_mobile(e164: str) -> str:
    """Show only the last three digits, for lists and logs."""
    if not e164:
        return ""
    return f"{e164[:3]}•••••••{e164[-3:]}"
