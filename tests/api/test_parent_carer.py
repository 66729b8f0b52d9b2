"""A parent or carer who must attend: the young-people API round trip, and visit options
avoiding the carer's usual unavailable times as the young person's are (first, or strictly),
with reasons naming the carer."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import Role
from screening.people.young_people import young_person_update
from tests.conftest import client_for
from tests.factories import make_case, make_room, make_user, make_working_practitioner

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 3, 1, 8, 0, tzinfo=LONDON)  # Monday
CODES = ["speech_language", "health", "education", "social_care"]
WEEKDAYS_9_TO_2 = [{"weekdays": [0, 1, 2, 3, 4], "start_time": dt.time(9), "end_time": dt.time(14)}]
ALL_WEEK_ALL_DAY = [
    {"weekdays": [0, 1, 2, 3, 4, 5, 6], "start_time": dt.time(0), "end_time": dt.time(23, 59)}
]


@pytest.fixture
def world(db, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(dt.UTC))
    for code in CODES:
        make_working_practitioner(agency=code)
    make_room()
    return {"admin": client_for(make_user(role=Role.YOT_ADMIN))}


def _case(world, born=dt.date(2011, 5, 17), **person):
    """A case whose order starts Monday 1 March 2027 (visit due Monday 8 March); born
    17 May 2011 the young person is 15 that day, so by age the carer must attend."""
    case = make_case(order_start_date=dt.date(2027, 3, 1))
    young_person_update(
        young_person=case.young_person,
        date_of_birth=born,
        parent_carer_name="Sam Carer",
        **person,
    )
    return case


def options(world, case, query=""):
    response = world["admin"].get(f"/api/v1/cases/{case.pk}/visit-options/{query}")
    assert response.status_code == 200, response.content
    return response.json()


def local(text):
    return dt.datetime.fromisoformat(text).astimezone(LONDON)


def test_carer_times_are_avoided_first_and_flagged_when_offered(world):
    case = _case(world, parent_carer_unavailable=WEEKDAYS_9_TO_2)
    found = options(world, case, "?count=10")["options"]
    outside = [o for o in found if o["outside_unavailable"]]
    clashing = [o for o in found if not o["outside_unavailable"]]
    assert found == outside + clashing and outside and clashing
    assert all(local(o["start"]).strftime("%H:%M") == "14:00" for o in outside)
    assert all(o["parent_carer_unavailable_clashes"] == [] for o in outside)
    first = clashing[0]
    assert local(first["start"]).strftime("%a %d %H:%M") == "Mon 01 10:00"
    assert first["clashes_with_parent_carer_unavailable"]
    assert not first["clashes_with_unavailable"]  # the young person is free then
    assert [
        (local(c["start"]), local(c["end"])) for c in first["parent_carer_unavailable_clashes"]
    ] == [(dt.datetime(2027, 3, 1, 9, tzinfo=LONDON), dt.datetime(2027, 3, 1, 14, tzinfo=LONDON))]


def test_strict_search_never_offers_a_carer_time(world):
    case = _case(world, parent_carer_unavailable=WEEKDAYS_9_TO_2)
    strict = options(world, case, "?count=50&respect_unavailable=true")["options"]
    assert strict and all(local(o["start"]).hour >= 14 for o in strict)
    assert not any(o["clashes_with_parent_carer_unavailable"] for o in strict)


def test_carer_times_do_not_count_when_the_carer_need_not_attend(world):
    # Born 17 May 2010: 16 on 1 March 2027, so by age nobody must come with them.
    by_age = _case(world, born=dt.date(2010, 5, 17), parent_carer_unavailable=WEEKDAYS_9_TO_2)
    first = options(world, by_age, "?count=1&respect_unavailable=true")["options"][0]
    assert local(first["start"]).strftime("%a %d %H:%M") == "Mon 01 10:00"
    assert not first["clashes_with_parent_carer_unavailable"]
    # 15, but the admin said no carer comes.
    told_no = _case(world, parent_carer_must_attend=False, parent_carer_unavailable=WEEKDAYS_9_TO_2)
    first = options(world, told_no, "?count=1&respect_unavailable=true")["options"][0]
    assert local(first["start"]).strftime("%H:%M") == "10:00"


def test_an_explicit_yes_counts_the_carer_for_an_older_young_person(world):
    case = _case(
        world,
        born=dt.date(2009, 1, 2),  # 18 on 1 March 2027
        parent_carer_must_attend=True,
        parent_carer_unavailable=WEEKDAYS_9_TO_2,
    )
    strict = options(world, case, "?count=5&respect_unavailable=true")["options"]
    assert strict and all(local(o["start"]).hour >= 14 for o in strict)


def test_the_reason_names_the_carer_when_only_their_times_stand_in_the_way(world):
    case = _case(world, parent_carer_unavailable=ALL_WEEK_ALL_DAY)
    data = options(world, case, "?count=1&respect_unavailable=true")
    assert data["options"] == []
    assert data["reasons"] == [
        "The parent or carer is unavailable at every time before the deadline of Monday "
        "8 March 2027 that suits the young person (their usual unavailable times); allow "
        "those times, or check whether the parent or carer must attend."
    ]


def test_the_reason_names_both_when_neither_times_alone_leave_a_visit(world):
    case = _case(world, unavailable=ALL_WEEK_ALL_DAY, parent_carer_unavailable=ALL_WEEK_ALL_DAY)
    data = options(world, case, "?count=1&respect_unavailable=true")
    assert data["reasons"] == [
        "Every time before the deadline of Monday 8 March 2027 clashes with the young "
        "person's or the parent or carer's usual unavailable times; allow those times to "
        "see options."
    ]


def test_the_young_persons_own_reason_is_unchanged_without_carer_times(world):
    case = _case(world, unavailable=ALL_WEEK_ALL_DAY)
    data = options(world, case, "?count=1&respect_unavailable=true")
    assert data["reasons"] == [
        "Every time before the deadline of Monday 8 March 2027 clashes with the young "
        "person's usual unavailable times (such as school hours); allow those times to see "
        "options."
    ]


BODY = {
    "given_name": "Robin",
    "family_name": "Ashdown",
    "date_of_birth": "2011-05-17",
    "parent_carer_name": "Sam Ashdown",
    "parent_carer_unavailable": [{"weekdays": [0, 2], "start_time": "09:00", "end_time": "17:30"}],
}


def test_young_people_round_trip_the_carer_fields(world):
    admin = world["admin"]
    created = admin.post("/api/v1/young-people/", BODY, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["parent_carer_must_attend"] is None  # by age
    assert data["parent_carer_unavailable"] == BODY["parent_carer_unavailable"]
    pk = data["id"]
    case = admin.post(
        "/api/v1/cases/",
        {"young_person": pk, "order_type": "referral_order", "order_start_date": "2027-03-01"},
        format="json",
    )
    assert case.json()["parent_carer_must_attend"] is True  # 15 on 1 March 2027
    changed = admin.patch(
        f"/api/v1/young-people/{pk}/",
        {"parent_carer_must_attend": False, "parent_carer_unavailable": []},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    again = admin.get(f"/api/v1/young-people/{pk}/").json()
    assert again["parent_carer_must_attend"] is False and again["parent_carer_unavailable"] == []
    assert (
        admin.get(f"/api/v1/cases/{case.json()['id']}/").json()["parent_carer_must_attend"] is False
    )
    back = admin.patch(
        f"/api/v1/young-people/{pk}/", {"parent_carer_must_attend": None}, format="json"
    )
    assert back.json()["parent_carer_must_attend"] is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"parent_carer_must_attend": "maybe"}, "parent_carer_must_attend"),
        (
            {
                "parent_carer_unavailable": [
                    {"weekdays": [0], "start_time": "15:00", "end_time": "09:00"}
                ]
            },
            "parent_carer_unavailable.0.end_time",
        ),
        (
            {
                "parent_carer_unavailable": [
                    {"weekdays": [9], "start_time": "09:00", "end_time": "10:00"}
                ]
            },
            "parent_carer_unavailable",
        ),
        ({"parent_carer_must_attend": True, "parent_carer_name": ""}, "parent_carer_name"),
    ],
)
def test_bad_carer_fields_are_named_and_nothing_is_saved(world, change, field):
    admin = world["admin"]
    pk = admin.post("/api/v1/young-people/", BODY, format="json").json()["id"]
    response = admin.patch(f"/api/v1/young-people/{pk}/", change, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert any(key == field or key.startswith(field) for key in errors), errors
    after = admin.get(f"/api/v1/young-people/{pk}/").json()
    assert after["parent_carer_unavailable"] == BODY["parent_carer_unavailable"]
    assert after["parent_carer_must_attend"] is None and after["parent_carer_name"] == "Sam Ashdown"
