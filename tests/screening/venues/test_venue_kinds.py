"""A venue's kind fits its rooms and visits: a home or school has no rooms of ours, and a
venue with visits booked or done there without a room keeps a kind that needs none. Refused
changes name `kind` (or the room's `venue`) and change nothing (docs/decisions/0024).

The world (tests/calendar_support): everyone works weekdays 09:00-17:00, one office room;
now is Monday 1 March 2027 08:00, so Tuesday 2 March 10:00 is well after the notice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from screening.booking.services import visit_book, visit_cancel
from screening.models import Room, Venue
from screening.venues.services import room_create, venue_create, venue_update
from tests.api.test_input_limits import refused
from tests.calendar_support import LONDON, sessions_from, world  # noqa: F401
from tests.conftest import client_for
from tests.factories import make_user

TUESDAY = dt.datetime(2027, 3, 2, 10, 0, tzinfo=LONDON)


@pytest.fixture
def home(world):  # noqa: F811
    return venue_create(
        name="Young person's home",
        address="The address on the case record",
        kind="home",
        text_name="your home",
        travel_minutes=20,
    )


def _book_at_home(world, home):  # noqa: F811
    return visit_book(
        case=world.case, venue=home, sessions=sessions_from(world, TUESDAY), late_reason="x"
    )


def test_a_venue_with_a_booked_home_visit_keeps_its_kind(world, home):  # noqa: F811
    visit = _book_at_home(world, home)
    for kind in ("yot_office", "community"):
        with pytest.raises(ValidationError) as refused_change:
            venue_update(venue=home, kind=kind, name="Renamed")
        assert list(refused_change.value.message_dict) == ["kind"]
        assert "without a room" in refused_change.value.message_dict["kind"][0]
    home.refresh_from_db()
    assert (home.kind, home.name) == ("home", "Young person's home")  # nothing changed
    # Home to school needs no room either: allowed.
    assert venue_update(venue=home, kind="school").kind == "school"
    # Once the visit is cancelled, nothing there lacks a room: the change is allowed.
    visit_cancel(visit=visit, reason="The family moved.")
    assert venue_update(venue=home, kind="community").kind == "community"


def test_a_venue_with_rooms_in_use_cannot_become_a_home_or_school(world):  # noqa: F811
    office = world.room.venue
    for kind in ("home", "school"):
        with pytest.raises(ValidationError) as refused_change:
            venue_update(venue=office, kind=kind, text_name="your home")
        assert list(refused_change.value.message_dict) == ["kind"]
        assert "rooms in use" in refused_change.value.message_dict["kind"][0]
    office.refresh_from_db()
    assert office.kind == "yot_office"
    Room.objects.filter(pk=world.room.pk).update(is_active=False)
    assert venue_update(venue=office, kind="school").kind == "school"


def test_a_home_or_school_gets_no_rooms(home):
    school = venue_create(
        name="Ashworth Academy", address="1 School Lane", kind="school", text_name="your school"
    )
    for venue in (home, school):
        with pytest.raises(ValidationError) as no_room:
            room_create(venue=venue, name="Library")
        assert list(no_room.value.message_dict) == ["venue"]
    assert not Room.objects.filter(venue__in=[home, school]).exists()


def test_the_api_refuses_a_kind_change_naming_kind_and_changes_nothing(world, home):  # noqa: F811
    _book_at_home(world, home)
    api = client_for(make_user(role=Role.YOT_ADMIN))
    response = api.patch(
        f"/api/v1/venues/{home.pk}/",
        {"kind": "yot_office", "travel_minutes": 0, "opening_hours": []},
        format="json",
    )
    refused(response, "kind", "without a room")
    home.refresh_from_db()
    assert (home.kind, home.travel_minutes, home.opening_hours.count()) == ("home", 20, 5)
    # Other changes go through PATCH as usual.
    renamed = api.patch(f"/api/v1/venues/{home.pk}/", {"travel_minutes": 30}, format="json")
    assert renamed.status_code == 200, renamed.content
    assert renamed.json()["travel_minutes"] == 30
    office = world.room.venue
    refused(
        api.patch(f"/api/v1/venues/{office.pk}/", {"kind": "home"}, format="json"),
        "kind",
        "rooms in use",
    )
    refused(
        api.post("/api/v1/rooms/", {"venue": home.pk, "name": "Lounge"}, format="json"),
        "venue",
        "no rooms of ours",
    )
    assert api.put(f"/api/v1/venues/{home.pk}/", {}, format="json").status_code == 405


def test_the_admin_pages_refuse_the_same_changes(world, home, client):  # noqa: F811
    _book_at_home(world, home)
    user = make_user(role=Role.SYSTEM_ADMIN)
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    form = {
        "name": home.name,
        "kind": "yot_office",
        "text_name": home.text_name,
        "travel_minutes": 20,
        "address": home.address,
        "opening_hours-TOTAL_FORMS": 0,
        "opening_hours-INITIAL_FORMS": 0,
    }
    response = client.post(f"/admin/screening/venue/{home.pk}/change/", form)
    assert response.status_code == 200  # the form again, with the error
    assert "without a room" in response.content.decode()
    assert Venue.objects.get(pk=home.pk).kind == "home"
    room = client.post(
        "/admin/screening/room/add/", {"venue": home.pk, "name": "Lounge", "is_active": "on"}
    )
    assert room.status_code == 200 and "no rooms of ours" in room.content.decode()
    assert not Room.objects.filter(venue=home).exists()
