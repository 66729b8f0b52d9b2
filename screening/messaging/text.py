"""The words of a text message: GSM-7 length, forbidden words, placeholders, dates.

A text is read on a locked screen, maybe by someone else: it never mentions offending,
the YOT, health or findings (DESIGN.md rule 7). Its length is counted the way the
network does: GSM-7 septets (the extension table's characters take two), or UCS-2 code
units once any character is outside GSM-7.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from agencies.local_time import day_words, local
from screening.wording import FORBIDDEN_WORDS, PLACE_LIMIT, forbidden_words_in

__all__ = ["FORBIDDEN_WORDS", "forbidden_words_in"]  # the wording rules, where texts read them

# GSM 03.38 default alphabet (without the escape code itself) and its extension table.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")

SINGLE_LIMIT = {"GSM-7": 160, "UCS-2": 70}
PART_LIMIT = {"GSM-7": 153, "UCS-2": 67}


@dataclass(frozen=True)
class Length:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets or UTF-16 code units
    segments: int
    non_gsm: str  # the characters that forced UCS-2, in order of appearance

    @property
    def warning(self) -> str:
        if self.segments <= 1:
            return ""
        text = (
            f"This text needs {self.segments} parts ({self.units} {self.encoding} units; "
            f"one part holds {SINGLE_LIMIT[self.encoding]})."
        )
        if self.non_gsm:
            text += f" These characters force the shorter UCS-2 parts: {self.non_gsm}"
        return text


def _char_units(char: str, encoding: str) -> int:
    if encoding == "GSM-7":
        return 2 if char in GSM7_EXTENDED else 1
    return 2 if ord(char) > 0xFFFF else 1


def sms_length(text: str) -> Length:
    """Count septets or UCS-2 units and the parts a network would split the text into.

    In a multi-part text an escaped GSM-7 character or a UTF-16 surrogate pair never
    straddles two parts, so parts are filled character by character.
    """
    non_gsm = "".join(dict.fromkeys(c for c in text if c not in GSM7_BASIC | GSM7_EXTENDED))
    encoding = "UCS-2" if non_gsm else "GSM-7"
    units = [_char_units(c, encoding) for c in text]
    total = sum(units)
    if total <= SINGLE_LIMIT[encoding]:
        return Length(encoding, total, 1 if total else 0, non_gsm)
    part, segments = 0, 1
    for size in units:
        if part + size > PART_LIMIT[encoding]:
            segments += 1
            part = 0
        part += size
    return Length(encoding, total, segments, non_gsm)


# Placeholders a template may use, and the ones each purpose must use.
PLACEHOLDERS = {
    "service": "the service's name as texts give it (SMS_SERVICE_NAME)",
    "first_name": "the young person's first name",
    "date": "the visit's local date, e.g. Tuesday 2 March",
    "time": "the visit's local start time, e.g. 10:30am",
    "place": "the venue's name and first address line",
    "link": "the link to the visit's reply page (confirm, another time, a call)",
}
REQUIRED = {
    "confirmation": {"date", "time", "place"},
    "day_before": {"time", "place"},
    "morning": {"time", "place"},
    "rescheduled": {"date", "time", "place"},
    "cancelled": {"date"},
    "help": {"service"},
    "introduction": {"service"},
}


def placeholders_in(body: str) -> list[str]:
    """Names of `{placeholders}`; raises ValidationError(body) for a malformed one."""
    names = []
    try:
        parsed = list(string.Formatter().parse(body))
    except ValueError as exc:
        raise ValidationError(
            {
                "body": [
                    gettext("Braces do not match (%(problem)s); write placeholders as {date}.")
                    % {"problem": exc}
                ]
            }
        ) from exc
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            raise ValidationError(
                {
                    "body": [
                        gettext("Write placeholders as plain {name}, not {%(name)s...}.")
                        % {"name": name}
                    ]
                }
            )
        names.append(name)
    return names


SAMPLE = {
    "first_name": "Alexandria",
    "date": "Wednesday 30 September",
    "time": "10:30am",
    "place": "Greenbank Youth Hub, 14 Greenbank Road",
}


TOKEN_CHARS = 22  # a reply link's token: 16 bytes, URL-safe base64
MASK = "*" * TOKEN_CHARS  # stands for the token in a stored text; same length, GSM-7
LINK_PATH = "/r/"


def link_base() -> str:
    """Where reply links point: REPLY_LINK_BASE_URL, else PUBLIC_BASE_URL."""
    return (settings.REPLY_LINK_BASE_URL or settings.PUBLIC_BASE_URL).rstrip("/")


def masked_url() -> str:
    """A reply link as a stored text holds it: its token masked (filled in when sent)."""
    return f"{link_base()}{LINK_PATH}{MASK}"


# The longest a place's name for texts may be (Venue.clean), and the longest values a text
# is checked with: with them, every text of a purpose that carries the link fits two parts.
MAX_PARTS = 2
LONGEST = {
    "first_name": "Alexandria-Josephine",
    "time": "12:30pm",
    "place": "W" * PLACE_LIMIT,
}
LONGEST_DATE = {"en": "Wednesday 30 September", "cy": "Dydd Mercher 30 Gorffennaf"}


def plain_letters(text: str) -> str:
    """Each letter outside GSM-7 written as its plain letter when it has one (ŵ as w, â as
    a): Welsh accents that would make a text UCS-2 and more than twice as long."""
    out = []
    for char in text:
        if char in GSM7_BASIC or char in GSM7_EXTENDED:
            out.append(char)
            continue
        parts = unicodedata.normalize("NFD", char)
        base = "".join(c for c in parts if not unicodedata.combining(c))
        out.append(base if base and all(c in GSM7_BASIC for c in base) else char)
    return "".join(out)


def fit_parts(text: str, parts: int = MAX_PARTS) -> str:
    """The text as sent: as written when it fits `parts` parts, else with accented letters
    written plain (plain_letters) when that makes it shorter in parts."""
    if sms_length(text).segments <= parts:
        return text
    plain = plain_letters(text)
    return plain if sms_length(plain).segments < sms_length(text).segments else text


def longest_rendering(body: str, *, service: str, language: str, link: str) -> str:
    """The template with the longest values it may meet (LONGEST, the language's longest
    date, the link as configured)."""
    return fit_parts(
        body.format(
            service=service, date=LONGEST_DATE.get(language, LONGEST_DATE["en"]), link=link,
            **LONGEST,
        )
    )  # fmt: skip


def check_template(
    *,
    purpose: str,
    body: str,
    service: str | None = None,
    language: str = "en",
    link: str | None = None,
    refuse_long: bool = True,
) -> Length:
    """Refuse a template that reveals too much, uses unknown placeholders or misses a
    required one, or (`refuse_long`) carries the link and would take more than MAX_PARTS
    parts with the longest values; return the length of a sample rendering (its
    `warning` past one part)."""
    if not body or not body.strip():
        raise ValidationError({"body": [gettext("Write the text of the message.")]})
    names = placeholders_in(body)
    unknown = sorted(set(names) - set(PLACEHOLDERS))
    if unknown:
        raise ValidationError(
            {
                "body": [
                    f"Unknown placeholder {{{unknown[0]}}}; use "
                    + ", ".join(f"{{{n}}}" for n in PLACEHOLDERS)
                    + "."
                ]
            }
        )
    missing = sorted(REQUIRED.get(purpose, set()) - set(names))
    if missing:
        raise ValidationError(
            {
                "body": [
                    gettext("This message must say %(placeholders)s.")
                    % {"placeholders": ", ".join(f"{{{n}}}" for n in missing)}
                ]
            }
        )
    bad = forbidden_words_in(body)
    if bad:
        raise ValidationError(
            {
                "body": [
                    "Texts can be read by others, so they never mention: " + ", ".join(bad) + "."
                ]
            }
        )
    if re.search(r"https?://|www\.", body, re.IGNORECASE):
        raise ValidationError(
            {
                "body": [
                    gettext("Texts carry no links but their own reply link: write {link} for it.")
                ]
            }
        )
    service = settings.SMS_SERVICE_NAME if service is None else service
    link = masked_url() if link is None else link
    if refuse_long and "link" in names:
        longest = sms_length(longest_rendering(body, service=service, language=language, link=link))
        if longest.segments > MAX_PARTS:
            raise ValidationError(
                {
                    "body": [
                        f"With its link and the longest date, time and place ({PLACE_LIMIT} "
                        f"characters), this text needs {longest.segments} parts "
                        f"({longest.units} {longest.encoding} units); a text with the link "
                        f"must fit {MAX_PARTS}. Shorten it."
                    ]
                }
            )
    return sms_length(fit_parts(body.format(service=service, link=link, **SAMPLE)))


CY_DAYS = ["Dydd Llun", "Dydd Mawrth", "Dydd Mercher", "Dydd Iau", "Dydd Gwener", "Dydd Sadwrn"]
CY_DAYS.append("Dydd Sul")
CY_MONTHS = [
    "Ionawr",
    "Chwefror",
    "Mawrth",
    "Ebrill",
    "Mai",
    "Mehefin",
    "Gorffennaf",
    "Awst",
    "Medi",
    "Hydref",
    "Tachwedd",
    "Rhagfyr",
]


def local_date_words(moment: dt.datetime, language: str) -> str:
    """`Tuesday 2 March` (English) or `Dydd Mawrth 2 Mawrth` (Welsh), in local time."""
    day = local(moment).date()
    if language != "cy":
        return day_words(day, year=False)
    return f"{CY_DAYS[day.weekday()]} {day.day} {CY_MONTHS[day.month - 1]}"


def local_time_words(moment: dt.datetime, language: str) -> str:
    """`10:30am` in English; the 24-hour `10:30` in Welsh texts."""
    wall = local(moment)
    if language == "cy":
        return f"{wall:%H:%M}"
    hour = wall.hour % 12 or 12
    suffix = "am" if wall.hour < 12 else "pm"
    return f"{hour}:{wall:%M}{suffix}"
