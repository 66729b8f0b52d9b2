"""Reading a search box: name or reference words, and a date of birth written in any of the
forms GOV.UK services accept ("4/1/2011", "04-01-2011", "4 1 2011", "4 January 2011",
"4 Jan 2011", "2011-01-04"), day first as in the UK."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from agencies.local_time import OUTSIDE_DATE_WINDOW, in_date_window

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
# Each pattern gives (day, month, year) groups, or (year, month, day) for ISO 8601.
_ISO = re.compile(r"(?<![\w-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w-])")
_NUMBERS = re.compile(r"(?<![\w/.-])(\d{1,2})\s*([/.\-\s])\s*(\d{1,2})\s*\2\s*(\d{4})(?![\w/.-])")
_WORDS = re.compile(
    rf"(?<!\w)(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?,?\s+(\d{{4}})(?!\w)", re.IGNORECASE
)
NOT_A_DATE = gettext_lazy("Enter a real date of birth, for example 4/1/2011 or 4 January 2011.")


@dataclass(frozen=True)
class SearchTerms:
    words: list[str]
    date_of_birth: dt.date | None


def parse_search(text: str, *, field: str = "q") -> SearchTerms:
    """The words of `text` and the date of birth in it, if any (the first date found); a
    date that does not exist (31/2/2011) raises ValidationError naming `field`."""
    text = text or ""
    found = None
    for pattern in (_ISO, _WORDS, _NUMBERS):
        match = pattern.search(text)
        if match:
            found = match
            break
    if found is None:
        return SearchTerms(words=text.split(), date_of_birth=None)
    groups = found.groups()
    if found.re is _ISO:
        year, month, day = (int(g) for g in groups)
    elif found.re is _WORDS:
        day, month, year = int(groups[0]), MONTHS[groups[1].lower()], int(groups[2])
    else:
        day, month, year = int(groups[0]), int(groups[2]), int(groups[3])
    try:
        born = dt.date(year, month, day)
    except ValueError as exc:
        raise ValidationError({field: [NOT_A_DATE]}) from exc
    if not in_date_window(born):
        raise ValidationError({field: [OUTSIDE_DATE_WINDOW]})
    rest = text[: found.start()] + " " + text[found.end() :]
    return SearchTerms(words=rest.split(), date_of_birth=born)
