"""Whether a parent or carer must attend: by age on the order's start date (under 16), or
the admin's explicit choice; and the service's checks on the carer's details."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from screening.models import ParentCarerUnavailableTime, YoungPerson
from screening.people.young_people import young_person_update
from tests.factories import make_case, make_young_person


@pytest.mark.parametrize(
    ("born", "order_starts", "must_attend"),
    [
        # 16th birthday Wednesday 3 March 2027: 15 the day before, 16 that day.
        (dt.date(2011, 3, 3), dt.date(2027, 3, 2), True),
        (dt.date(2011, 3, 3), dt.date(2027, 3, 3), False),
        (dt.date(2011, 3, 3), dt.date(2027, 3, 4), False),
        # Born on 29 February 2012: 2028 is a leap year, so the 16th birthday is Tuesday
        # 29 February 2028; on Monday 28 February 2028 they are still 15.
        (dt.date(2012, 2, 29), dt.date(2028, 2, 28), True),
        (dt.date(2012, 2, 29), dt.date(2028, 2, 29), False),
        (dt.date(2012, 2, 29), dt.date(2028, 3, 1), False),
        # 31 December 2010: 16 on New Year's Eve 2026, 15 the day before.
        (dt.date(2010, 12, 31), dt.date(2026, 12, 30), True),
        (dt.date(2010, 12, 31), dt.date(2026, 12, 31), False),
    ],
)
def test_by_age_a_carer_must_attend_until_the_sixteenth_birthday(born, order_starts, must_attend):
    person = YoungPerson(date_of_birth=born, parent_carer_must_attend=None)
    assert person.parent_carer_attends(order_starts) is must_attend


@pytest.mark.parametrize("choice", [True, False])
def test_an_explicit_choice_overrides_the_age_rule(choice):
    for order_starts in (dt.date(2027, 3, 2), dt.date(2027, 3, 3)):
        person = YoungPerson(date_of_birth=dt.date(2011, 3, 3), parent_carer_must_attend=choice)
        assert person.parent_carer_attends(order_starts) is choice


def test_each_case_decides_by_its_own_order_start(db):
    person = make_young_person(date_of_birth=dt.date(2011, 3, 3))
    before = make_case(young_person=person, order_start_date=dt.date(2027, 3, 2))
    after = make_case(young_person=person, order_start_date=dt.date(2027, 3, 3))
    assert before.parent_carer_must_attend is True
    assert after.parent_carer_must_attend is False


def test_a_carer_who_must_attend_needs_a_name(db):
    person = make_young_person()
    with pytest.raises(ValidationError) as error:
        young_person_update(young_person=person, parent_carer_must_attend=True)
    assert "parent_carer_name" in error.value.message_dict
    person.refresh_from_db()
    assert person.parent_carer_must_attend is None


def test_carer_unavailable_times_are_checked_and_replaced(db):
    person = make_young_person(parent_carer_name="Sam Carer")
    with pytest.raises(ValidationError) as error:
        young_person_update(
            young_person=person,
            parent_carer_unavailable=[
                {"weekdays": [0], "start_time": dt.time(15), "end_time": dt.time(9)}
            ],
        )
    assert "parent_carer_unavailable.0.end_time" in error.value.message_dict
    young_person_update(
        young_person=person,
        parent_carer_unavailable=[
            {"weekdays": [2, 0], "start_time": dt.time(9), "end_time": dt.time(17)}
        ],
    )
    rows = list(ParentCarerUnavailableTime.objects.filter(young_person=person))
    assert [(r.weekdays, r.start_time, r.end_time) for r in rows] == [
        ([0, 2], dt.time(9), dt.time(17))
    ]
    # The young person's own times are a separate list, untouched.
    assert not person.unavailable.exists()
    young_person_update(young_person=person, parent_carer_unavailable=[])
    assert not ParentCarerUnavailableTime.objects.filter(young_person=person).exists()
