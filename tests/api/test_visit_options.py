"""GET /cases/{id}/visit-options/: options, after_deadline and reasons, end to end."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import Role
from agencies.services import leave_create
from screening.people.young_people import young_person_update
from screening.venues.services import room_create, venue_create
from tests.conftest import client_for
from tests.factories import (
    make_case,
    make_room,
    make_user,
    make_working_practitioner,
)

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 3, 1, 8, 0, tzinfo=LONDON)  # Monday
CODES = ["speech_language", "health", "education", "social_care"]


@pytest.fixture
def world(db, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(dt.UTC))
    people = {}
    for code in CODES:
        people[code] = make_working_practitioner(agency=code)
    room = make_room()
    case = make_case(order_start_date=dt.date(2027, 3, 1))  # visit due Monday 8 March
    return {
        "people": people,
        "room": room,
        "case": case,
        "admin": client_for(make_user(role=Role.YOT_ADMIN)),
    }


def url(world, query=""):
    return f"/api/v1/cases/{world['case'].pk}/visit-options/{query}"


def local(text):
    return dt.datetime.fromisoformat(text).astimezone(LONDON)


def test_earliest_options_after_minimum_notice_on_the_grid(world):
    data = world["admin"].get(url(world, "?count=2")).json()
    first = data["options"][0]
    # Now 08:00 plus two hours' notice: 10:00 is the first start.
    assert local(first["start"]).strftime("%a %H:%M") == "Mon 10:00"
    assert [s["agency"] for s in first["sessions"]] == CODES
    assert local(first["end"]).strftime("%H:%M") == "12:30"
    assert first["room_name"] and first["sessions"][1]["practitioner_name"]
    assert data["after_deadline"] == [] and data["reasons"] == []


def test_an_option_can_be_booked_back(world):
    option = world["admin"].get(url(world, "?count=1")).json()["options"][0]
    body = {
        "case": world["case"].pk,
        "room": option["room"],
        "sessions": [
            {k: s[k] for k in ("agency", "practitioner", "start", "end")}
            for s in option["sessions"]
        ],
    }
    assert world["admin"].post("/api/v1/visits/", body, format="json").status_code == 201
    again = world["admin"].get(url(world, "?count=1")).json()["options"][0]
    assert again["start"] != option["start"] or again["room"] != option["room"]


def test_no_practitioner_before_the_deadline_says_so_and_offers_later(world):
    leave_create(
        practitioner=world["people"]["health"],
        start=dt.datetime(2027, 3, 1, tzinfo=LONDON),
        end=dt.datetime(2027, 3, 11, tzinfo=LONDON),
        reason="Leave",
    )
    data = world["admin"].get(url(world, "?count=2")).json()
    assert data["options"] == []
    assert data["reasons"] == [
        "No health practitioner is free before the deadline of Monday 8 March 2027; "
        "the earliest would be Thursday 11 March 2027."
    ]
    assert local(data["after_deadline"][0]["start"]).date() == dt.date(2027, 3, 11)


def test_only_the_requested_agencies_and_durations(world):
    data = world["admin"].get(url(world, "?count=1&agencies=health&durations=health:60")).json()
    [session] = data["options"][0]["sessions"]
    assert session["agency"] == "health"
    assert local(session["end"]) - local(session["start"]) == dt.timedelta(minutes=60)


def test_school_hours_are_avoided_and_can_be_strict(world):
    young_person_update(
        young_person=world["case"].young_person,
        unavailable=[
            {"weekdays": [0, 1, 2, 3, 4], "start_time": dt.time(9), "end_time": dt.time(14)}
        ],
    )
    soft = world["admin"].get(url(world, "?count=1")).json()["options"][0]
    assert local(soft["start"]).strftime("%H:%M") == "14:00" and soft["outside_unavailable"]
    strict = world["admin"].get(url(world, "?count=50&respect_unavailable=true")).json()
    assert all(local(o["start"]).hour >= 14 for o in strict["options"])


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?count=51", "count"),
        ("?count=ten", "count"),
        ("?order=random", "order"),
        ("?agencies=astrology", "agencies"),
        ("?durations=health:2", "durations"),
        ("?min_gap=30&max_gap=10", "max_gap"),
        ("?not_before=yesterday", "not_before"),
    ],
)
def test_bad_queries_name_the_parameter(world, query, field):
    response = world["admin"].get(url(world, query))
    assert response.status_code == 400 and field in response.json()["errors"]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.CASE_MANAGER, 403),
        (Role.YOT_MANAGER, 403),
        (Role.PRACTITIONER, 403),
        (Role.SYSTEM_ADMIN, 403),
    ],
)
def test_only_yot_admins_ask_for_options(world, role, status):
    assert client_for(make_user(role=role)).get(url(world)).status_code == status


def test_options_are_spread_at_most_three_a_day_two_hours_apart(world):
    """Now Monday 1 March 2027 at 08:00: two hours' notice makes 10:00 the first start, and
    a visit of the four agencies (2 hours 30 minutes) starts by 14:30 to end by 17:00."""
    data = world["admin"].get(url(world, "?count=10")).json()
    starts = [local(o["start"]).strftime("%a %d %H:%M") for o in data["options"]]
    assert starts == [
        "Mon 01 10:00",
        "Mon 01 12:00",
        "Mon 01 14:00",
        "Tue 02 09:00",
        "Tue 02 11:00",
        "Tue 02 13:00",
        "Wed 03 09:00",
        "Wed 03 11:00",
        "Wed 03 13:00",
        "Thu 04 09:00",
    ]


def test_spread_false_gives_every_start_from_the_earliest(world):
    data = world["admin"].get(url(world, "?count=3&spread=false")).json()
    assert [local(o["start"]).strftime("%H:%M") for o in data["options"]] == [
        "10:00",
        "10:05",
        "10:10",
    ]


def test_an_option_in_school_hours_is_flagged_with_the_times_it_clashes_with(world):
    young_person_update(
        young_person=world["case"].young_person,
        unavailable=[
            {"weekdays": [0, 1, 2, 3, 4], "start_time": dt.time(9), "end_time": dt.time(14)}
        ],
    )
    options = world["admin"].get(url(world, "?count=10")).json()["options"]
    outside = [o for o in options if not o["clashes_with_unavailable"]]
    clashing = [o for o in options if o["clashes_with_unavailable"]]
    assert options == outside + clashing and clashing
    for o in outside:
        assert o["outside_unavailable"] and o["unavailable_clashes"] == []
        assert local(o["start"]).strftime("%H:%M") == "14:00"
    first = clashing[0]
    assert local(first["start"]).strftime("%a %d %H:%M") == "Mon 01 10:00"
    assert not first["outside_unavailable"]
    assert [(local(c["start"]), local(c["end"])) for c in first["unavailable_clashes"]] == [
        (dt.datetime(2027, 3, 1, 9, tzinfo=LONDON), dt.datetime(2027, 3, 1, 14, tzinfo=LONDON))
    ]


def test_visit_options_start_from_the_order_start_unless_not_before_asks(world):
    """Now Monday 1 March 2027; an order starting on Wednesday 24 March 2027 is offered
    that day first (from 09:00), with a reason saying so; not_before (Tuesday 2 March)
    asks for earlier."""
    case = make_case(order_start_date=dt.date(2027, 3, 24))
    path = f"/api/v1/cases/{case.pk}/visit-options/?count=1&agencies=health"
    data = world["admin"].get(path).json()
    assert [local(o["start"]) for o in data["options"]] == [
        dt.datetime(2027, 3, 24, 9, 0, tzinfo=LONDON)
    ]
    assert data["reasons"] == [
        "The order starts on Wednesday 24 March 2027, so options start from then; "
        "give an earlier first day (not_before) to see earlier ones."
    ]
    asked = world["admin"].get(f"{path}&not_before=2027-03-02T00:00:00Z").json()
    assert [local(o["start"]) for o in asked["options"]] == [
        dt.datetime(2027, 3, 2, 9, 0, tzinfo=LONDON)
    ]
    assert asked["reasons"] == []


def test_options_for_a_review_are_before_the_reviews_due_date(world):
    from screening.models import Review

    # The case's visit is due Monday 8 March; its review is due Tuesday 2 March.
    case = world["case"]
    review = Review.objects.create(case=case, reason="new_information", due_by=dt.date(2027, 3, 2))
    other = Review.objects.create(case=make_case(), reason="scheduled", due_by=dt.date(2027, 3, 2))
    query = f"?agencies=health,education&spread=false&count=50&review={review.pk}"
    data = world["admin"].get(url(world, query)).json()
    assert data["options"]
    assert all(local(o["end"]).date() <= dt.date(2027, 3, 2) for o in data["options"])
    assert {s["agency"] for s in data["options"][0]["sessions"]} == {"health", "education"}
    # From 16:00 on Tuesday 2 March nothing fits that day: every option is after the
    # review's due date, while the same search for the case's first visit has them in time.
    late = "?agencies=health,education&not_before=2027-03-02T16:00:00%2B00:00"
    data = world["admin"].get(url(world, f"{late}&review={review.pk}")).json()
    assert data["options"] == []
    assert local(data["after_deadline"][0]["start"]).date() == dt.date(2027, 3, 3)
    data = world["admin"].get(url(world, late)).json()
    assert local(data["options"][0]["start"]).date() == dt.date(2027, 3, 3)
    wrong = world["admin"].get(url(world, f"?review={other.pk}"))
    assert wrong.status_code == 400
    assert wrong.json()["errors"]["review"] == ["This review is not the case's."]


def test_several_venues_at_once_each_option_names_its_venue(world):
    centre = venue_create(
        name="Mill Road youth centre",
        address="12 Mill Road, Townham",
        kind="community",
        text_name="the youth centre on Mill Road",
        travel_minutes=25,
    )
    hall = room_create(venue=centre, name="Hall")
    office = world["room"].venue
    data = world["admin"].get(url(world, f"?count=4&spread=false&venues={centre.pk}")).json()
    assert {o["room"] for o in data["options"]} == {hall.pk}
    first = data["options"][0]
    assert (first["venue"], first["venue_kind"], first["venue_text_name"]) == (
        centre.pk,
        "community",
        "the youth centre on Mill Road",
    )
    # Set out at 09:35 for the 10:00 start (the earliest, two hours' notice).
    assert local(first["start"]).strftime("%a %H:%M") == "Mon 10:00"
    both = (
        world["admin"]
        .get(url(world, f"?count=4&spread=false&venues={office.pk},{centre.pk}"))
        .json()
    )
    assert {o["venue"] for o in both["options"]} == {office.pk, centre.pk}
    starts = [o["start"] for o in both["options"]]
    assert starts == sorted(starts)


def test_unknown_venues_are_named(world):
    response = world["admin"].get(url(world, f"?venues={world['room'].venue.pk},999,x"))
    assert response.status_code == 400
    assert "999" in response.json()["errors"]["venues"][0]
    assert "x" in response.json()["errors"]["venues"][0]


def test_a_home_option_has_no_room_names_its_venue_and_books_back(world):
    home = venue_create(
        name="Young person's home",
        address="The address on the case record",
        kind="home",
        text_name="your home",
        travel_minutes=20,
    )
    data = world["admin"].get(url(world, f"?count=2&spread=false&venues={home.pk}")).json()
    first = data["options"][0]
    assert (first["room"], first["room_name"]) == (None, None)
    assert (first["venue"], first["venue_kind"], first["venue_text_name"]) == (
        home.pk,
        "home",
        "your home",
    )
    body = {
        "case": world["case"].pk,
        "venue": home.pk,
        "sessions": [
            {k: s[k] for k in ("agency", "practitioner", "start", "end")} for s in first["sessions"]
        ],
    }
    booked = world["admin"].post("/api/v1/visits/", body, format="json")
    assert booked.status_code == 201, booked.content
    visit = booked.json()
    assert (visit["room"], visit["room_name"], visit["venue"]) == (None, None, home.pk)
    assert visit["venue_name"] == "Young person's home"
    shown = world["admin"].get(f"/api/v1/visits/{visit['id']}/").json()
    assert (shown["room"], shown["venue"]) == (None, home.pk)


def test_a_visit_at_a_venue_with_rooms_needs_a_room(world):
    option = world["admin"].get(url(world, "?count=1")).json()["options"][0]
    body = {
        "case": world["case"].pk,
        "venue": option["venue"],
        "sessions": [
            {k: s[k] for k in ("agency", "practitioner", "start", "end")}
            for s in option["sessions"]
        ],
    }
    refused = world["admin"].post("/api/v1/visits/", body, format="json")
    assert refused.status_code == 400
    assert "needs a room" in refused.json()["errors"]["room"][0]
