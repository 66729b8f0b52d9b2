"""Text wording: GSM-7 length, forbidden words, placeholders."""

import pytest
from django.core.exceptions import ValidationError

from screening.messaging.text import check_template, forbidden_words_in, sms_length


def test_gsm7_fits_160_in_one_part_and_splits_at_153():
    assert sms_length("a" * 160).segments == 1
    length = sms_length("a" * 161)
    assert (length.encoding, length.units, length.segments) == ("GSM-7", 161, 2)
    assert sms_length("a" * 306).segments == 2
    assert sms_length("a" * 307).segments == 3


def test_gsm7_extension_characters_count_double():
    length = sms_length("€" * 80)
    assert (length.encoding, length.units, length.segments) == ("GSM-7", 160, 1)
    assert sms_length("€" * 80 + "a").segments == 2


def test_gsm7_escape_pair_never_straddles_two_parts():
    # 152 plain characters then one euro: the pair starts a new part instead of splitting.
    length = sms_length("a" * 152 + "€" + "a" * 10)
    assert length.units == 164 and length.segments == 2
    assert sms_length("a" * 152 + "€" + "a" * 152).segments == 3


def test_a_character_outside_gsm7_makes_the_text_ucs2_with_70_per_part():
    assert sms_length("ŵ" * 70).segments == 1
    length = sms_length("Croeso i'r ŵyl" + "a" * 60)
    assert length.encoding == "UCS-2" and length.segments == 2 and length.non_gsm == "ŵ"
    assert "UCS-2" in length.warning


def test_forbidden_words_are_found_as_whole_words_in_any_case():
    assert forbidden_words_in("Your YOT appointment about your Offending") == ["yot", "offending"]
    assert forbidden_words_in("See the nurse") == ["nurse"]
    assert forbidden_words_in("Peyote courtyard") == []  # not whole words


@pytest.mark.parametrize(
    "text, found",
    [
        ("Your y.o.t appointment", ["yot"]),
        ("Your Y. O. T. appointment", ["yot"]),
        ("your y o t appointment", ["yot"]),
        ("Y-O-T", ["yot"]),
        ("y_o_t", ["yot"]),
        ("y 0 t", ["yot"]),
        ("about your 0ffending", ["offending"]),
        ("about your off.ending", ["offending"]),
        ("at the c0urt", ["court"]),
        ("your h3alth check", ["health"]),
        ("P0L1CE", ["police"]),
        ("Ju5t1ce", ["justice"]),
        ("your 4ssessment", ["assessment"]),
        ("yn y l1ys", ["llys"]),
        ("the Y0T and the c-o-u-r-t", ["yot", "court"]),
    ],
)
def test_forbidden_words_are_found_through_spacing_punctuation_and_digits(text, found):
    assert forbidden_words_in(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "Peyote courtyard",
        "Youth Support: your appointment is on Tuesday 2 March at 10:30am at Greenbank Youth "
        "Hub, 14 Greenbank Road. Reply YES to confirm or CHANGE to rearrange.",
        "Reply Y or N, 5pm at Unit 4B, 1st floor",
        "Dydd Mawrth 2 Mawrth am 10:30 yn Hwb Ieuenctid. Atebwch IE i gadarnhau.",
    ],
)
def test_normalising_finds_nothing_in_neutral_wording(text):
    assert forbidden_words_in(text) == []


@pytest.mark.parametrize(
    "body, message",
    [
        ("{service}: your health check on {date} at {time}, {place}", "never mention: health"),
        ("{service}: your Y.O.T visit on {date} at {time}, {place}", "never mention: yot"),
        ("{service}: {date} at {time}, {place}, about your 0ffending", "mention: offending"),
        ("{service}: see you on {date} at {time}", "must say {place}"),
        ("{service}: {date} {time} {place} {surname}", "Unknown placeholder {surname}"),
        ("{service}: {date} {time} {place} {date!r}", "plain"),
        ("{service}: {date} {time} {place} {", "Braces"),
        ("{service}: {date} {time} {place} www.example.org", "no links"),
        ("   ", "Write the text"),
    ],
)
def test_check_template_refuses_bad_wording_naming_the_body(body, message):
    with pytest.raises(ValidationError) as caught:
        check_template(purpose="confirmation", body=body)
    assert message in " ".join(caught.value.message_dict["body"])


def test_check_template_warns_past_one_part_and_counts_with_the_service_name():
    long_body = "{service}: on {date} at {time} at {place}. " + "Please reply. " * 10
    length = check_template(purpose="confirmation", body=long_body, service="Youth Support")
    assert length.segments >= 2 and "parts" in length.warning
    short = check_template(purpose="confirmation", body="{date} {time} {place}", service="X")
    assert short.segments == 1 and short.warning == ""


def test_default_templates_pass_their_own_checks(db):
    from screening.models import MessageTemplate

    templates = list(MessageTemplate.objects.all())
    assert {(t.language, t.easy_read) for t in templates} >= {
        ("en", False),
        ("en", True),
        ("cy", False),
        ("cy", True),
    }
    easy = {(t.language, t.purpose) for t in templates if t.easy_read}
    assert {p for lang, p in easy if lang == "cy"} == {p for lang, p in easy if lang == "en"}
    for template in templates:
        check_template(purpose=template.purpose, body=template.body)
