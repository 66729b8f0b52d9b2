"""The search box reads a date of birth in the forms GOV.UK services accept, day first,
and leaves the other words for the name and reference search."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from screening.people.search import parse_search

FOURTH_OF_JANUARY = dt.date(2011, 1, 4)


@pytest.mark.parametrize(
    "text",
    [
        "4/1/2011",
        "04/01/2011",
        "4-1-2011",
        "4.1.2011",
        "4 1 2011",
        "4 / 1 / 2011",
        "4 January 2011",
        "4 january 2011",
        "4 Jan 2011",
        "4th January 2011",
        "4 Jan. 2011",
        "2011-01-04",
    ],
)
def test_a_date_of_birth_is_read_day_first_in_every_gov_uk_form(text):
    assert parse_search(text).date_of_birth == FOURTH_OF_JANUARY
    assert parse_search(text).words == []


def test_the_words_around_the_date_are_kept_for_the_name_search():
    terms = parse_search("Jayden 4 January 2011 Marlowe")
    assert (terms.words, terms.date_of_birth) == (["Jayden", "Marlowe"], FOURTH_OF_JANUARY)


@pytest.mark.parametrize("text", ["Jayden Marlowe", "YJ-2027-0042", "2011", "4 1", "", "4/1/11"])
def test_text_without_a_whole_date_is_only_words(text):
    assert parse_search(text).date_of_birth is None
    assert parse_search(text).words == text.split()


@pytest.mark.parametrize("text", ["31/2/2011", "31 February 2011", "2011-13-01", "0/1/2011"])
def test_a_date_that_does_not_exist_names_the_field(text):
    with pytest.raises(ValidationError) as error:
        parse_search(text, field="search")
    assert list(error.value.message_dict) == ["search"]
    assert "real date of birth" in error.value.message_dict["search"][0]


def test_a_date_outside_the_date_window_is_refused():
    with pytest.raises(ValidationError) as error:
        parse_search("4/1/1899")
    assert "1 January 2000" in error.value.message_dict["q"][0]
