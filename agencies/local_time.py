"""The YOT's time zone, and how dates and times are written for people.

These live in `agencies`, the lowest of our layers, because every layer uses them:
agencies itself (working patterns are local wall-clock times; findings forms write
dates), screening (booking, calendars, messages, assessments), the pages, the API and the
demo; agencies may import nothing of ours, so nothing lower could hold them. Day and month
names are spelt out rather than left to strftime, so the words never follow the server's
locale; the Welsh ones are the text messages' own (screening.messaging.text).

The `*_here` functions write dates and times in the active language instead (Welsh when the
visitor chose Cymraeg; English for the API and background jobs), for words the services
compose for a page: the pages' own filters (frontend/templatetags/govuk.py) use them too.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# Day and month names in the active language (locale/cy has the Welsh).
DAY_NAMES = [
    gettext_lazy("Monday"), gettext_lazy("Tuesday"), gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"), gettext_lazy("Friday"), gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
]  # fmt: skip
MONTH_NAMES = [
    gettext_lazy("January"), gettext_lazy("February"), gettext_lazy("March"),
    gettext_lazy("April"), gettext_lazy("May"), gettext_lazy("June"), gettext_lazy("July"),
    gettext_lazy("August"), gettext_lazy("September"), gettext_lazy("October"),
    gettext_lazy("November"), gettext_lazy("December"),
]  # fmt: skip
MONTH_SHORT = [
    gettext_lazy("Jan"), gettext_lazy("Feb"), gettext_lazy("Mar"), gettext_lazy("Apr"),
    pgettext_lazy("abbreviated month", "May"), gettext_lazy("Jun"), gettext_lazy("Jul"),
    gettext_lazy("Aug"),
    gettext_lazy("Sep"), gettext_lazy("Oct"), gettext_lazy("Nov"), gettext_lazy("Dec"),
]  # fmt: skip


def yot_zone() -> ZoneInfo:
    """The zone every local rule is computed in (YOT_TIMEZONE, default Europe/London)."""
    return ZoneInfo(settings.YOT_TIMEZONE)


def local(moment: dt.datetime) -> dt.datetime:
    """A moment on the YOT's wall clock."""
    return moment.astimezone(yot_zone())


def date_words(day: dt.date) -> str:
    """'4 March 2031'."""
    return f"{day.day} {EN_MONTHS[day.month - 1]} {day.year}"


def day_words(day: dt.date, *, year: bool = True) -> str:
    """'Tuesday 4 March 2031', or 'Tuesday 4 March' without the year."""
    words = f"{EN_DAYS[day.weekday()]} {day.day} {EN_MONTHS[day.month - 1]}"
    return f"{words} {day.year}" if year else words


def time_on_day_words(moment: dt.datetime) -> str:
    """'10:30 on Tuesday 4 March 2031', in the YOT's zone."""
    wall = local(moment)
    return f"{wall:%H:%M} on {day_words(wall.date())}"


def day_at_time_words(moment: dt.datetime) -> str:
    """'Tuesday 4 March 2031 at 10:30', in the YOT's zone."""
    wall = local(moment)
    return f"{day_words(wall.date())} at {wall:%H:%M}"


# Every date a person may enter, in the API or the pages: wide enough for any real order,
# visit, leave or plan, narrow enough that date arithmetic (working days, the search
# horizon, time zones) never overflows, as 9999-12-31 did.
DATE_WINDOW = (dt.date(2000, 1, 1), dt.date(2100, 12, 31))


def date_window_words() -> str:
    """'from 1 January 2000 to 31 December 2100'."""
    first, last = DATE_WINDOW
    return f"from {date_words(first)} to {date_words(last)}"


def _outside_date_window() -> str:
    first, last = DATE_WINDOW
    return gettext("Give a date from %(first)s to %(last)s.") % {
        "first": date_words_here(first),
        "last": date_words_here(last),
    }


# "Give a date from 1 January 2000 to 31 December 2100.", in the language active when shown.
OUTSIDE_DATE_WINDOW = lazy(_outside_date_window, str)()


def in_date_window(value: dt.date) -> bool:
    """A date, or a moment's date on its own clock, inside DATE_WINDOW."""
    day = value.date() if isinstance(value, dt.datetime) else value
    return DATE_WINDOW[0] <= day <= DATE_WINDOW[1]


def check_date_window(**values: dt.date | None) -> None:
    """Raise ValidationError naming each given date (or moment) outside DATE_WINDOW; None
    is left alone."""
    errors = {
        name: [str(OUTSIDE_DATE_WINDOW)]
        for name, value in values.items()
        if value is not None and not in_date_window(value)
    }
    if errors:
        raise ValidationError(errors)


def date_words_here(day: dt.date) -> str:
    """'4 March 2031' in the active language."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def month_words_here(day: dt.date) -> str:
    """'March 2031' in the active language."""
    return f"{MONTH_NAMES[day.month - 1]} {day.year}"


def day_words_here(day: dt.date, *, year: bool = True) -> str:
    """'Tuesday 4 March 2031' in the active language, or 'Tuesday 4 March' without the
    year."""
    if not year:
        return f"{DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"
    return f"{DAY_NAMES[day.weekday()]} {date_words_here(day)}"


def time_words_here(moment: dt.datetime) -> str:
    """A wall-clock time the way GOV.UK writes it (9:30am, 10am, midday), in the active
    language; `moment` is already on the clock wanted."""
    if moment.hour == 12 and moment.minute == 0:
        return gettext("midday")
    hour = moment.hour % 12 or 12
    suffix = gettext("am") if moment.hour < 12 else gettext("pm")
    return f"{hour}:{moment.minute:02d}{suffix}" if moment.minute else f"{hour}{suffix}"


def moment_words_here(moment: dt.datetime) -> str:
    """'9:30am on Monday 3 May 2027' in the YOT's zone and the active language."""
    wall = local(moment)
    return gettext("%(time)s on %(day)s") % {
        "time": time_words_here(wall),
        "day": day_words_here(wall.date()),
    }


def time_on_day_words_here(moment: dt.datetime) -> str:
    """'10:30 on Tuesday 4 March 2031', in the YOT's zone and the active language."""
    wall = local(moment)
    return gettext("%(time)s on %(day)s") % {
        "time": f"{wall:%H:%M}",
        "day": day_words_here(wall.date()),
    }
