"""Languages an interpreter may speak, by ISO 639-1 code, with their English names.

A small fixed table (no locale library): the languages most asked for in England and Wales
youth justice and community interpreting, plus the UK's own. Codes outside it are refused,
so every code stored has a name to show ("no Polish interpreter is free").
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

LANGUAGE_NAMES: dict[str, str] = {
    "ar": _("Arabic"),
    "bg": _("Bulgarian"),
    "bn": _("Bengali"),
    "cs": _("Czech"),
    "cy": _("Welsh"),
    "de": _("German"),
    "en": _("English"),
    "es": _("Spanish"),
    "fa": _("Persian"),
    "fr": _("French"),
    "ga": _("Irish"),
    "gu": _("Gujarati"),
    "hi": _("Hindi"),
    "hu": _("Hungarian"),
    "it": _("Italian"),
    "ku": _("Kurdish"),
    "lt": _("Lithuanian"),
    "lv": _("Latvian"),
    "ne": _("Nepali"),
    "pa": _("Punjabi"),
    "pl": _("Polish"),
    "ps": _("Pashto"),
    "pt": _("Portuguese"),
    "ro": _("Romanian"),
    "ru": _("Russian"),
    "sk": _("Slovak"),
    "so": _("Somali"),
    "sq": _("Albanian"),
    "ta": _("Tamil"),
    "ti": _("Tigrinya"),
    "tr": _("Turkish"),
    "uk": _("Ukrainian"),
    "ur": _("Urdu"),
    "vi": _("Vietnamese"),
    "zh": _("Chinese"),
}

LANGUAGE_CHOICES = sorted(LANGUAGE_NAMES.items(), key=lambda item: item[1])


def language_name(code: str) -> str:
    """The English name of a language code of the table (the code itself otherwise)."""
    return LANGUAGE_NAMES.get(code, code)


def language_name_here(code: str) -> str:
    """The name of a language code of the table in the active language ("Pwyleg" on a Welsh
    page), the code itself otherwise."""
    name = LANGUAGE_NAMES.get(code)
    return gettext(name) if name else code


def check_languages(codes: object, *, field: str = "languages") -> list[str]:
    """A non-empty list of distinct codes from the table, returned sorted; raises
    ValueError naming the first bad code."""
    if not isinstance(codes, list | tuple) or not codes:
        raise ValueError("Give at least one language as an ISO 639-1 code, such as pl.")
    out: list[str] = []
    for code in codes:
        if not isinstance(code, str) or code not in LANGUAGE_NAMES:
            raise ValueError(f"{code!r} is not an ISO 639-1 code this service knows.")
        if code in out:
            raise ValueError(f"{code} appears twice.")
        out.append(code)
    return sorted(out)
