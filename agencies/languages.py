"""Languages an interpreter may speak, by ISO 639-1 code, with their English names.

A small fixed table (no locale library): the languages most asked for in England and Wales
youth justice and community interpreting, plus the UK's own. Codes outside it are refused,
so every code stored has a name to show ("no Polish interpreter is free").
"""

from __future__ import annotations

LANGUAGE_NAMES: dict[str, str] = {
    "ar": "Arabic",
    "bg": "Bulgarian",
    "bn": "Bengali",
    "cs": "Czech",
    "cy": "Welsh",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fa": "Persian",
    "fr": "French",
    "ga": "Irish",
    "gu": "Gujarati",
    "hi": "Hindi",
    "hu": "Hungarian",
    "it": "Italian",
    "ku": "Kurdish",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "ne": "Nepali",
    "pa": "Punjabi",
    "pl": "Polish",
    "ps": "Pashto",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "so": "Somali",
    "sq": "Albanian",
    "ta": "Tamil",
    "ti": "Tigrinya",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "vi": "Vietnamese",
    "zh": "Chinese",
}

LANGUAGE_CHOICES = sorted(LANGUAGE_NAMES.items(), key=lambda item: item[1])


def language_name(code: str) -> str:
    """The English name of a language code of the table (the code itself otherwise)."""
    return LANGUAGE_NAMES.get(code, code)


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
