"""Young people through the service (what the pages and the API call): the documented
maximums for communication needs and unavailable times."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

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
