"""Venue kinds and travel minutes through the API (issue 17, community venues)."""

from __future__ import annotations

import pytest

from accounts.models import Role
from screening.models import Venue
from tests.api.test_input_limits import refused
from tests.conftest import client_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return client_for(make_user(role=Role.YOT_ADMIN))


def test_a_community_venue_keeps_its_kind_text_name_and_travel(admin):
    response = admin.post(
        "/api/v1/venues/",
        {
            "name": "Mill Road youth centre",
            "address": "12 Mill Road, Townham",
            "kind": "community",
            "text_name": "the youth centre on Mill Road",
            "travel_minutes": 25,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["text_name"], body["travel_minutes"]) == (
        "community",
        "the youth centre on Mill Road",
        25,
    )


def test_a_venue_without_kind_or_travel_is_a_yot_office_with_none(admin):
    response = admin.post("/api/v1/venues/", {"name": "Hub", "address": "1 Road"}, format="json")
    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["travel_minutes"]) == ("yot_office", 0)


@pytest.mark.parametrize("minutes", [-1, 241])
def test_travel_minutes_outside_0_to_240_is_refused_naming_the_field(admin, minutes):
    response = admin.post(
        "/api/v1/venues/",
        {"name": "Far", "address": "1 Road", "kind": "community", "travel_minutes": minutes},
        format="json",
    )
    refused(response, "travel_minutes", "0 to 240" if minutes > 0 else "0")
    assert not Venue.objects.exists()


def test_an_unknown_kind_is_refused_naming_the_field(admin):
    response = admin.post(
        "/api/v1/venues/", {"name": "Boat", "address": "1 Road", "kind": "boat"}, format="json"
    )
    refused(response, "kind", "boat")


def test_a_home_venue_without_a_name_for_texts_is_refused_as_it_would_print_the_address(admin):
    response = admin.post(
        "/api/v1/venues/",
        {"name": "Home", "address": "4 Elm Row, Townham", "kind": "home"},
        format="json",
    )
    refused(response, "text_name", "address")
    assert not Venue.objects.exists()
    named = admin.post(
        "/api/v1/venues/",
        {"name": "Home", "address": "4 Elm Row", "kind": "home", "text_name": "your home"},
        format="json",
    )
    assert named.status_code == 201 and named.json()["text_name"] == "your home"
