"""The words a text never says (DESIGN.md rule 7), found however they are disguised.

A text is read on a locked screen, maybe by someone else, so it never mentions offending,
the YOT, a court, health or findings. Templates, venues' names for texts and every
rendered text are checked here. Before matching whole words, the text is also read
normalised: case folded, punctuation or spacing between letters closed up ("y.o.t",
"Y O T", "off.ending"), and digits standing for letters read as letters ("0ffending",
"c0urt", "P0L1CE").
"""

from __future__ import annotations

import re

# The longest name for texts a venue may have (its {place}): with it, each text carrying the
# reply link fits two parts (screening/messaging/text.py LONGEST).
PLACE_LIMIT = 40

# Words that would reveal why a young person is being texted, English and Welsh.
FORBIDDEN_WORDS = [
    "offending",
    "offence",
    "offences",
    "offender",
    "offense",
    "youth offending",
    "yot",
    "yos",
    "youth justice",
    "justice",
    "court",
    "crime",
    "criminal",
    "police",
    "probation",
    "sentence",
    "sentenced",
    "referral order",
    "health",
    "nurse",
    "mental",
    "findings",
    "assessment",
    "screening",
    "social worker",
    "social care",
    "troseddu",
    "trosedd",
    "troseddwr",
    "cyfiawnder",
    "llys",
    "heddlu",
    "iechyd",
    "asesiad",
]
_FORBIDDEN_RE = re.compile(
    r"\b(" + "|".join(re.escape(w) for w in sorted(FORBIDDEN_WORDS, key=len, reverse=True)) + r")\b"
)
# Digits written for letters, "1" read as i and then as l.
_AS_LETTERS = [str.maketrans("013457", "oieast"), str.maketrans("013457", "oleast")]
# A word with a letter next to a digit in it.
_MIXED_WORD = re.compile(r"\b(?=\w*?(?:[^\W\d_]\d|\d[^\W\d_]))\w+")
# Punctuation between two letters or digits: "y.o.t", "off-ending", "0.ffending", "y_o_t".
_INNER_PUNCTUATION = re.compile(r"(?<=[^\W_])(?:[^\w\s]|_)+(?=[^\W_])")
# Single letters or digits spaced or punctuated apart: "y o t", "Y. O. T.", "c-o-u-r-t".
_ONE = r"(?<![^\W_])[^\W_](?![^\W_])"
_SPACED_LETTERS = re.compile(rf"{_ONE}(?:[\W_]+{_ONE})+")


def _as_letters(text: str, table: dict[int, str]) -> str:
    """Each word mixing letters with digits ("0ffending") read as letters."""
    return _MIXED_WORD.sub(lambda m: m.group(0).translate(table), text)


def _readings(text: str) -> list[str]:
    """The text case folded, then its normalised readings, each once, in a fixed order."""
    folded = text.casefold()
    closed_up = _SPACED_LETTERS.sub(lambda m: re.sub(r"[\W_]+", "", m.group(0)), folded)
    tables = _AS_LETTERS if "1" in folded else _AS_LETTERS[:1]
    bases = dict.fromkeys([folded, _INNER_PUNCTUATION.sub("", folded), closed_up])
    readings = [folded] + [_as_letters(base, table) for base in bases for table in tables]
    return list(dict.fromkeys(readings))


def forbidden_words_in(text: str) -> list[str]:
    """The forbidden words found in the text or any normalised reading of it, lower case,
    in the order found (as written first), without repeats."""
    found = (m.group(1) for m in _FORBIDDEN_RE.finditer("\n".join(_readings(text))))
    return list(dict.fromkeys(found))
