"""Words the services and pages compose from stored data, in the page's language: the login
changes' stored details and the retention rules read back and worded again in Welsh, the
English unchanged (docs/decisions/0021)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from agencies.local_time import date_words_here, day_words_here, month_words_here
from frontend.account_words import detail_words
from screening.models.retention import rule_words_from_text

TTI = "y Tîm Troseddau Ieuenctid"
DETAILS = [
    ("as Case manager, active", "fel Rheolwr achos, gweithredol"),
    ("as YOT admin, inactive", f"fel Gweinyddwr {TTI}, anweithredol"),
    ("active as Agency practitioner", "gweithredol fel Ymarferydd asiantaeth"),
    ("active as YOT manager: covering leave", f"gweithredol fel Rheolwr {TTI}: covering leave"),
    ("active as Case manager, asked for by someone",
     "gweithredol fel Rheolwr achos, gofynnwyd amdano gan rhywun"),
    ("active as Case manager, asked for by sam",
     "gweithredol fel Rheolwr achos, gofynnwyd amdano gan sam"),
    ("was System administrator", "rôl flaenorol: Gweinyddwr system"),
    ("from YOT admin to Case manager: new post", f"o Gweinyddwr {TTI} i Rheolwr achos: new post"),
    ("valid until 03 March 2027 14:30", "yn ddilys tan 3 Mawrth 2027 am 14:30"),
    ("the provider said no", "the provider said no"),  # any other shape: as stored
]  # fmt: skip


@pytest.fixture
def welsh():
    with translation.override("cy"):
        yield


@pytest.mark.parametrize(("stored", "welsh_words"), DETAILS)
def test_a_login_change_detail_reads_in_welsh(welsh, stored, welsh_words):
    assert detail_words(stored) == welsh_words


@pytest.mark.parametrize(("stored", "welsh_words"), DETAILS[:-2])
def test_a_login_change_detail_reads_unchanged_in_english(stored, welsh_words):
    with translation.override("en-gb"):
        assert detail_words(stored) == stored


RULES = [
    "Disposed of 3 years after the last action or at 18, whichever is later",
    "Basic details only after 3 years, disposed of 5 years after the last action",
    "Basic details only after 2 years, disposed of 6 years after the last action or at 21, "
    "whichever is later",
    "Disposed of 7 years after the last action",
]


@pytest.mark.parametrize("stored", RULES)
def test_a_stored_retention_rule_reads_in_welsh_and_unchanged_in_english(stored):
    with translation.override("en-gb"):
        assert rule_words_from_text(stored) == stored
    with translation.override("cy"):
        welsh_words = rule_words_from_text(stored)
    assert "blwyddyn ar ôl y cam gweithredu diwethaf" in welsh_words
    assert "years" not in welsh_words


def test_dates_are_written_in_the_active_language(welsh):
    # Wednesday 24 February 2027.
    day = dt.date(2027, 2, 24)
    assert day_words_here(day) == "Dydd Mercher 24 Chwefror 2027"
    assert date_words_here(day) == "24 Chwefror 2027"
    assert month_words_here(day) == "Chwefror 2027"
    with translation.override("en-gb"):
        assert day_words_here(day) == "Wednesday 24 February 2027"
