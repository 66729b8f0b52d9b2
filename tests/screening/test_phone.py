import pytest
from django.core.exceptions import ValidationError

from screening.phone import mask_mobile, normalise_uk_mobile


@pytest.mark.parametrize(
    "raw",
    [
        "07400 123456",
        "07400123456",
        "+44 7400 123456",
        "+447400123456",
        "(07400) 123 456",
        "0044 7400 123456",
    ],
)
def test_uk_mobile_formats_are_stored_in_e164(raw):
    assert normalise_uk_mobile(raw) == "+447400123456"


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("", "Enter a UK mobile number"),
        ("not a number", "not a phone number"),
        ("07700 900123", "does not exist"),  # Ofcom drama range: rejected by phonenumbers
        ("020 7946 0000", "landline"),
        ("+1 202 555 0143", "only UK numbers"),
    ],
)
def test_bad_mobile_numbers_get_a_clear_error(raw, why):
    with pytest.raises(ValidationError) as excinfo:
        normalise_uk_mobile(raw)
    assert why in excinfo.value.messages[0]


def test_masking_shows_only_the_last_three_digits():
    masked = mask_mobile("+447400123456")
    assert masked.endswith("456") and "7400123" not in masked
