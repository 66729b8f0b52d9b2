"""Young people through the service (what the pages and the API call): the documented
maximums for communication needs and unavailable times, and possible duplicates."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from screening.errors import PossibleDuplicate
from screening.models import YoungPerson
from screening.people.young_people import young_person_create, young_person_update
from tests.factories import make_young_person

pytestmark = pytest.mark.django_db

SCHOOL = {"weekdays": [0, 1, 2, 3, 4], "start_time": dt.time(8, 45), "end_time": dt.time(15, 15)}


def create(**details):
    return young_person_create(
        given_name="Robin", family_name="Example", date_of_birth=dt.date(2011, 4, 1), **details
    )


def test_communication_needs_are_at_most_5000_characters():
    with pytest.raises(ValidationError) as error:
        create(communication_needs="x" * 5001)
    assert error.value.message_dict == {"communication_needs": ["Write at most 5,000 characters."]}
    assert not YoungPerson.objects.exists()
    assert len(create(communication_needs="x" * 5000).communication_needs) == 5000


def test_at_most_50_unavailable_times_and_the_old_ones_kept_when_refused():
    person = make_young_person()
    young_person_update(young_person=person, unavailable=[SCHOOL])
    with pytest.raises(ValidationError) as error:
        young_person_update(young_person=person, unavailable=[SCHOOL] * 51)
    assert error.value.message_dict == {"unavailable": ["Give at most 50 unavailable times."]}
    assert person.unavailable.count() == 1


# --- possible duplicates: the same name and date of birth ------------------------------------


def test_registering_the_same_name_and_date_of_birth_again_names_the_existing_person():
    existing = create()
    with pytest.raises(PossibleDuplicate) as error:
        young_person_create(
            given_name="  robin ", family_name="EXAMPLE", date_of_birth=dt.date(2011, 4, 1)
        )
    assert error.value.existing == [existing]
    assert "This may be the same person as Robin Example, born 2011-04-01" in str(error.value)
    assert YoungPerson.objects.count() == 1


def test_names_are_compared_ignoring_case_in_every_alphabet():
    existing = young_person_create(
        given_name="Zoë", family_name="Öztürk", date_of_birth=dt.date(2011, 4, 1)
    )
    with pytest.raises(PossibleDuplicate) as error:
        young_person_create(
            given_name="ZOË", family_name="öztürk", date_of_birth=dt.date(2011, 4, 1)
        )
    assert error.value.existing == [existing]


def test_a_confirmed_different_person_is_registered_and_near_matches_are_not_flagged():
    create()
    create(confirm_not_duplicate=True)
    young_person_create(
        given_name="Robin", family_name="Example", date_of_birth=dt.date(2011, 4, 2)
    )
    young_person_create(
        given_name="Robyn", family_name="Example", date_of_birth=dt.date(2011, 4, 1)
    )
    assert YoungPerson.objects.count() == 4


def test_changing_a_name_to_match_someone_else_is_flagged_but_other_changes_are_not():
    existing = create()
    twin = create(confirm_not_duplicate=True)
    # An edit that leaves the name and date of birth as they are asks nothing again.
    young_person_update(young_person=twin, communication_needs="Short sentences.")
    other = young_person_create(
        given_name="Sam", family_name="Example", date_of_birth=dt.date(2011, 4, 1)
    )
    with pytest.raises(PossibleDuplicate) as error:
        young_person_update(young_person=other, given_name="Robin ")
    assert error.value.existing == [existing, twin]
    other.refresh_from_db()
    assert other.given_name == "Sam"
    young_person_update(young_person=other, given_name="Robin", confirm_not_duplicate=True)
    other.refresh_from_db()
    assert other.given_name == "Robin"
